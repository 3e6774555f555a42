// Cryptographically secure random bytes from a pooled buffer: one randomFillSync call serves many
// small requests (nonces, token IDs), which otherwise each pay a call into OpenSSL. Bytes are handed
// out once and the pool is refilled when used up; callers get their own copy.

import { randomFillSync } from 'node:crypto';

const POOL_SIZE = 16 * 1024;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let offset = POOL_SIZE;

export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_SIZE / 4) return randomFillSync(Buffer.allocUnsafe(size));
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + size));
  pool.fill(0, offset, offset + size);
  offset += size;
  return out;
}
