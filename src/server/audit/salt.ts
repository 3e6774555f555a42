// Per-device salts and the HMAC they key. Like Vault, each audit device gets its own random salt,
// kept in the barrier, so the same secret hashes differently in two devices' logs and the log alone
// can't be brute-forced without the salt. Output format: "hmac-sha256:" + hex.

import { createHash, randomUUID, type Hash } from 'node:crypto';
import type { StorageView } from '../framework/types.js';

/** Turns one string into its audit form. */
export type Hasher = (value: string) => string;

const saltKey = (uuid: string): string => `salt/${uuid}`;

/** The device's salt, created and stored on first use. */
export async function loadOrCreateSalt(storage: StorageView, uuid: string): Promise<string> {
  const existing = await storage.get(saltKey(uuid));
  if (existing !== null && existing.length > 0) return existing.toString('utf8');
  const salt = randomUUID();
  await storage.put(saltKey(uuid), Buffer.from(salt, 'utf8'));
  return salt;
}

export async function deleteSalt(storage: StorageView, uuid: string): Promise<void> {
  await storage.delete(saltKey(uuid));
}

const BLOCK = 64; // SHA-256 block size

function padded(key: Buffer, byte: number): Hash {
  const block = Buffer.alloc(BLOCK);
  key.copy(block);
  for (let i = 0; i < BLOCK; i++) block[i]! ^= byte;
  return createHash('sha256').update(block);
}

/**
 * Vault's GetIdentifiedHMAC: "hmac-sha256:" + hex(HMAC-SHA256(key = salt, value)).
 * HMAC is computed per RFC 2104 from two SHA-256 states keyed once and copied per value, which
 * is about twice as fast as createHmac (that re-keys every call); a test checks it against createHmac.
 */
export function hmacHasher(salt: string): Hasher {
  let key = Buffer.from(salt, 'utf8');
  if (key.length > BLOCK) key = createHash('sha256').update(key).digest();
  const inner = padded(key, 0x36);
  const outer = padded(key, 0x5c);
  return (value) => {
    const ih = inner.copy().update(value, 'utf8').digest();
    return `hmac-sha256:${outer.copy().update(ih).digest('hex')}`;
  };
}
