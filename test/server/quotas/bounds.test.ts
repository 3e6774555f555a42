// The in-memory state that unauthenticated callers can grow (client IPs, login names, waiting
// password checks) stays within its bounds, and the semantics survive the bounding. Injected clocks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRateLimiter } from '../../../src/server/quotas/rate-limiter.js';
import { LockoutTable, lockoutSettings } from '../../../src/server/quotas/lockout.js';
import { createConcurrencyLimit, QueueFullError } from '../../../src/server/framework/concurrency-limit.js';
import { invalidCredentials } from '../../../src/server/framework/errors.js';

test('rate limiter: N per window, refused until the window resets, blocked for block_interval', () => {
  const rl = createRateLimiter({ tokens: 2, intervalMs: 1000, blockMs: 0 });
  assert.deepEqual([rl.take('a', 0).allowed, rl.take('a', 10).allowed, rl.take('a', 20).allowed], [true, true, false]);
  assert.equal(rl.take('a', 20).resetMs, 980);
  assert.equal(rl.take('b', 30).allowed, true, 'another client has its own budget');
  assert.equal(rl.take('a', 1000).allowed, true, 'a new window');

  const blocking = createRateLimiter({ tokens: 1, intervalMs: 1000, blockMs: 5000 });
  assert.equal(blocking.take('a', 0).allowed, true);
  assert.equal(blocking.take('a', 1).allowed, false);
  assert.equal(blocking.take('a', 2000).allowed, false, 'window over, still blocked');
  assert.equal(blocking.take('a', 2000).resetMs, 3001);
  assert.equal(blocking.take('a', 5001).allowed, true);
});

test('rate limiter: the client maps never exceed their cap', () => {
  const rl = createRateLimiter({ tokens: 1, intervalMs: 60_000, blockMs: 60_000, maxClients: 100 });
  for (let i = 0; i < 10_000; i++) {
    rl.take(`10.0.${i >> 8}.${i & 255}`, i);
    rl.take(`10.0.${i >> 8}.${i & 255}`, i); // refused, so blocked too
  }
  assert.ok(rl.size.clients <= 100 && rl.size.blocked <= 100, JSON.stringify(rl.size));
  // The most recent client is still tracked and refused.
  assert.equal(rl.take('10.0.39.15', 10_001).allowed, false);
});

test('lockout table: locks after the threshold, unlocks after the duration, resets the counter, stays bounded', async () => {
  let now = 0;
  const table = new LockoutTable(() => now, 50);
  const s = lockoutSettings('userpass', { lockout_threshold: 3, lockout_duration: 10, lockout_counter_reset: 5 });
  const bad = () => Promise.reject(invalidCredentials('invalid username or password'));
  const good = () => Promise.resolve('token');
  const attempt = async (name: string, login: () => Promise<string>): Promise<number> => {
    try {
      await table.guard('acc', name, s, login);
      return 200;
    } catch (e) {
      return (e as { status: number }).status;
    }
  };
  assert.deepEqual([await attempt('u', bad), await attempt('u', bad), await attempt('u', bad)], [400, 400, 400]);
  assert.equal(await attempt('u', good), 403);
  now = 10_000;
  assert.equal(await attempt('u', good), 200);

  assert.equal(await attempt('v', bad), 400);
  assert.equal(await attempt('v', bad), 400);
  now += 5_001;
  assert.equal(await attempt('v', bad), 400);
  assert.equal(await attempt('v', good), 200, 'counter was reset before the third failure');

  // A spray of unknown names: the table keeps at most its cap...
  for (let i = 0; i < 1000; i++) await attempt(`ghost-${i}`, bad);
  assert.ok(table.size <= 50, String(table.size));
  // ...and a user locked recently, and still being tried, stays locked through it.
  for (let i = 0; i < 3; i++) await attempt('w', bad);
  for (let i = 0; i < 1000; i++) {
    await attempt(`spray-${i}`, bad);
    if (i % 40 === 0) assert.equal(await attempt('w', good), 403);
  }
  // Names of any length cost the same: keys are hashed.
  await attempt('x'.repeat(100_000), bad);
  assert.ok(table.size <= 50);
});

test('concurrency limit: runs at most N, queues at most M, refuses the rest at once', async () => {
  const limit = createConcurrencyLimit(2, 3);
  const gates: Array<() => void> = [];
  const task = () => new Promise<void>((r) => gates.push(r));
  const runs = Array.from({ length: 5 }, () => limit.run(task));
  assert.equal(limit.running, 2);
  assert.equal(limit.queued, 3);
  await assert.rejects(limit.run(task), QueueFullError);
  while (gates.length > 0 || limit.running > 0) {
    gates.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(runs);
  assert.equal(limit.queued, 0);
});
