// Token IDs and accessors: `hvs.` followed by random base62 (Vault's service-token style), and the
// salted hash under which a token is stored so that storage never holds a usable token ID.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += BASE62[b % 62];
    }
  }
  return out;
}

export const newTokenId = (): string => `hvs.${randomBase62(24)}`;
export const newAccessor = (): string => randomBase62(24);

export function saltedHash(salt: Buffer, value: string): string {
  return createHmac('sha256', salt).update(value).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
