// Leases: every leased secret a backend returns, and every token that can expire. Leases are stored
// in the barrier (sys/expire/), restored into memory on unseal, renewed within their max TTL and
// revoked when they expire (lookups treat expired as gone at once; a once-a-second sweep revokes).
// The sweep reads a min-heap of expiry times (ExpiryQueue), so its cost follows what is due, not
// what is alive: tokens are scheduled when created or renewed (and, after an unseal, loaded in the
// background in small batches), never re-read every second.
// Token leases are views of token records: lease ID `<token path>/<token hash>`.
// A revocation that fails (a database that is down) is never forgotten: the lease stays in storage,
// marked expired, and is tried again with exponential backoff (1 s doubling to 60 s); the attempt
// count is stored with the lease, and after a restart restore() queues every expired lease at once.

import { randomUUID } from 'node:crypto';
import type { Clock, Lease, Logger, StorageView } from '../framework/types.js';
import { getJson, listRecursive, putJson } from '../framework/json-storage.js';
import { badRequest } from '../framework/errors.js';
import { ExpiryQueue } from './expiry-queue.js';

export interface LeaseEntry {
  leaseId: string;
  path: string;
  mountPoint: string;
  issueTime: number;
  lastRenewalTime: number;
  expireTime: number;
  maxExpireTime: number;
  renewable: boolean;
  /** Salted hash of the token that obtained the secret; revoking the token revokes the lease. */
  tokenHash: string;
  internalData: Record<string, unknown>;
  /** Failed revocation attempts so far (absent when none). */
  revokeAttempts?: number;
}

export interface LeaseView {
  id: string;
  issueTime: number;
  expireTime: number;
  lastRenewal: number;
  renewable: boolean;
  ttl: number;
}

/** What the manager needs from the rest of the core. */
export interface ExpirationHooks {
  revokeSecret(mountPoint: string, lease: Lease): Promise<void>;
  renewSecret(mountPoint: string, lease: Lease, increment: number): Promise<{ ttl: number }>;
  /** Token leases: lookup, renew and revoke go to the token store. */
  tokenLease(leaseId: string): Promise<LeaseView | null>;
  renewTokenLease(leaseId: string, increment: number): Promise<LeaseView>;
  revokeTokenLease(leaseId: string): Promise<void>;
  /** Token leases whose ID starts with prefix. */
  tokenLeasesWithPrefix(prefix: string): Promise<string[]>;
  /** Revokes the token if its record says it has expired (it may have been renewed since it was scheduled). */
  revokeTokenIfExpired(idHash: string): Promise<void>;
  onError(err: unknown, leaseId: string): void;
  /** Where "revoked lease" lines go (Vault's `expiration:` module). */
  logger?: Logger;
}

