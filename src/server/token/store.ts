// The token store: creates tokens, finds them by ID or accessor, renews and revokes them (children
// first). Records live in the barrier under sys/token/, keyed by salted hashes; bounded in-memory LRUs
// keep the hot path (one lookup per request) off storage: one for live records, a smaller one for
// IDs that name no token, so a flood of random tokens can neither grow memory nor evict the live
// ones. Counting a use is one atomic step per token (a keyed lock), so a use-limited token serves
// exactly its uses however many requests race for it. Time comes from the injected clock.

import type { Clock, StorageView } from '../framework/types.js';
import { getJson, putJson } from '../framework/json-storage.js';
import { newAccessor, newTokenId, saltedHasher } from './ids.js';
import { randomBytes } from 'node:crypto';
import type { CreateTokenParams, TokenEntry } from './types.js';
import { createLru } from '../storage/lru.js';
import { createKeyedLock } from '../framework/keyed-lock.js';

/** Live token records kept decrypted in memory. */
export const TOKEN_CACHE_SIZE = 10_000;
/** Token hashes known to name nothing (random or revoked tokens). */
export const NEGATIVE_CACHE_SIZE = 1_024;
/** Token ID -> salted hash memo (the HMAC is the costly part of a lookup). */
const HASH_MEMO_SIZE = 10_000;

/** What counting one use found: the token may serve this request or not, and whether it was its last. */
export type UseResult = { ok: true; lastUse: boolean } | { ok: false };

const SALT_KEY = 'salt';
const idKey = (hash: string): string => `id/${hash}`;
const accessorKey = (hash: string): string => `accessor/${hash}`;
const parentKey = (parent: string, child: string): string => `parent/${parent}/${child}`;

export interface TokenStoreHooks {
  /** Called for every token being revoked, before its record is removed (revoke its leases, cubbyhole). */
  onRevoke(entry: TokenEntry): Promise<void>;
  /** Called when a token is created or renewed with an expiry (ms), to schedule its revocation. */
  onExpiry(idHash: string, expireTime: number): void;
}

export class TokenStore {
  private hasher: ((value: string) => string) | null = null;
  /** Recent token -> salted hash, so the per-request lookup skips the HMAC (cleared when full or sealed). */
  private hashes = createLru<string>(HASH_MEMO_SIZE);
  private cache = createLru<TokenEntry>(TOKEN_CACHE_SIZE);
  private missing = createLru<true>(NEGATIVE_CACHE_SIZE);
  private readonly useLock = createKeyedLock();
  private hooks: TokenStoreHooks = { onRevoke: async () => {}, onExpiry: () => {} };
  /** Off on an HA standby: the active node writes tokens, so every lookup reads storage. */
  private caching = true;

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
    this.missing.clear();
    let salt = await this.storage.get(SALT_KEY);
    if (!salt) {
      salt = randomBytes(32);
      await this.storage.put(SALT_KEY, salt);
    }
    this.hasher = saltedHasher(salt);
  }

  /** Turns the token record caches on or off (off empties them). */
  setCaching(on: boolean): void {
    this.caching = on;
    this.cache.clear();
    this.missing.clear();
  }

  clearCache(): void {
    this.cache.clear();
    this.missing.clear();
    this.hashes.clear();
    this.hasher = null;
  }

  hash(id: string): string {
    const known = this.hashes.get(id);
    if (known.hit) return known.value;
    if (!this.hasher) throw new Error('token store is not set up (sealed)');
    const h = this.hasher(id);
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
    this.hooks.onExpiry(idHash, entry.expireTime);
    return { id, entry };
  }

  /** The live record for a token ID, or null if it does not exist or has expired. */
  async lookup(id: string): Promise<TokenEntry | null> {
    if (typeof id !== 'string' || id === '') return null;
    return this.getByHash(this.hash(id));
  }

  async getByHash(idHash: string): Promise<TokenEntry | null> {
    const cached = this.caching ? this.cache.get(idHash) : { hit: false as const };
    let entry: TokenEntry | null;
    if (!this.caching) entry = await getJson<TokenEntry>(this.storage, idKey(idHash));
    else if (cached.hit) entry = cached.value;
    else if (this.missing.get(idHash).hit) entry = null;
    else {
      entry = await getJson<TokenEntry>(this.storage, idKey(idHash));
      if (entry) this.cache.set(idHash, entry);
      else this.missing.set(idHash, true);
    }
    if (entry && entry.expireTime > 0 && entry.expireTime <= this.clock.now()) return null;
    return entry;
  }

  /** How many records each cache holds (for the memory-bound tests). */
  cacheSizes(): { live: number; missing: number; hashes: number } {
    return { live: this.cache.size, missing: this.missing.size, hashes: this.hashes.size };
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

  /**
   * Counts one use of a token, atomically: the current record is read again under a per-token lock,
   * so of N racing requests exactly as many as the token has uses get `ok`. A token whose last use
   * this was is marked (-1, as Vault does) and must be revoked by the caller after the request.
   * An unlimited token (0 uses) is always ok and writes nothing.
   */
  async useToken(idHash: string): Promise<UseResult> {
    const current = await this.getByHash(idHash);
    if (!current) return { ok: false };
    if (current.numUses === 0) return { ok: true, lastUse: false };
    return this.useLock.run(idHash, async () => {
      const entry = await this.getByHash(idHash);
      if (!entry || entry.numUses < 0) return { ok: false };
      if (entry.numUses === 0) return { ok: true, lastUse: false };
      const left = entry.numUses - 1;
      await this.write({ ...entry, numUses: left === 0 ? -1 : left });
      return { ok: true, lastUse: left === 0 };
    });
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
    this.hooks.onExpiry(entry.idHash, expireTime);
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
    this.cache.delete(idHash);
    this.missing.set(idHash, true);
  }

  private async write(entry: TokenEntry): Promise<void> {
    await putJson(this.storage, idKey(entry.idHash), entry);
    this.missing.delete(entry.idHash);
    this.cache.set(entry.idHash, entry);
  }
}
