// `role/<name>/<field>` endpoints (read/update/delete one property), which exist so ACLs can delegate
// a single property, as in Vault: policies, secret-id-num-uses, secret-id-ttl, token-ttl,
// token-max-ttl, token-num-uses, bind-secret-id, secret-id-bound-cidrs, token-bound-cidrs, period;
// and the read-only local-secret-ids. Updates reuse role_fields.ts, so validation is the same.

import { badRequest, legacyTokenData, notFound, type FieldSchema, type PathDef } from '../../framework/index.js';
import { restrictFields } from './field_views.js';
import { applyRoleFields, checkConstraints, ROLE_FIELDS, ROLE_NAME_FIELD } from './role_fields.js';
import { ROLE_NAME, type ApproleState } from './state.js';
import type { RoleEntry } from './types.js';

interface FieldEndpoint {
  segment: string;
  /** Accepted request fields; the first names the value in "missing ..." errors. */
  fields: string[];
  read: (role: RoleEntry) => Record<string, unknown>;
  /** Deleting the property sets it back to its default. */
  reset?: (role: RoleEntry) => void;
}

const ENDPOINTS: FieldEndpoint[] = [
  { segment: 'policies', fields: ['token_policies', 'policies'], read: (r) => ({ token_policies: r.token.policies, ...legacyTokenData(r.token, ['policies']) }), reset: (r) => void (r.token.policies = []) },
  { segment: 'secret-id-num-uses', fields: ['secret_id_num_uses'], read: (r) => ({ secret_id_num_uses: r.secretIdNumUses }), reset: (r) => void (r.secretIdNumUses = 0) },
  { segment: 'secret-id-ttl', fields: ['secret_id_ttl'], read: (r) => ({ secret_id_ttl: r.secretIdTtl }), reset: (r) => void (r.secretIdTtl = 0) },
  { segment: 'token-ttl', fields: ['token_ttl'], read: (r) => ({ token_ttl: r.token.ttl }), reset: (r) => void (r.token.ttl = 0) },
  { segment: 'token-max-ttl', fields: ['token_max_ttl'], read: (r) => ({ token_max_ttl: r.token.maxTtl }), reset: (r) => void (r.token.maxTtl = 0) },
  { segment: 'token-num-uses', fields: ['token_num_uses'], read: (r) => ({ token_num_uses: r.token.numUses }), reset: (r) => void (r.token.numUses = 0) },
  { segment: 'bind-secret-id', fields: ['bind_secret_id'], read: (r) => ({ bind_secret_id: r.bindSecretId }), reset: (r) => void (r.bindSecretId = true) },
  {
    segment: 'secret-id-bound-cidrs',
    fields: ['secret_id_bound_cidrs'],
    read: (r) => ({ secret_id_bound_cidrs: r.secretIdBoundCidrs }),
    reset: (r) => void (r.secretIdBoundCidrs = []),
  },
  { segment: 'token-bound-cidrs', fields: ['token_bound_cidrs'], read: (r) => ({ token_bound_cidrs: r.token.boundCidrs }), reset: (r) => void (r.token.boundCidrs = []) },
  { segment: 'period', fields: ['token_period', 'period'], read: (r) => ({ token_period: r.token.period, ...legacyTokenData(r.token, ['period']) }), reset: (r) => void (r.token.period = 0) },
  { segment: 'local-secret-ids', fields: [], read: (r) => ({ local_secret_ids: r.localSecretIds }) },
];

function endpointPath(st: ApproleState, e: FieldEndpoint): PathDef {
  const schema: Record<string, FieldSchema> = { role_name: ROLE_NAME_FIELD };
  for (const name of e.fields) schema[name] = ROLE_FIELDS[name]!;
  const def: PathDef = {
    pattern: `role/${ROLE_NAME}/${e.segment}`,
    fields: schema,
    operations: {
      read: async (req, fields) => {
        const role = await st.roles.get(req.storage, fields.get<string>('role_name'));
        if (!role) throw notFound();
        return { data: e.read(role) };
      },
    },
    help: `Read, update or delete the "${e.segment}" property of a role.`,
  };
  const reset = e.reset;
  if (!reset) return def;
  def.operations.update = async (req, fields) => {
    const name = fields.get<string>('role_name');
    const only = restrictFields(fields, e.fields);
    if (!e.fields.some((f) => only.has(f))) throw badRequest(`missing ${e.fields[0]}`);
    await st.roleLock.run(name, async () => {
      const existing = await st.roles.get(req.storage, name);
      if (!existing) throw notFound(`role "${name}" does not exist`);
      const { role } = applyRoleFields(existing, only, false, st.system.maxLeaseTtl());
      await st.roles.save(req.storage, role, existing.roleId);
    });
    return null;
  };
  def.operations.delete = async (req, fields) => {
    const name = fields.get<string>('role_name');
    await st.roleLock.run(name, async () => {
      const role = await st.roles.get(req.storage, name);
      if (!role) return;
      const next: RoleEntry = { ...role, token: { ...role.token } };
      reset(next);
      checkConstraints(next);
      await st.roles.save(req.storage, next, role.roleId);
    });
    return null;
  };
  return def;
}

export function pathsRoleFields(st: ApproleState): PathDef[] {
  return ENDPOINTS.map((e) => endpointPath(st, e));
}
