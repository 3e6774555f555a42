// `role/` (LIST) and `role/<name>` (create/update with Vault's create-vs-update distinction, read,
// delete). Deleting a role also destroys every secret ID issued against it.

import { badRequest, notFound, tokenParamsData, type Handler, type PathDef } from '../../framework/index.js';
import { applyRoleFields, MAX_NAME_BYTES, newRole, ROLE_FIELDS } from './role_fields.js';
import { ROLE_NAME, type ApproleState } from './state.js';
import type { RoleEntry } from './types.js';

export function roleData(role: RoleEntry): Record<string, unknown> {
  return {
    bind_secret_id: role.bindSecretId,
    secret_id_bound_cidrs: role.secretIdBoundCidrs,
    secret_id_num_uses: role.secretIdNumUses,
    secret_id_ttl: role.secretIdTtl,
    local_secret_ids: role.localSecretIds,
    ...tokenParamsData(role.token),
  };
}

export function pathRoleList(st: ApproleState): PathDef {
  return {
    pattern: 'role/?',
    operations: {
      list: async (req) => {
        const keys = await st.roles.list(req.storage);
        if (keys.length === 0) throw notFound();
        return { data: { keys } };
      },
    },
    help: 'Lists all the roles registered with the backend.',
  };
}

export function pathRole(st: ApproleState): PathDef {
  const write: Handler = async (req, fields) => {
    const name = fields.get<string>('role_name');
    if (Buffer.byteLength(name) > MAX_NAME_BYTES) throw badRequest(`role_name is longer than maximum of ${MAX_NAME_BYTES} bytes`);
    return st.roleLock.run(name, async () => {
      const existing = await st.roles.get(req.storage, name);
      if (!existing && req.operation !== 'create') throw notFound(`role name "${name}" doesn't exist`);
      const { role, warnings } = applyRoleFields(existing ?? newRole(name), fields, !existing, st.system.maxLeaseTtl());
      await st.roles.save(req.storage, role, existing?.roleId ?? '');
      return warnings.length > 0 ? { data: null, warnings } : null;
    });
  };
  return {
    pattern: `role/${ROLE_NAME}`,
    fields: ROLE_FIELDS,
    existenceCheck: async (req, fields) => (await st.roles.get(req.storage, fields.get<string>('role_name'))) !== null,
    operations: {
      create: write,
      update: write,
      read: async (req, fields) => {
        const role = await st.roles.get(req.storage, fields.get<string>('role_name'));
        if (!role) throw notFound();
        return { data: roleData(role) };
      },
      delete: async (req, fields) => {
        const name = fields.get<string>('role_name');
        await st.roleLock.run(name, async () => {
          const role = await st.roles.get(req.storage, name);
          if (!role) return;
          await st.secretIds.flush(req.storage, name);
          await st.roles.remove(req.storage, role);
        });
        return null;
      },
    },
    help: 'Register a role with the backend: its login constraints and the token_* fields of the tokens it issues.',
  };
}
