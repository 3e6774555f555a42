// Password hashing for userpass with node:crypto's scrypt (Node core; no bcrypt there, and Vault's
// bcrypt hashes are not stored by Coffer). Parameters N=2^15, r=8, p=1, a random 16-byte salt and a
// 32-byte key, encoded with its parameters so they can be raised later:
//   scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>
// scrypt runs on libuv's thread pool (async), so a login does not block the event loop. That pool
// (4 threads by default) is shared with every async file write (the audit file among them), so
// scrypt runs behind a concurrency limit below the pool size: other users of the pool always find a
// free thread, and a flood of logins waits in a bounded queue or is refused with 429 (Vault's body
// shape) rather than stalling unrelated requests or growing memory.
// `burnDummyHash` does the same work for an unknown user, so both failures take similar time (it
// goes through the same limit, so the queueing is the same too).

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createConcurrencyLimit, QueueFullError } from '../../framework/concurrency-limit.js';
import { tooManyRequests } from '../../framework/errors.js';

const N = 1 << 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;
const SALT_LEN = 16;
const PREFIX = 'scrypt';

/** scrypt needs about 128*N*r bytes; leave headroom above Node's 32 MiB default. */
const maxmemFor = (n: number, r: number, p: number): number => 128 * n * r * p + 64 * 1024 * 1024;

/** libuv's pool size: UV_THREADPOOL_SIZE if set (read once, at the first async call), else 4. */
function threadPoolSize(): number {
  const n = Number(process.env.UV_THREADPOOL_SIZE);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 1024) : 4;
}

/**
 * Two threads short of the pool, and one CPU short of the machine (scrypt is CPU-bound: the event
 * loop needs a core too), at least one: 2 with the default pool on 3+ CPUs, 1 on 2 CPUs, where
 * bench/login-flood measured a 4x lower p99 for other requests than with 2 and the same login rate.
 * Up to 16 more wait (about a second at ~60 ms a hash); each waiting login holds only its request.
 */
export const HASH_CONCURRENCY = Math.max(1, Math.min(threadPoolSize() - 2, availableParallelism() - 1));
export const HASH_QUEUE = 16;
const limit = createConcurrencyLimit(HASH_CONCURRENCY, HASH_QUEUE);

export const HASH_BUSY = `too many password checks in progress (${HASH_CONCURRENCY} running, ${HASH_QUEUE} waiting); retry in a moment`;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: maxmemFor(n, r, p) };
  const run = (): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      scrypt(password, salt, KEY_LEN, options, (err, key) => (err ? reject(err) : resolve(key)));
    });
  return limit.run(run).catch((e: unknown) => {
    throw e instanceof QueueFullError ? tooManyRequests(HASH_BUSY, 1) : e;
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
