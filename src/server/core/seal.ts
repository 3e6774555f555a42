// Initialization and the unseal ceremony: the seal configuration (shares, threshold), collecting
// key shares until the threshold is reached, and turning them into the root key that opens the barrier.

import { randomBytes } from 'node:crypto';
import type { PhysicalStorage } from '../storage/types.js';
import { Barrier, SEAL_CONFIG_PATH } from '../barrier/barrier.js';
import { combineShares, splitKey, validateSealConfig } from '../barrier/shamir.js';
import { badRequest } from '../framework/errors.js';

export interface SealConfig {
  secret_shares: number;
  secret_threshold: number;
  nonce: string;
}

export interface SealStatus {
  type: 'shamir';
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  nonce: string;
}

export class SealManager {
  private pending: Buffer[] = [];
  private config: SealConfig | null = null;

  constructor(
    private readonly physical: PhysicalStorage,
    readonly barrier: Barrier,
  ) {}

  async loadConfig(): Promise<SealConfig | null> {
    if (this.config) return this.config;
    const raw = await this.physical.get(SEAL_CONFIG_PATH);
    this.config = raw ? (JSON.parse(raw.toString('utf8')) as SealConfig) : null;
    return this.config;
  }

  async status(): Promise<SealStatus> {
    const cfg = await this.loadConfig();
    return {
      type: 'shamir',
      initialized: cfg !== null,
      sealed: this.barrier.isSealed,
      t: cfg?.secret_threshold ?? 0,
      n: cfg?.secret_shares ?? 0,
      progress: this.barrier.isSealed ? this.pending.length : 0,
      nonce: this.barrier.isSealed && this.pending.length > 0 ? (cfg?.nonce ?? '') : '',
    };
  }

  /** Creates the root key and the keyring; returns the key shares. Leaves the barrier unsealed. */
  async initialize(shares: number, threshold: number): Promise<Buffer[]> {
    if ((await this.loadConfig()) !== null) throw badRequest('Vault is already initialized');
    const problem = validateSealConfig(shares, threshold);
    if (problem) throw badRequest(problem);
    const rootKey = randomBytes(32);
    await this.barrier.initialize(rootKey);
    const parts = await splitKey(rootKey, shares, threshold);
    rootKey.fill(0);
    const cfg: SealConfig = { secret_shares: shares, secret_threshold: threshold, nonce: randomBytes(16).toString('hex') };
    await this.physical.put(SEAL_CONFIG_PATH, Buffer.from(JSON.stringify(cfg)));
    this.config = cfg;
    return parts;
  }

  resetProgress(): void {
    for (const p of this.pending) p.fill(0);
    this.pending = [];
  }

  /**
   * Adds one key share. When the threshold is reached, combines the shares and opens the barrier;
   * wrong shares are reported and progress starts over. Returns true once unsealed.
   */
  async submitShare(share: Buffer): Promise<boolean> {
    const cfg = await this.loadConfig();
    if (!cfg) throw badRequest('Vault is not initialized');
    if (!this.barrier.isSealed) return true;
    if (share.length < 16 || share.length > 64) throw badRequest('invalid key length: an unseal key is 32 or 33 bytes');
    if (this.pending.some((p) => p.equals(share))) return false;
    this.pending.push(Buffer.from(share));
    if (this.pending.length < cfg.secret_threshold) return false;
    const parts = this.pending;
    this.pending = [];
    let rootKey: Buffer;
    try {
      rootKey = await combineShares(parts);
    } catch (e) {
      throw badRequest(`failed to combine unseal key shares: ${(e as Error).message}; unseal progress was reset`);
    } finally {
      for (const p of parts) p.fill(0);
    }
    try {
      await this.barrier.unseal(rootKey);
    } catch (e) {
      throw badRequest(`${(e as Error).message}; unseal progress was reset`);
    } finally {
      rootKey.fill(0);
    }
    return true;
  }
}

/** Decodes an unseal key given as hex (Vault's `keys`) or base64 (`keys_base64`). */
export function decodeUnsealKey(key: string): Buffer {
  const s = key.trim();
  if (/^[0-9a-fA-F]+$/.test(s) && s.length % 2 === 0) return Buffer.from(s, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return Buffer.from(s, 'base64');
  throw badRequest("'key' must be a valid hex or base64 string");
}
