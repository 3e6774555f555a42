// Token IDs and accessors: `hvs.` followed by random base62 (Vault's service-token style), and the
// salted hash under which a token is stored so that storage never holds a usable token ID.

import { randomBytesPooled } from '../crypto/random.js';
import { hmacSha256Hex } from '../crypto/hmac.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytesPooled(length * 2)) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export const newTokenId = (): string => `hvs.${randomBase62(24)}`;
export const newAccessor = (): string => randomBase62(24);

/** hex(HMAC-SHA256(salt, value)); build once per salt, call per token. */
export function saltedHasher(salt: Buffer): (value: string) => string {
  return hmacSha256Hex(salt);
}
