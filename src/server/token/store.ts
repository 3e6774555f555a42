// The token store: creates tokens, finds them by ID or accessor, renews and revokes them (children
// first). Records live in the barrier under sys/token/, keyed by salted hashes; a small in-memory map
// keeps the hot path (one lookup per request) off storage. Time comes from the injected clock.

import type { Clock, StorageView } from '../framework/types.js';
import { getJson, putJson } from '../framework/json-storage.js';
import { newAccessor, newTokenId, saltedHasher } from './ids.js';
import { ExpiryQueue } from './expiry-queue.js';
import { randomBytes } from 'node:crypto';
import type { CreateTokenParams, TokenEntry } from './types.js';

const SALT_KEY = 'salt';
const idKey = (hash: string): string => `id/${hash}`;
const accessorKey = (hash: string): string => `accessor/${hash}`;
const parentKey = (parent: string, child: string): string => `parent/${parent}/${child}`;

export interface TokenStoreHooks {
  /** Called for every token being revoked, before its record is removed (revoke its leases, cubbyhole). */
  onRevoke(entry: TokenEntry): Promise<void>;
}

export class TokenStore {
  private hasher: ((value: string) => string) | null = null;
  /** Recent token -> salted hash, so the per-request lookup skips the HMAC (cleared when full or sealed). */
  private hashes = new Map<string, string>();
  private cache = new Map<string, TokenEntry | null>();
  private hooks: TokenStoreHooks = { onRevoke: async () => {} };
  /** When each token is next due for the expiry sweep; filled from storage by the first sweep after unseal. */
  private expiries = new ExpiryQueue();
  private expiriesLoaded = false;

  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
  ) {}

  setHooks(hooks: TokenStoreHooks): void {
    this.hooks = hooks;
  }

  /** Loads (or creates) the salt; call after every unseal. */
  async setup(): Promise<void> {
    this.cache.clear();
    this.expiries.clear();
    this.expiriesLoaded = false;
    let salt = await this.storage.get(SALT_KEY);
    if (!salt) {
      salt = randomBytes(32);
      await this.storage.put(SALT_KEY, salt);
    }
    this.hasher = saltedHasher(salt);
  }

  clearCache(): void {
    this.cache.clear();
    this.hashes.clear();
    this.hasher = null;
    this.expiries.clear();
    this.expiriesLoaded = false;
  }

  hash(id: string): string {
    const known = this.hashes.get(id);
    if (known !== undefined) return known;
    if (!this.hasher) throw new Error('token store is not set up (sealed)');
    const h = this.hasher(id);
    if (this.hashes.size >= 10000) this.hashes.clear();
    this.hashes.set(id, h);
    return h;
  }

  async create(p: CreateTokenParams): Promise<{ id: string; entry: TokenEntry }> {
    const id = p.id ?? newTokenId();
    const idHash = this.hash(id);
    if (p.id && (await this.getByHash(idHash))) throw new Error('a token with this ID already exists');
    const nowMs = this.clock.now();
    const ttl = p.period && p.period > 0 ? p.period : p.ttl;
    const explicitMax = p.explicitMaxTtl ?? 0;
    // Periodic tokens ignore the mount's max TTL but keep an explicit max TTL, as in Vault.
    const periodic = (p.period ?? 0) > 0;
    const limits = [explicitMax, periodic ? 0 : (p.maxTtl ?? 0)].filter((x) => x > 0);
    const maxExpireTime = limits.length > 0 ? nowMs + Math.min(...limits) * 1000 : 0;
    let expireTime = ttl > 0 ? nowMs + ttl * 1000 : 0;
    if (maxExpireTime > 0 && (expireTime === 0 || expireTime > maxExpireTime)) expireTime = maxExpireTime;
    const entry: TokenEntry = {
      idHash,
      accessor: newAccessor(),
      policies: p.policies,
      path: p.path,
      meta: p.meta ?? {},
      displayName: p.displayName ?? 'token',
      numUses: p.numUses ?? 0,
      creationTime: Math.floor(nowMs / 1000),
      creationTtl: expireTime > 0 ? Math.round((expireTime - nowMs) / 1000) : 0,
      explicitMaxTtl: explicitMax,
      period: p.period ?? 0,
      renewable: (p.renewable ?? true) && expireTime > 0,
      parentHash: p.parentHash ?? '',
      expireTime,
      maxExpireTime,
      boundCidrs: p.boundCidrs ?? [],
      authMount: p.authMount ?? 'auth/token/',
      internalData: p.internalData,
      entityId: '',
      type: 'service',
    };
    // The record, its accessor and parent link are written together: SQLite's group commit then
    // stores them in one transaction (one fsync instead of one per entry), other backends overlap them.
    await Promise.all([
      this.write(entry),
      putJson(this.storage, accessorKey(this.hash(entry.accessor)), { idHash, accessor: entry.accessor }),
      entry.parentHash ? this.storage.put(parentKey(entry.parentHash, idHash), Buffer.alloc(0)) : undefined,
    ]);
    if (entry.expireTime > 0) this.expiries.schedule(idHash, entry.expireTime);
    return { id, entry };
  }

  /** The live record for a token ID, or null if it does not exist or has expired. */
  async lookup(id: string): Promise<TokenEntry | null> {
    if (typeof id !== 'string' || id === '') return null;
    return this.getByHash(this.hash(id));
  }

  async getByHash(idHash: string): Promise<TokenEntry | null> {
    let entry = this.cache.get(idHash);
    if (entry === undefined) {
      entry = await getJson<TokenEntry>(this.storage, idKey(idHash));
      this.cache.set(idHash, entry);
    }
    if (entry && entry.expireTime > 0 && entry.expireTime <= this.clock.now()) return null;
    return entry;
  }

  async lookupAccessor(accessor: string): Promise<TokenEntry | null> {
    if (typeof accessor !== 'string' || accessor === '') return null;
    const ref = await getJson<{ idHash: string }>(this.storage, accessorKey(this.hash(accessor)));
    return ref ? this.getByHash(ref.idHash) : null;
  }

  async listAccessors(): Promise<string[]> {
    const out: string[] = [];
    for (const key of await this.storage.list('accessor/')) {
      const ref = await getJson<{ accessor: string }>(this.storage, `accessor/${key}`);
      if (ref) out.push(ref.accessor);
    }
    return out.sort();
  }

  /** Counts one use; a token whose last use this was is revoked after the request. Returns false if exhausted. */
  async useToken(entry: TokenEntry): Promise<{ lastUse: boolean }> {
    if (entry.numUses === 0) return { lastUse: false };
    const next = { ...entry, numUses: entry.numUses - 1 };
    if (next.numUses === 0) {
      // Vault marks it as being in its last use (-1) and revokes after the request.
      next.numUses = -1;
      await this.write(next);
      return { lastUse: true };
    }
    await this.write(next);
    return { lastUse: false };
  }

  /** Extends a token's life as Vault does: period tokens reset to the period, others by increment, capped. */
  async renew(entry: TokenEntry, increment: number): Promise<TokenEntry> {
    if (!entry.renewable) throw new Error('lease is not renewable');
    const nowMs = this.clock.now();
    let ttl = entry.period > 0 ? entry.period : increment > 0 ? increment : entry.creationTtl;
    let expireTime = nowMs + ttl * 1000;
    if (entry.maxExpireTime > 0 && expireTime > entry.maxExpireTime) {
      expireTime = entry.maxExpireTime;
      ttl = Math.max(0, Math.round((expireTime - nowMs) / 1000));
    }
    const next = { ...entry, expireTime };
    await this.write(next);
    this.expiries.schedule(entry.idHash, expireTime);
    return next;
  }

  /** Revokes a token and, recursively, every token it created. */
  async revokeTree(idHash: string): Promise<void> {
    for (const child of await this.storage.list(`parent/${idHash}/`)) await this.revokeTree(child);
    await this.revokeOne(idHash);
  }

  /** Revokes only this token; its children become orphans. */
  async revokeOrphan(idHash: string): Promise<void> {
    for (const child of await this.storage.list(`parent/${idHash}/`)) {
      const entry = await getJson<TokenEntry>(this.storage, idKey(child));
      if (entry) await this.write({ ...entry, parentHash: '' });
      await this.storage.delete(parentKey(idHash, child));
    }
    await this.revokeOne(idHash);
  }

  /** Every stored token record, including expired ones not yet cleaned up (for restore and tidy). */
  async allHashes(): Promise<string[]> {
    return this.storage.list('id/');
  }

  /**
   * Hashes of the tokens that have expired by `now`, for the sweep that revokes them. Reads only the
   * records the expiry schedule says are due (the first call after unseal reads every record once to
   * build the schedule); a due token that was renewed meanwhile is rescheduled, not returned.
   */
  async expiredHashes(now: number): Promise<string[]> {
    if (!this.expiriesLoaded) {
      for (const h of await this.allHashes()) {
        const e = await this.rawEntry(h);
        if (e && e.expireTime > 0) this.expiries.schedule(h, e.expireTime);
      }
      this.expiriesLoaded = true;
    }
    const out: string[] = [];
    for (const h of this.expiries.popDue(now)) {
      const e = await this.rawEntry(h);
      if (!e || e.expireTime === 0) continue;
      if (e.expireTime > now) this.expiries.schedule(h, e.expireTime);
      else out.push(h);
    }
    return out;
  }

  async rawEntry(idHash: string): Promise<TokenEntry | null> {
    return getJson<TokenEntry>(this.storage, idKey(idHash));
  }

  private async revokeOne(idHash: string): Promise<void> {
    const entry = await getJson<TokenEntry>(this.storage, idKey(idHash));
    if (!entry) return;
    await this.hooks.onRevoke(entry);
    await this.storage.delete(accessorKey(this.hash(entry.accessor)));
    if (entry.parentHash) await this.storage.delete(parentKey(entry.parentHash, idHash));
    await this.storage.delete(idKey(idHash));
    this.cache.set(idHash, null);
  }

  private async write(entry: TokenEntry): Promise<void> {
    await putJson(this.storage, idKey(entry.idHash), entry);
    this.cache.set(entry.idHash, entry);
  }
}
