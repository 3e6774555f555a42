// `users/<name>/policies` (legacy): replace an existing user's token_policies (or deprecated
// `policies`). Tokens issued before the change stop renewing (see renewAuth in index.ts).

import { badRequest, noteLegacy, TOKEN_FIELDS, type PathDef } from '../../framework/index.js';
import type { KeyedLock } from '../../framework/index.js';
import { USERNAME, USERNAME_FIELD } from './path_users.js';
import { getUser, putUser } from './user_store.js';

export function normalizePolicies(policies: string[]): string[] {
  return [...new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))];
}

export function pathUserPolicies(lock: KeyedLock): PathDef {
  return {
    pattern: `users/${USERNAME}/policies`,
    fields: { username: USERNAME_FIELD, token_policies: TOKEN_FIELDS.token_policies!, policies: TOKEN_FIELDS.policies! },
    operations: {
      update: async (req, fields) => {
        const name = fields.get<string>('username');
        if (fields.has('token_policies') && fields.has('policies')) throw badRequest('"token_policies" and "policies" cannot both be given; use token_policies');
        const field = fields.has('token_policies') ? 'token_policies' : fields.has('policies') ? 'policies' : null;
        if (!field) return null;
        await lock.run(name, async () => {
          const user = await getUser(req.storage, name);
          if (!user) throw badRequest('username does not exist');
          await putUser(req.storage, name, { ...user, token: noteLegacy({ ...user.token, policies: normalizePolicies(fields.get<string[]>(field)) }, 'policies', field === 'policies') });
        });
        return null;
      },
    },
    help: 'Update the policies associated with the username.',
  };
}
