// Keeps a token or a lease alive: renews it at about 2/3 of its TTL (plus jitter), and reports
// when it cannot any more, telling "the max TTL is reached / not renewable: re-authenticate"
// apart from "renewal failed". Shaped after Vault's api.LifetimeWatcher (grace period of
// 10-20% of the lease, recomputed only while renewals extend it); time is injectable.

import type { Client } from './client.js';
import { VaultError } from './errors.js';
import type { VaultResponse } from './types.js';

/** A clock and one-shot scheduler; `schedule` returns a cancel function. */
export interface Clock {
  now(): number;
  schedule(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule: (fn, ms) => {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

export interface RenewEvent {
  renewedAt: number;
  /** The TTL granted, in seconds. */
  ttl: number;
  renewable: boolean;
  response: VaultResponse<unknown>;
}

/**
 * - 'max-ttl': renewals no longer extend the lease (max TTL reached): re-authenticate / fetch anew.
 * - 'not-renewable': the token or lease cannot be renewed; reported shortly before it expires
 *   (at once when it never expires).
 * - 'failed': a renewal failed and cannot be retried (a 4xx answer, or no time left): `error`.
 * - 'stopped': stop() was called.
 */
export type DoneReason = 'max-ttl' | 'not-renewable' | 'failed' | 'stopped';

export interface DoneEvent {
  reason: DoneReason;
  error?: Error;
  /** When the token or lease expires (ms since the epoch), null if never or unknown. */
  expiresAt: number | null;
}

export interface LifetimeWatcherOptions {
  kind: 'token' | 'lease';
  /** Required for kind 'lease'. */
  leaseId?: string;
  /** For kind 'token': the token to keep alive (default: the client's token when the watcher starts). */
  token?: string;
  /** The TTL to ask for at each renewal, in seconds (default: the server's choice). */
  increment?: number;
  /** The current TTL in seconds and renewability; looked up when either is omitted. */
  ttl?: number;
  renewable?: boolean;
  onRenew?: (e: RenewEvent) => void;
  /** Each failed renewal attempt (the watcher retries transient failures with backoff). */
  onError?: (e: Error) => void;
  onDone?: (e: DoneEvent) => void;
  clock?: Clock;
  random?: () => number;
}

const MAX_ERROR_BACKOFF_MS = 5 * 60_000;

/** 4xx answers (but 412/429) will not get better by retrying. */
function isPermanent(e: unknown): boolean {
  if (!(e instanceof VaultError)) return true;
  return e.status >= 400 && e.status < 500 && e.status !== 429 && e.status !== 412;
}

export class LifetimeWatcher {
  readonly done: Promise<DoneEvent>;
  private resolveDone!: (e: DoneEvent) => void;
  private readonly clock: Clock;
  private readonly random: () => number;
  private cancelTimer: (() => void) | undefined;
  private started = false;
  private finished = false;
  private token: string | undefined;
  private expiresAt = 0;
  private priorTtlMs = 0;
  private graceMs = 0;
  private renewable = false;
  private errorDelayMs: number | undefined;

  constructor(
    private readonly client: Client,
    private readonly options: LifetimeWatcherOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    void this.init();
  }

  stop(): void {
    this.finish('stopped');
  }

  private async init(): Promise<void> {
    const o = this.options;
    if (o.kind === 'lease' && !o.leaseId) return this.fail(new Error('lifetime watcher: kind "lease" needs a leaseId'));
    if (o.kind === 'token') {
      this.token = o.token ?? this.client.getToken();
      if (!this.token) return this.fail(new Error('lifetime watcher: no token to watch (set the client token or pass token)'));
    }
    let ttl = o.ttl;
    let renewable = o.renewable;
    if (ttl === undefined || renewable === undefined) {
      try {
        const found = await this.lookup();
        ttl ??= found.ttl;
        renewable ??= found.renewable;
      } catch (e) {
        return this.fail(e instanceof Error ? e : new Error(String(e)), true);
      }
    }
    if (this.finished) return;
    this.renewable = renewable;
    if (ttl <= 0) return this.finish('not-renewable');
    this.expiresAt = this.clock.now() + ttl * 1000;
    this.priorTtlMs = ttl * 1000;
    this.graceMs = this.grace(this.priorTtlMs);
    this.scheduleNext();
  }

  private scheduleNext(): void {
    const remaining = this.expiresAt - this.clock.now();
    const sleep = (remaining * 2) / 3 + this.graceMs / 3;
    if (remaining <= this.graceMs || remaining - sleep <= this.graceMs) return this.finish(this.renewable ? 'max-ttl' : 'not-renewable');
    if (!this.renewable) {
      this.timer(remaining - this.graceMs, () => this.finish('not-renewable'));
      return;
    }
    this.timer(sleep, () => void this.renew());
  }

  private async renew(): Promise<void> {
    let ttl: number;
    let renewable: boolean;
    let response: VaultResponse<unknown>;
    try {
      ({ ttl, renewable, response } = await this.renewOnce());
    } catch (e) {
      if (this.finished) return;
      const err = e instanceof Error ? e : new Error(String(e));
      this.emitError(err);
      if (isPermanent(err)) return this.finish('failed', err);
      const remaining = this.expiresAt - this.clock.now();
      this.errorDelayMs = this.errorDelayMs === undefined ? Math.min(10_000, Math.max(100, remaining / 8)) : Math.min(this.errorDelayMs * 2, MAX_ERROR_BACKOFF_MS);
      const delay = this.errorDelayMs * (0.8 + 0.4 * this.random());
      if (remaining - delay <= this.graceMs) return this.finish('failed', err);
      this.timer(delay, () => void this.renew());
      return;
    }
    if (this.finished) return;
    this.errorDelayMs = undefined;
    const now = this.clock.now();
    this.call(() => this.options.onRenew?.({ renewedAt: now, ttl, renewable, response }));
    const ttlMs = ttl * 1000;
    if (ttlMs > this.priorTtlMs) this.graceMs = this.grace(ttlMs);
    this.priorTtlMs = ttlMs;
    this.expiresAt = now + ttlMs;
    this.renewable = renewable;
    if (ttlMs <= 0) return this.finish('max-ttl');
    this.scheduleNext();
  }

  private async renewOnce(): Promise<{ ttl: number; renewable: boolean; response: VaultResponse<unknown> }> {
    const inc = this.options.increment;
    if (this.options.kind === 'token') {
      const res = await this.client.request('POST', 'auth/token/renew-self', { body: inc === undefined ? {} : { increment: inc }, token: this.token });
      if (!res?.auth) throw new Error('the server returned no auth block for auth/token/renew-self');
      return { ttl: res.auth.lease_duration, renewable: res.auth.renewable, response: res };
    }
    const res = await this.client.sys.leases.renew(this.options.leaseId!, inc);
    return { ttl: res.lease_duration, renewable: res.renewable, response: res };
  }

  private async lookup(): Promise<{ ttl: number; renewable: boolean }> {
    if (this.options.kind === 'token') {
      const res = await this.client.request<{ ttl: number; renewable: boolean }>('GET', 'auth/token/lookup-self', { token: this.token });
      if (!res?.data) throw new Error('the server returned no data for auth/token/lookup-self');
      return { ttl: Number(res.data.ttl) || 0, renewable: res.data.renewable === true };
    }
    const info = await this.client.sys.leases.lookup(this.options.leaseId!);
    return { ttl: info.ttl, renewable: info.renewable };
  }

  /** 10-20% of min(TTL, increment): the time kept in hand before expiry. */
  private grace(ttlMs: number): number {
    const inc = (this.options.increment ?? 0) * 1000;
    const base = inc > 0 && ttlMs > inc ? inc : ttlMs;
    if (base <= 0) return 0;
    return 0.1 * base + this.random() * 0.1 * base;
  }

  private timer(ms: number, fn: () => void): void {
    this.cancelTimer?.();
    this.cancelTimer = this.clock.schedule(() => {
      this.cancelTimer = undefined;
      if (!this.finished) fn();
    }, Math.max(0, ms));
  }

  private fail(err: Error, report = false): void {
    if (report) this.emitError(err);
    this.finish('failed', err);
  }

  private finish(reason: DoneReason, error?: Error): void {
    if (this.finished) return;
    this.finished = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const ev: DoneEvent = { reason, expiresAt: this.expiresAt > 0 ? this.expiresAt : null };
    if (error) ev.error = error;
    this.call(() => this.options.onDone?.(ev));
    this.resolveDone(ev);
  }

  private emitError(err: Error): void {
    try {
      this.options.onError?.(err);
    } catch {
      // A throwing onError must not stop the watcher.
    }
  }

  /** Runs a callback; what it throws goes to onError instead of breaking the watcher. */
  private call(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.emitError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
