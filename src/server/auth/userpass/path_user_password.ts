// `users/<name>/password`: replace an existing user's password (its tokens are unaffected).

import { badRequest, type PathDef } from '../../framework/index.js';
import type { KeyedLock } from '../../framework/index.js';
import { hashPassword } from './password_hash.js';
import { USERNAME, USERNAME_FIELD } from './path_users.js';
import { getUser, putUser } from './user_store.js';

export function pathUserPassword(lock: KeyedLock): PathDef {
  return {
    pattern: `users/${USERNAME}/password`,
    fields: { username: USERNAME_FIELD, password: { type: 'string', description: 'The new password' } },
    operations: {
      update: async (req, fields) => {
        const name = fields.get<string>('username');
        const password = fields.get<string>('password');
        if (password === '') throw badRequest('missing password');
        await lock.run(name, async () => {
          const user = await getUser(req.storage, name);
          if (!user) throw badRequest('username does not exist');
          await putUser(req.storage, name, { ...user, passwordHash: await hashPassword(password) });
        });
        return null;
      },
    },
    help: "Reset a user's password.",
  };
}
