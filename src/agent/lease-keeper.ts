// Keeps one leased secret a template read (database credentials, ...) alive for as long as the
// pod runs, the way a long-running app wants its credentials kept: renew the lease
// (sys/leases/renew, asking for the lease's first duration again) at about 2/3 of its TTL with
// jitter, and keep the same credentials while renewals extend it. New credentials are asked for
// (onReplace) only when the lease cannot be kept: renewal refused or failing until no time is left,
// the lease not renewable, or its max TTL near (a renewal granted less than it asked for: the lease
// is capped and ends for good; new ones are fetched at lease_renewal_threshold of what is left).
// consul-template instead fetches new credentials near every TTL, which makes an app reconnect
// every few minutes. Time is injectable (the client's Clock) so tests need not sleep.

import { systemClock, type Client, type Clock, type LifetimeWatcher } from '../client/index.js';
import type { Logger } from './log.js';

export interface LeaseKeeperOptions {
  client: Client;
  leaseId: string;
  /** The path the template read (for log lines; never the secret). */
  path: string;
  /** lease_duration of the fetch, seconds. */
  ttl: number;
  renewable: boolean;
  /** template_config.lease_renewal_threshold: the fraction of a lease that ends for good after which new credentials are fetched. */
  threshold: number;
  log: Logger;
  /** The lease will not be kept: fetch the secret again (and render with the new value). */
  onReplace(reason: string): void;
  /** When the planned end of this lease changed (a renewal, the cap found): the runner compares it with the token's end. */
  onChange?(): void;
  clock?: Clock;
  random?: () => number;
}

export class LeaseKeeper {
  /** When the lease currently expires (ms since the epoch). */
  expiresAt: number;
  /** The lease ends at expiresAt for good (not renewable, or capped by its max TTL). */
  final: boolean;
  /** When new credentials will be fetched (ms since the epoch); Infinity while renewals extend the lease. */
  replaceAt: number;
  private readonly clock: Clock;
  private readonly random: () => number;
  private watcher: LifetimeWatcher | undefined;
  private cancelTimer: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly o: LeaseKeeperOptions) {
    this.clock = o.clock ?? systemClock;
    this.random = o.random ?? Math.random;
    this.expiresAt = this.clock.now() + o.ttl * 1000;
    this.final = !o.renewable;
    this.replaceAt = Infinity;
  }

  start(): void {
    const o = this.o;
    if (!o.renewable || o.ttl <= 0) {
      // At least a second: a lease without a duration must not turn into a busy loop of fetches.
      this.replaceLater(`the lease is not renewable and ends in ${o.ttl}s`, 1000);
      return;
    }
    const increment = o.ttl;
    const w = o.client.lifetimeWatcher({
      kind: 'lease',
      leaseId: o.leaseId,
      ttl: o.ttl,
      renewable: true,
      increment,
      clock: this.clock,
      random: this.random,
      onRenew: (e) => {
        if (this.stopped) return;
        this.expiresAt = e.renewedAt + e.ttl * 1000;
        if (e.ttl < increment || !e.renewable) {
          // Capped: later renewals cannot extend it past its max TTL. Stop renewing and fetch new
          // credentials shortly before it ends (the old ones stay valid until then).
          this.final = true;
          // Durations come in whole seconds (rounded by Coffer, truncated by Vault): plan as if up
          // to half a second less were left, so the new credentials never come after the end.
          this.expiresAt = e.renewedAt + Math.max(0, e.ttl * 1000 - 500);
          this.watcher = undefined;
          w.stop();
          o.log.info('lease near its max TTL; new credentials will be fetched before it ends', { path: o.path, asked: `${increment}s`, granted: `${e.ttl}s` });
          this.replaceLater(`the lease reaches its max TTL in ${e.ttl}s`);
          return;
        }
        o.log.debug('renewed a lease; keeping the same credentials', { path: o.path, ttl: `${e.ttl}s` });
        o.onChange?.();
      },
      onError: (e) => o.log.warn('error renewing a lease', { path: o.path, error: e.message }),
      onDone: (e) => {
        if (this.stopped || e.reason === 'stopped') return;
        this.watcher = undefined;
        const why =
          e.reason === 'failed'
            ? `renewal failed: ${e.error?.message ?? 'unknown error'}`
            : e.reason === 'max-ttl'
              ? 'the lease reached its max TTL'
              : 'the lease is no longer renewable';
        o.log.info('the lease cannot be kept; fetching new credentials', { path: o.path, reason: why });
        this.replaceAt = this.clock.now();
        o.onReplace(why);
      },
    });
    this.watcher = w;
    w.start();
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    this.watcher = undefined;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }

  /** Fetch anew at `threshold` (±5%) of the time the lease has left. */
  private replaceLater(why: string, minMs = 0): void {
    const now = this.clock.now();
    const left = Math.max(0, this.expiresAt - now);
    const fraction = Math.min(1, Math.max(0, this.o.threshold + (this.random() - 0.5) * 0.1));
    const delay = Math.max(minMs, left * fraction);
    this.replaceAt = now + delay;
    this.o.onChange?.();
    this.cancelTimer = this.clock.schedule(() => {
      this.cancelTimer = undefined;
      if (this.stopped) return;
      this.o.log.debug('fetching a leased secret again', { path: this.o.path, reason: why });
      this.o.onReplace(why);
    }, delay);
  }
}
