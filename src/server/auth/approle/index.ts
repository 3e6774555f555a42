// The AppRole auth method (Vault's builtin/credential/approle): roles with a RoleID and secret IDs
// that machines exchange for tokens. Paths live one per file; storage layout in role_store.ts and
// secret_id_store.ts. Token renewal re-checks that the role still exists (as Vault); the token's TTLs
// stay those set at login (Coffer's renewAuth can refuse but not change them).

import { badRequest, type BackendFactory } from '../../framework/index.js';
import { createKeyedLock } from '../../framework/index.js';
import { pathLogin } from './path_login.js';
import { pathRole, pathRoleList } from './path_role.js';
import { pathsRoleFields } from './path_role_fields.js';
import { pathRoleId } from './path_role_id.js';
import { pathCustomSecretId, pathSecretId } from './path_secret_id.js';
import { pathsSecretIdLookup } from './path_secret_id_lookup.js';
import { pathTidy } from './path_tidy.js';
import { createRoleStore } from './role_store.js';
import { saltedHmac } from './salt.js';
import { createSecretIdStore } from './secret_id_store.js';
import type { ApproleState } from './state.js';

export const approleBackendFactory: BackendFactory = async (ctx) => {
  const hmac = saltedHmac(ctx.storage);
  const st: ApproleState = {
    roles: createRoleStore(hmac),
    secretIds: createSecretIdStore(hmac),
    roleLock: createKeyedLock(),
    clock: ctx.clock,
    system: ctx.system,
    mountPoint: ctx.mountPoint,
  };
  return {
    paths: [
      pathLogin(st),
      pathRoleList(st),
      pathRole(st),
      pathRoleId(st),
      ...pathsSecretIdLookup(st),
      pathSecretId(st),
      pathCustomSecretId(st),
      ...pathsRoleFields(st),
      pathTidy(st),
    ],
    // Role-based rate-limit quotas: a login names its role by role_id.
    resolveRole: async (storage, path, data) => {
      const roleId = typeof data.role_id === 'string' ? data.role_id.trim() : '';
      return path === 'login' && roleId !== '' ? ((await st.roles.nameForRoleId(storage, roleId)) ?? '') : '';
    },
    renewAuth: async (internal) => {
      const name = typeof internal.role_name === 'string' ? internal.role_name : '';
      if (name === '') throw badRequest('failed to fetch role_name during renewal');
      if (!(await st.roles.get(ctx.storage, name))) throw badRequest(`role "${name}" does not exist during renewal`);
    },
  };
};
