// The HA manager: runs the election on an HaBackend for one unsealed node. A standby tries the lock
// every pollMs (and at once when told the lock changed hands); the active renews it every renewMs and
// steps down by itself when its last successful renew is older than leaseMs - marginMs on its OWN
// monotonic clock (the renew was sent before the engine extended the lease, so the engine's expiry is
// always later than our local deadline): it stops writing before any standby can take over. The fence
// epoch is set before becomeActive runs and cleared before becomeStandby runs, so the storage refuses
// writes of a node that is not (or no longer) the lock holder.

import { performance } from 'node:perf_hooks';
import type { Logger } from '../framework/types.js';
import type { HaBackend, HaControl, HaEvent, HaLeader, HaNodeInfo, HaNodeRecord } from './types.js';

export interface HaMetricsSink {
  lockAcquired(): void;
  lockLost(reason: string): void;
}

export interface HaTimings {
  /** How long the lock lives without a renew (engine clock). */
  leaseMs: number;
  /** How often the active renews. */
  renewMs: number;
  /** How often a standby tries to take the lock. */
  pollMs: number;
  /** The active steps down when its last renew is older than leaseMs - marginMs. */
  marginMs: number;
  heartbeatMs: number;
  /** After a step-down, how long this node leaves the lock to the others. */
  stepDownHoldMs: number;
}

/** Failover under 2 s after a crash: lease 1 s, standbys try every 100 ms. */
export const DEFAULT_TIMINGS: HaTimings = { leaseMs: 1000, renewMs: 200, pollMs: 100, marginMs: 350, heartbeatMs: 1000, stepDownHoldMs: 2000 };

export interface HaManagerOptions {
  backend: HaBackend;
  self: HaNodeInfo;
  logger: Logger;
  metrics?: HaMetricsSink;
  timings?: Partial<HaTimings>;
  /** Runs after this node took the lock (the fence is already set). Throwing gives the lock back. */
  becomeActive(epoch: string): Promise<void>;
  /** Runs after this node lost or gave up the lock (the fence is already cleared). */
  becomeStandby(reason: string): Promise<void>;
  /** Invalidation events from other nodes' writes. */
  onEvent(event: HaEvent): void;
}

type Role = 'stopped' | 'standby' | 'activating' | 'active';

export class HaManager implements HaControl {
  readonly self: HaNodeInfo;
  private readonly t: HaTimings;
  private role: Role = 'stopped';
  private epoch: string | null = null;
  private lastRenewSent = 0;
  private holdOffUntil = 0;
  private leaderSeen: HaLeader | null = null;
  private timers: NodeJS.Timeout[] = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private renewing = false;
  private unsubscribe: (() => Promise<void>) | null = null;
  /** Role changes run one after another. */
  private transitions: Promise<void> = Promise.resolve();
  private activating: Promise<void> | null = null;
  private leaderQuery: Promise<HaLeader | null> | null = null;

  constructor(private readonly opts: HaManagerOptions) {
    this.self = opts.self;
    this.t = { ...DEFAULT_TIMINGS, ...opts.timings };
    if (this.t.marginMs >= this.t.leaseMs || this.t.renewMs >= this.t.leaseMs - this.t.marginMs) {
      throw new Error('HA timings: need renew interval < lease - margin, and margin < lease');
    }
  }

  get timings(): HaTimings {
    return this.t;
  }

  get roleName(): Role {
    return this.role;
  }

  /** Joins the election (call once unsealed). */
  async start(): Promise<void> {
    if (this.role !== 'stopped') return;
    this.role = 'standby';
    this.opts.backend.storage.setFence(null);
    try {
      this.unsubscribe = await this.opts.backend.subscribe((e) => this.event(e));
    } catch (e) {
      this.opts.logger.warn({ err: String(e) }, 'cannot subscribe to invalidation events; standbys will see changes late');
    }
    this.timers.push(setInterval(() => void this.renewTick(), this.t.renewMs));
    this.timers.push(setInterval(() => this.watchdog(), Math.max(10, Math.min(50, this.t.marginMs / 4))));
    this.timers.push(setInterval(() => void this.heartbeat(), this.t.heartbeatMs));
    for (const t of this.timers) t.unref();
    void this.heartbeat();
    this.schedulePoll(0);
  }

  /** Leaves the election (seal or shutdown); with release, an active node hands the lock over at once. */
  async stop(release: boolean): Promise<void> {
    if (this.role === 'stopped') return;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    clearTimeout(this.pollTimer);
    const epoch = this.epoch;
    const wasLeader = this.role === 'active' || this.role === 'activating';
    this.opts.backend.storage.setFence(null);
    this.role = 'stopped';
    this.epoch = null;
    if (wasLeader && release && epoch !== null) {
      await this.opts.backend.release(epoch).catch((e: unknown) => this.opts.logger.warn({ err: String(e) }, 'could not release the lock; it expires by itself'));
      this.opts.logger.info('released the lock');
    }
    await this.unsubscribe?.().catch(() => undefined);
    this.unsubscribe = null;
    await this.transitions.catch(() => undefined);
  }

  isActive(): boolean {
    return this.role === 'active' && performance.now() - this.lastRenewSent < this.t.leaseMs - this.t.marginMs;
  }

