// Prometheus metrics (prom-client) served at sys/metrics?format=prometheus: request counts and
// latency by operation and status, seal state, and Node's process metrics.

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  observeRequest(operation: string, status: number, seconds: number): void;
  /** Where the seal gauge reads the current state from at scrape time. */
  watchSeal(isSealed: () => boolean): void;
  /** HA: the lock was taken by this node. */
  haLockAcquired(): void;
  /** HA: this node lost or gave up the lock. */
  haLockLost(reason: string): void;
  /** HA: where the is_active gauge reads from at scrape time. */
  watchHaActive(isActive: () => boolean): void;
  /** HA: a request this standby sent on to the active node (or redirected, or could not). */
  haForwarded(outcome: 'forwarded' | 'redirected' | 'failed'): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'coffer_' });
  const requests = new Counter({
    name: 'coffer_core_handle_request_total',
    help: 'Requests handled, by operation and HTTP status',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'coffer_core_handle_request_seconds',
    help: 'Time to handle a request, by operation',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  let isSealed: () => boolean = () => true;
  new Gauge({
    name: 'coffer_core_unsealed',
    help: '1 when the server is unsealed',
    registers: [registry],
    collect() {
      this.set(isSealed() ? 0 : 1);
    },
  });
  const haAcquired = new Counter({ name: 'coffer_ha_lock_acquisitions_total', help: 'Times this node took the HA lock', registers: [registry] });
  const haLost = new Counter({ name: 'coffer_ha_lock_losses_total', help: 'Times this node lost or gave up the HA lock, by reason', labelNames: ['reason'] as const, registers: [registry] });
  const haForwarded = new Counter({ name: 'coffer_ha_forwarded_requests_total', help: 'Requests a standby forwarded to the active node, by outcome', labelNames: ['outcome'] as const, registers: [registry] });
  let isActive: (() => boolean) | null = null;
  new Gauge({
    name: 'coffer_ha_is_active',
    help: '1 when this node is the active node of an HA cluster (0 on standbys; absent without HA)',
    registers: [registry],
    collect() {
      if (isActive) this.set(isActive() ? 1 : 0);
    },
  });
  // Label children are looked up once per (operation, status), not hashed on every request.
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(v: number): void }>();
  return {
    registry,
    observeRequest(operation, status, seconds) {
      const key = `${operation} ${status}`;
      let c = counters.get(key);
      if (!c) counters.set(key, (c = requests.labels(operation, String(status))));
      c.inc();
      let t = timers.get(operation);
      if (!t) timers.set(operation, (t = latency.labels(operation)));
      t.observe(seconds);
    },
    watchSeal(fn) {
      isSealed = fn;
    },
    haLockAcquired() {
      haAcquired.inc();
    },
    haLockLost(reason) {
      haLost.labels(reason).inc();
    },
    watchHaActive(fn) {
      isActive = fn;
    },
    haForwarded(outcome) {
      haForwarded.labels(outcome).inc();
    },
  };
}
