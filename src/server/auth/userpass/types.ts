// A userpass user as stored at `user/<lower-cased name>`: the scrypt hash (password_hash.ts) and the
// token_* settings of the tokens its logins get. The password itself is never stored.

import type { TokenParams } from '../../framework/index.js';

export interface UserEntry {
  passwordHash: string;
  token: TokenParams;
}
