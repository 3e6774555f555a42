// `role/<name>/role-id`: read the role's RoleID, or set it to a custom value (the old one stops
// working at once; a RoleID belongs to one role only).

import { badRequest, notFound, type PathDef } from '../../framework/index.js';
import { MAX_NAME_BYTES, ROLE_NAME_FIELD } from './role_fields.js';
import { ROLE_NAME, type ApproleState } from './state.js';

export function pathRoleId(st: ApproleState): PathDef {
  return {
    pattern: `role/${ROLE_NAME}/role-id`,
    fields: {
      role_name: ROLE_NAME_FIELD,
      role_id: { type: 'string', description: 'Value to be set as the RoleID' },
    },
    operations: {
      read: async (req, fields) => {
        const role = await st.roles.get(req.storage, fields.get<string>('role_name'));
        if (!role) throw notFound();
        return { data: { role_id: role.roleId } };
      },
      update: async (req, fields) => {
        const name = fields.get<string>('role_name');
        const roleId = fields.get<string>('role_id');
        if (roleId === '') throw badRequest('missing role_id');
        if (Buffer.byteLength(roleId) > MAX_NAME_BYTES) throw badRequest(`"role_id" is longer than maximum of ${MAX_NAME_BYTES} bytes`);
        await st.roleLock.run(name, async () => {
          const role = await st.roles.get(req.storage, name);
          if (!role) throw notFound(`role "${name}" does not exist`);
          await st.roles.save(req.storage, { ...role, roleId }, role.roleId);
        });
        return null;
      },
    },
    help: "Read or set the role's RoleID, the first half of its login credentials.",
  };
}
