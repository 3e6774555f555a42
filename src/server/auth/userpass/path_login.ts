// `login/<name>` {password}: checks the scrypt hash (a dummy hash is computed for unknown users, so
// both failures take similar time and give Vault's one 400 "invalid username or password"), refuses
// clients outside the user's token_bound_cidrs (403, as Vault), and returns the user's token settings
// with metadata {username} and display name "<mount>-<username>" (e.g. "userpass-alice").

import { authFromTokenParams, badRequest, invalidCredentials, ipInCidrs, permissionDenied, type PathDef } from '../../framework/index.js';
import { burnDummyHash, verifyPassword } from './password_hash.js';
import { USERNAME, USERNAME_FIELD } from './path_users.js';
import { getUser } from './user_store.js';

export const INVALID_CREDENTIALS = 'invalid username or password';

export function pathLogin(): PathDef {
  return {
    pattern: `login/${USERNAME}`,
    unauthenticated: true,
    aliasLookahead: (fields) => fields.get<string>('username'),
    fields: { username: USERNAME_FIELD, password: { type: 'string', description: 'Password for this user' } },
    operations: {
      update: async (req, fields) => {
        const username = fields.get<string>('username');
        const password = fields.get<string>('password');
        if (password === '') throw badRequest('missing password');
        const user = await getUser(req.storage, username);
        const ok = user ? await verifyPassword(password, user.passwordHash) : await burnDummyHash(password);
        if (!user || !ok) throw invalidCredentials(INVALID_CREDENTIALS);
        const cidrs = user.token.boundCidrs;
        if (cidrs.length > 0 && (req.remoteAddr === '' || !ipInCidrs(req.remoteAddr, cidrs))) throw permissionDenied();
        const metadata = { username };
        return {
          auth: authFromTokenParams(user.token, {
            metadata,
            displayName: username,
            alias: { name: username },
            internalData: { username, policies: user.token.policies },
          }),
        };
      },
    },
    help: 'Log in with a username and password.',
  };
}
