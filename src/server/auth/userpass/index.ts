// The userpass auth method (Vault's builtin/credential/userpass): users with a password (scrypt,
// see password_hash.ts) and token_* settings. Token renewal re-checks, as Vault does, that the user
// still exists and that its policies are unchanged (ignoring "default"); the token's TTLs stay those
// set at login (Coffer's renewAuth can refuse but not change them).

import { badRequest, type BackendFactory } from '../../framework/index.js';
import { createKeyedLock } from '../../framework/index.js';
import { pathLogin } from './path_login.js';
import { normalizePolicies, pathUserPolicies } from './path_user_policies.js';
import { pathUserPassword } from './path_user_password.js';
import { pathUsers, pathUsersList } from './path_users.js';
import { getUser } from './user_store.js';

function samePolicies(a: string[], b: string[]): boolean {
  const norm = (x: string[]): string => normalizePolicies(x).filter((p) => p !== 'default').sort().join(',');
  return norm(a) === norm(b);
}

export const userpassBackendFactory: BackendFactory = async (ctx) => {
  const lock = createKeyedLock();
  return {
    paths: [pathLogin(), pathUsersList(), pathUsers(lock), pathUserPassword(lock), pathUserPolicies(lock)],
    renewAuth: async (internal) => {
      const username = typeof internal.username === 'string' ? internal.username : '';
      if (username === '') throw badRequest('failed to fetch username during renewal');
      const user = await getUser(ctx.storage, username);
      if (!user) throw badRequest(`user "${username}" no longer exists; not renewing`);
      const issued = Array.isArray(internal.policies) ? internal.policies.filter((p): p is string => typeof p === 'string') : [];
      if (!samePolicies(user.token.policies, issued)) throw badRequest('policies have changed, not renewing');
    },
  };
};
