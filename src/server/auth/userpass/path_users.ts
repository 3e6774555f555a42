// `users/` (LIST) and `users/<name>` (create/update with Vault's create-vs-update distinction, read,
// delete). A password is required on create; on update it is optional. Names are lower-cased.

import {
  badRequest,
  notFound,
  parseTokenParams,
  tokenParamsData,
  TOKEN_FIELDS,
  DEFAULT_TOKEN_PARAMS,
  type FieldSchema,
  type Handler,
  type PathDef,
} from '../../framework/index.js';
import { withLegacyFields } from './legacy_fields.js';
import type { KeyedLock } from '../../framework/index.js';
import { hashPassword } from './password_hash.js';
import { deleteUser, getUser, listUsers, putUser } from './user_store.js';

/** Path pattern piece for a username, as Vault's framework.GenericNameRegex. */
export const USERNAME = '(?<username>\\w(?:[\\w.-]*\\w)?)';
export const USERNAME_FIELD: FieldSchema = { type: 'lowercase-string', description: 'Username for this user' };

const USER_FIELDS: Record<string, FieldSchema> = {
  username: USERNAME_FIELD,
  password: { type: 'string', description: 'Password for this user' },
  password_hash: { type: 'string', description: 'Pre-hashed (bcrypt) password: not supported by Coffer' },
  ttl: { type: 'duration', description: 'Deprecated: use token_ttl' },
  max_ttl: { type: 'duration', description: 'Deprecated: use token_max_ttl' },
  bound_cidrs: { type: 'strings', description: 'Deprecated: use token_bound_cidrs' },
  ...TOKEN_FIELDS,
};

export function pathUsersList(): PathDef {
  return {
    pattern: 'users/?',
    operations: {
      list: async (req) => {
        const keys = await listUsers(req.storage);
        if (keys.length === 0) throw notFound();
        return { data: { keys } };
      },
    },
    help: 'List the users allowed to authenticate.',
  };
}

export function pathUsers(lock: KeyedLock): PathDef {
  const write: Handler = async (req, fields) => {
    const name = fields.get<string>('username');
    if (fields.has('password_hash')) {
      throw badRequest('"password_hash" (a bcrypt hash) is not supported by Coffer, which stores scrypt hashes: send "password" instead');
    }
    return lock.run(name, async () => {
      const existing = await getUser(req.storage, name);
      if (!existing && req.operation !== 'create') throw notFound(`user "${name}" does not exist`);
      const token = parseTokenParams(withLegacyFields(fields), existing?.token ?? DEFAULT_TOKEN_PARAMS, ['policies', 'ttl', 'max_ttl', 'bound_cidrs']);
      let passwordHash = existing?.passwordHash ?? '';
      if (fields.has('password') || !existing) {
        const password = fields.get<string>('password');
        if (password === '') throw badRequest('missing password');
        passwordHash = await hashPassword(password);
      }
      await putUser(req.storage, name, { passwordHash, token });
      return null;
    });
  };
  return {
    pattern: `users/${USERNAME}`,
    fields: USER_FIELDS,
    existenceCheck: async (req, fields) => (await getUser(req.storage, fields.get<string>('username'))) !== null,
    operations: {
      create: write,
      update: write,
      read: async (req, fields) => {
        const user = await getUser(req.storage, fields.get<string>('username'));
        if (!user) throw notFound();
        return { data: tokenParamsData(user.token) };
      },
      delete: async (req, fields) => {
        const name = fields.get<string>('username');
        await lock.run(name, () => deleteUser(req.storage, name));
        return null;
      },
    },
    help: 'Manage users allowed to authenticate. Deleting a user does not revoke its tokens; their next renewal fails.',
  };
}
