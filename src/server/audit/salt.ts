// Per-device salts and the HMAC they key. Like Vault, each audit device gets its own random salt,
// kept in the barrier, so the same secret hashes differently in two devices' logs and the log alone
// can't be brute-forced without the salt. Output format: "hmac-sha256:" + hex.

import { randomUUID } from 'node:crypto';
import { hmacSha256Hex } from '../crypto/hmac.js';
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

/**
 * Vault's GetIdentifiedHMAC: "hmac-sha256:" + hex(HMAC-SHA256(key = salt, value)), with the
 * pre-keyed HMAC of crypto/hmac.ts (a test checks it against createHmac).
 */
export function hmacHasher(salt: string): Hasher {
  const hmac = hmacSha256Hex(salt);
  return (value) => `hmac-sha256:${hmac(value)}`;
}