  /** While this node is taking over, the promise of its activation; null otherwise. */
  pendingActivation(): Promise<void> | null {
    return this.role === 'activating' ? this.activating : null;
  }

  currentLeader(): HaLeader | null {
    return this.leaderSeen;
  }

  /** Concurrent callers (every request waiting to be forwarded) share one query. */
  fetchLeader(): Promise<HaLeader | null> {
    this.leaderQuery ??= this.opts.backend
      .leader()
      .then((leader) => {
        this.leaderSeen = leader;
        return leader;
      })
      .catch(() => this.leaderSeen) // the engine cannot answer: keep what we saw last
      .finally(() => {
        this.leaderQuery = null;
      });
    return this.leaderQuery;
  }

  nodes(): Promise<HaNodeRecord[]> {
    return this.opts.backend.nodes(Math.max(5000, this.t.heartbeatMs * 5));
  }

  async stepDown(): Promise<void> {
    if (this.role !== 'active' && this.role !== 'activating') return;
    const epoch = this.epoch;
    this.holdOffUntil = performance.now() + this.t.stepDownHoldMs;
    this.demote('step-down');
    if (epoch !== null) await this.opts.backend.release(epoch);
    this.opts.logger.info('stepped down; the lock is free for a standby');
  }

  writeRefused(): void {
    if (this.role === 'active' || this.role === 'activating') this.demote('a write was refused by the fence');
  }

  // ---- internals -------------------------------------------------------------------------------

  private event(e: HaEvent): void {
    if (e.kind === 'leader-changed') {
      this.leaderSeen = null;
      if (this.role === 'standby') this.schedulePoll(0);
    }
    this.opts.onEvent(e);
  }

  private schedulePoll(ms: number): void {
    if (this.role === 'stopped') return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.poll(), ms);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.role !== 'standby') {
      this.schedulePoll(this.t.pollMs);
      return;
    }
    this.polling = true;
    try {
      if (performance.now() >= this.holdOffUntil) {
        const sent = performance.now();
        const epoch = await this.opts.backend.tryAcquire(this.self, this.t.leaseMs);
        if (epoch !== null && this.role === 'standby') {
          this.take(epoch, sent);
          return;
        }
      }
      await this.fetchLeader();
    } catch (e) {
      this.opts.logger.debug?.({ err: String(e) }, 'lock attempt failed');
    } finally {
      this.polling = false;
      if (this.role === 'standby') this.schedulePoll(this.t.pollMs);
    }
  }

  private take(epoch: string, sent: number): void {
    this.epoch = epoch;
    this.lastRenewSent = sent;
    this.opts.backend.storage.setFence(epoch);
    this.role = 'activating';
    this.opts.metrics?.lockAcquired();
    this.leaderSeen = { ...this.self, epoch, activeSince: new Date().toISOString() };
    this.opts.logger.info({ epoch }, 'acquired the lock; becoming the active node');
    const run = this.transitions.then(async () => {
      if (this.epoch !== epoch || this.role !== 'activating') return;
      try {
        await this.opts.becomeActive(epoch);
      } catch (e) {
        this.opts.logger.error({ err: String(e) }, 'could not become active; giving the lock back');
        if (this.epoch === epoch) {
          this.holdOffUntil = performance.now() + this.t.stepDownHoldMs;
          this.demote('activation failed');
          await this.opts.backend.release(epoch).catch(() => undefined);
        }
        return;
      }
      if (this.epoch === epoch && this.role === 'activating') {
        this.role = 'active';
        this.opts.logger.info({ epoch }, 'this node is active');
        void this.fetchLeader();
      }
    });
    this.activating = run;
    this.transitions = run.catch(() => undefined);
  }

  private demote(reason: string): void {
    if (this.role !== 'active' && this.role !== 'activating') return;
    this.opts.backend.storage.setFence(null);
    this.role = 'standby';
    this.epoch = null;
    this.leaderSeen = null;
    this.opts.metrics?.lockLost(reason);
    this.opts.logger.warn({ reason }, 'no longer the active node; serving as a standby');
    this.transitions = this.transitions
      .then(() => this.opts.becomeStandby(reason))
      .catch((e: unknown) => this.opts.logger.error({ err: String(e) }, 'error while becoming a standby'));
    this.schedulePoll(this.t.pollMs);
  }

  private async renewTick(): Promise<void> {
    if (this.renewing || (this.role !== 'active' && this.role !== 'activating')) return;
    const epoch = this.epoch;
    if (epoch === null) return;
    this.renewing = true;
    const sent = performance.now();
    try {
      const ok = await this.opts.backend.renew(epoch, this.t.leaseMs);
      if (this.epoch !== epoch) return;
      if (ok) this.lastRenewSent = sent;
      else this.demote('the lock was lost (renew refused)');
    } catch (e) {
      this.opts.logger.warn({ err: String(e) }, 'lock renew failed');
    } finally {
      this.renewing = false;
    }
  }

  private watchdog(): void {
    if (this.role !== 'active' && this.role !== 'activating') return;
    if (performance.now() - this.lastRenewSent >= this.t.leaseMs - this.t.marginMs) this.demote('the lock could not be renewed in time');
  }

  private async heartbeat(): Promise<void> {
    try {
      await this.opts.backend.heartbeat(this.self);
    } catch {
      // the next beat will tell
    }
  }
}
