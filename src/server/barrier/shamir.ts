// Splits the root key into unseal key shares and joins them back, with the audited
// `shamir-secret-sharing` library (Vault's share layout: the x coordinate is the last byte).
// One share with threshold one is the key itself, as in Vault.

import { combine, split } from 'shamir-secret-sharing';

export function validateSealConfig(shares: number, threshold: number): string | null {
  if (!Number.isInteger(shares) || shares < 1) return 'secret_shares must be at least one';
  if (!Number.isInteger(threshold) || threshold < 1) return 'secret_threshold must be at least one';
  if (shares > 255) return 'secret_shares must be at most 255';
  if (threshold > shares) return 'secret_threshold cannot be larger than secret_shares';
  if (shares > 1 && threshold === 1) return 'secret_threshold must be greater than one for multiple shares';
  return null;
}

export async function splitKey(key: Buffer, shares: number, threshold: number): Promise<Buffer[]> {
  if (shares === 1) return [Buffer.from(key)];
  return (await split(new Uint8Array(key), shares, threshold)).map((s) => Buffer.from(s));
}

export async function combineShares(parts: Buffer[]): Promise<Buffer> {
  if (parts.length === 1) return Buffer.from(parts[0]!);
  return Buffer.from(await combine(parts.map((p) => new Uint8Array(p))));
}
