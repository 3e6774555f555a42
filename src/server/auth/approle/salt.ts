// The mount's HMAC key: 32 random bytes created on first use and kept (barrier-encrypted) at `salt`.
// Role IDs, secret IDs, accessors and role names are looked up by HMAC-SHA256 under this key, so the
// stored keys reveal none of them and a secret ID is never stored in clear.

import { randomBytes } from 'node:crypto';
import { hmacSha256Hex, type StorageView } from '../../framework/index.js';

const SALT_KEY = 'salt';

export type Hmac = (value: string) => string;

/** Returns a memoized loader: the first call reads or creates the salt, later calls reuse it. */
export function saltedHmac(storage: StorageView): () => Promise<Hmac> {
  let loading: Promise<Hmac> | null = null;
  return () => {
    loading ??= (async () => {
      let salt = await storage.get(SALT_KEY);
      if (salt === null) {
        salt = randomBytes(32);
        await storage.put(SALT_KEY, salt);
      }
      return hmacSha256Hex(salt);
    })().catch((e: unknown) => {
      loading = null;
      throw e;
    });
    return loading;
  };
}
