// HMAC-SHA256 with the key applied once: two SHA-256 states (key^ipad, key^opad) are prepared up
// front and copied per value, per RFC 2104. About twice as fast as createHmac, which re-keys on every
// call; used on hot paths (the token lookup of every request, audit hashing).

import { createHash, type Hash } from 'node:crypto';

const BLOCK = 64; // SHA-256 block size

function padded(key: Buffer, byte: number): Hash {
  const block = Buffer.alloc(BLOCK);
  key.copy(block);
  for (let i = 0; i < BLOCK; i++) block[i]! ^= byte;
  return createHash('sha256').update(block);
}

/** Returns a function computing hex(HMAC-SHA256(key, value)). */
export function hmacSha256Hex(keyInput: Buffer | string): (value: string) => string {
  let key = typeof keyInput === 'string' ? Buffer.from(keyInput, 'utf8') : keyInput;
  if (key.length > BLOCK) key = createHash('sha256').update(key).digest();
  const inner = padded(key, 0x36);
  const outer = padded(key, 0x5c);
  return (value) => outer.copy().update(inner.copy().update(value, 'utf8').digest()).digest('hex');
}