const leaseKey = (id: string): string => `id/${id}`;
/** Queue IDs of tokens; lease IDs are paths and never start with a NUL. */
const TOKEN_PREFIX = '\0token:';
/** A revocation that failed is tried again after RETRY_BASE_MS, doubling each time up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 1_000;
export const RETRY_MAX_MS = 60_000;

export function revokeRetryDelay(attempts: number): number {
  return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 16)));
}

export class ExpirationManager {
  private leases = new Map<string, LeaseEntry>();
  private readonly due = new ExpiryQueue();
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;

  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
    private readonly hooks: ExpirationHooks,
  ) {}

  async restore(): Promise<void> {
    this.leases.clear();
    this.due.clear();
    for (const key of await listRecursive(this.storage, 'id/')) {
      const entry = await getJson<LeaseEntry>(this.storage, `id/${key}`);
      if (entry) this.track(entry);
    }
    this.timer = setInterval(() => void this.sweep(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.leases.clear();
    this.due.clear();
  }

  /** Schedules a token's expiry check (on create, renew, and when tokens are loaded after an unseal). */
  scheduleToken(idHash: string, expireTime: number): void {
    if (expireTime > 0) this.due.push(expireTime, TOKEN_PREFIX + idHash);
  }

  /** Entries waiting in the expiry queue (live ones plus superseded ones not yet reached). */
  get scheduled(): number {
    return this.due.size;
  }

  async register(p: {
    path: string;
    mountPoint: string;
    ttl: number;
    maxTtl: number;
    renewable: boolean;
    tokenHash: string;
    internalData: Record<string, unknown>;
  }): Promise<LeaseEntry> {
    const now = this.clock.now();
    const maxExpireTime = p.maxTtl > 0 ? now + p.maxTtl * 1000 : 0;
    let expireTime = now + p.ttl * 1000;
    if (maxExpireTime > 0 && expireTime > maxExpireTime) expireTime = maxExpireTime;
    const entry: LeaseEntry = {
      leaseId: `${p.path.replace(/\/+$/, '')}/${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      path: p.path,
      mountPoint: p.mountPoint,
      issueTime: now,
      lastRenewalTime: 0,
      expireTime,
      maxExpireTime,
      renewable: p.renewable,
      tokenHash: p.tokenHash,
      internalData: p.internalData,
    };
    await putJson(this.storage, leaseKey(entry.leaseId), entry);
    this.track(entry);
    return entry;
  }

  async lookup(leaseId: string): Promise<LeaseView | null> {
    const e = this.live(leaseId);
    if (e) return this.view(e);
    return this.hooks.tokenLease(leaseId);
  }

  async renew(leaseId: string, increment: number): Promise<LeaseView> {
    const e = this.live(leaseId);
    if (!e) {
      if (await this.hooks.tokenLease(leaseId)) return this.hooks.renewTokenLease(leaseId, increment);
      throw badRequest('lease not found');
    }
    if (!e.renewable) throw badRequest('lease is not renewable');
    const { ttl } = await this.hooks.renewSecret(e.mountPoint, this.toLease(e), increment);
    const now = this.clock.now();
    let expireTime = now + ttl * 1000;
    if (e.maxExpireTime > 0 && expireTime > e.maxExpireTime) expireTime = e.maxExpireTime;
    const next = { ...e, expireTime, lastRenewalTime: now };
    await putJson(this.storage, leaseKey(leaseId), next);
    this.track(next);
    return this.view(next);
  }

  async revoke(leaseId: string): Promise<void> {
    const e = this.leases.get(leaseId);
    if (!e) {
      if (await this.hooks.tokenLease(leaseId)) await this.hooks.revokeTokenLease(leaseId);
      return;
    }
    await this.hooks.revokeSecret(e.mountPoint, this.toLease(e));
    await this.storage.delete(leaseKey(leaseId));
    this.leases.delete(leaseId);
    this.hooks.logger?.info({ lease_id: leaseId }, 'revoked lease');
  }

  /**
   * Revokes every lease under prefix. With force (sys/leases/revoke-force), secret leases are removed
   * without asking their backend: for a database that is gone for good, whose revocations would
   * otherwise be retried forever.
   */
  async revokePrefix(prefix: string, force = false): Promise<number> {
    const p = prefix.replace(/\/+$/, '');
    const match = (id: string): boolean => id === p || id.startsWith(`${p}/`);
    const ids = [...this.leases.keys()].filter(match);
    for (const id of ids) {
      if (!force) await this.revoke(id);
      else {
        await this.storage.delete(leaseKey(id));
        this.leases.delete(id);
        this.hooks.logger?.warn({ lease_id: id }, 'lease force-revoked: the secret itself was not revoked');
      }
    }
    const tokens = (await this.hooks.tokenLeasesWithPrefix(p)).filter(match);
    for (const id of tokens) await this.hooks.revokeTokenLease(id);
    return ids.length + tokens.length;
  }

  /**
   * Revokes every secret lease obtained with this token (when the token is revoked). A lease whose
   * revocation fails does not stop the token's revocation: it is marked expired and retried later.
   */
  async revokeByToken(tokenHash: string): Promise<void> {
    for (const e of [...this.leases.values()]) {
      if (e.tokenHash !== tokenHash) continue;
      try {
        await this.revoke(e.leaseId);
      } catch (err) {
        this.hooks.onError(err, e.leaseId);
        await this.retryLater(e.leaseId);
      }
    }
  }

  /** Records a failed revocation: the lease is expired from now on and queued again with backoff. */
  private async retryLater(leaseId: string): Promise<void> {
    const e = this.leases.get(leaseId);
    if (!e) return;
    const now = this.clock.now();
    const attempts = (e.revokeAttempts ?? 0) + 1;
    const next: LeaseEntry = { ...e, expireTime: Math.min(e.expireTime, now), revokeAttempts: attempts };
    this.leases.set(leaseId, next);
    this.due.push(now + revokeRetryDelay(attempts), leaseId);
    try {
      await putJson(this.storage, leaseKey(leaseId), next);
    } catch (err) {
      this.hooks.onError(err, leaseId);
    }
  }

  /** Lease IDs (secret and token) one level below prefix, for LIST sys/leases/lookup/<prefix>. */
  async listPrefix(prefix: string): Promise<string[]> {
    const p = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const ids = [...this.leases.keys(), ...(await this.hooks.tokenLeasesWithPrefix(p.replace(/\/$/, '')))];
    const out = new Set<string>();
    for (const id of ids) {
      if (!id.startsWith(p)) continue;
      const rest = id.slice(p.length);
      const slash = rest.indexOf('/');
      out.add(slash >= 0 ? rest.slice(0, slash + 1) : rest);
    }
    return [...out].sort();
  }

  /** Revokes what has expired. Runs every second; tests call it directly after moving the clock. */
  async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const now = this.clock.now();
      for (const { id } of this.due.popDue(now)) {
        try {
          if (id.startsWith(TOKEN_PREFIX)) await this.hooks.revokeTokenIfExpired(id.slice(TOKEN_PREFIX.length));
          else {
            // A lease renewed since this pair was pushed has a later pair of its own; a revoked one is gone.
            const e = this.leases.get(id);
            if (e && e.expireTime <= now) await this.revoke(id);
          }
        } catch (err) {
          this.hooks.onError(err, id);
          // Not forgotten: stored with its attempt count and tried again with backoff.
          if (!id.startsWith(TOKEN_PREFIX)) await this.retryLater(id);
        }
      }
    } catch (err) {
      this.hooks.onError(err, '');
    } finally {
      this.sweeping = false;
    }
  }

  private track(e: LeaseEntry): void {
    this.leases.set(e.leaseId, e);
    this.due.push(e.expireTime, e.leaseId);
  }

  private live(leaseId: string): LeaseEntry | null {
    const e = this.leases.get(leaseId);
    return e && e.expireTime > this.clock.now() ? e : null;
  }

  private view(e: LeaseEntry): LeaseView {
    return {
      id: e.leaseId,
      issueTime: e.issueTime,
      expireTime: e.expireTime,
      lastRenewal: e.lastRenewalTime,
      renewable: e.renewable,
      ttl: Math.max(0, Math.round((e.expireTime - this.clock.now()) / 1000)),
    };
  }

  private toLease(e: LeaseEntry): Lease {
    return { leaseId: e.leaseId, path: e.path, issueTime: e.issueTime, expireTime: e.expireTime, internalData: e.internalData };
  }
}
