// Password hashing for userpass with node:crypto's scrypt (Node core; no bcrypt there, and Vault's
// bcrypt hashes are not stored by Coffer). Parameters N=2^15, r=8, p=1, a random 16-byte salt and a
// 32-byte key, encoded with its parameters so they can be raised later:
//   scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>
// scrypt runs on libuv's thread pool (async), so a login does not block the event loop.
// `burnDummyHash` does the same work for an unknown user, so both failures take similar time.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const SALT_LEN = 16;
const PREFIX = 'scrypt';

/** scrypt needs about 128*N*r bytes; leave headroom above Node's 32 MiB default. */
const maxmemFor = (n: number, r: number, p: number): number => 128 * n * r * p + 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: maxmemFor(n, r, p) };
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(password, salt, N, R, P);
  return [PREFIX, N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

interface Parsed {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(encoded: string): Parsed | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [n, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Only sane parameters: a corrupted entry must not make a login allocate gigabytes.
  const powerOfTwo = Number.isInteger(n) && n >= 1 << 14 && n <= 1 << 20 && (n & (n - 1)) === 0;
  if (!powerOfTwo || !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, 'base64');
  const key = Buffer.from(parts[5]!, 'base64');
  if (salt.length < SALT_LEN || key.length !== KEY_LEN) return null;
  return { n, r, p, salt, key };
}

/** Constant-time check of a password against an encoded hash; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (!parsed) {
    await burnDummyHash(password);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return timingSafeEqual(key, parsed.key);
}

/** The cost of one verification with the current parameters, for logins of unknown users. */
export async function burnDummyHash(password: string): Promise<false> {
  const key = await derive(password, randomBytes(SALT_LEN), N, R, P);
  timingSafeEqual(key, Buffer.alloc(KEY_LEN));
  return false;
}
