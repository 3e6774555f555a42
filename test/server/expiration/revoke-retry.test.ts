// Revocations that fail (a database that is down) are retried with exponential backoff, the attempt
// count is stored with the lease, a new manager (a restart) retries at once, and revoking a token
// whose lease cannot be revoked yet does not fail: the lease is expired and queued instead.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpirationManager, revokeRetryDelay, RETRY_BASE_MS, RETRY_MAX_MS, type ExpirationHooks, type LeaseEntry } from '../../../src/server/expiration/manager.js';
import { createClock, createMemoryStorage } from '../../support/backend-harness.js';
import { getJson } from '../../../src/server/framework/json-storage.js';
import type { Lease } from '../../../src/server/framework/types.js';

function setup() {
  const storage = createMemoryStorage();
  const clock = createClock();
  const state = { down: true, attempts: 0, revoked: [] as string[], errors: 0 };
  const hooks: ExpirationHooks = {
    revokeSecret: async (_m: string, l: Lease) => {
      state.attempts++;
      if (state.down) throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
      state.revoked.push(l.leaseId);
    },
    renewSecret: async () => ({ ttl: 60 }),
    tokenLease: async () => null,
    renewTokenLease: async () => {
      throw new Error('no token leases here');
    },
    revokeTokenLease: async () => undefined,
    tokenLeasesWithPrefix: async () => [],
    revokeTokenIfExpired: async () => undefined,
    onError: () => void state.errors++,
  };
  const make = () => new ExpirationManager(storage, clock, hooks);
  return { storage, clock, state, make };
}

test('the backoff doubles from 1 s and stops growing at 60 s', () => {
  assert.equal(revokeRetryDelay(1), RETRY_BASE_MS);
  assert.equal(revokeRetryDelay(2), 2 * RETRY_BASE_MS);
  assert.equal(revokeRetryDelay(3), 4 * RETRY_BASE_MS);
  assert.equal(revokeRetryDelay(50), RETRY_MAX_MS);
});

test('a failing revocation on expiry is retried with backoff, stored, and succeeds once the database is back', async () => {
  const { storage, clock, state, make } = setup();
  const m = make();
  await m.restore();
  const l = await m.register({ path: 'database/creds/app', mountPoint: 'database/', ttl: 10, maxTtl: 0, renewable: true, tokenHash: 't', internalData: {} });
  clock.advance(10_000);
  await m.sweep();
  assert.equal(state.attempts, 1);
  assert.equal((await getJson<LeaseEntry>(storage, `id/${l.leaseId}`))?.revokeAttempts, 1);
  clock.advance(RETRY_BASE_MS - 1);
  await m.sweep();
  assert.equal(state.attempts, 1, 'retried before the backoff elapsed');
  clock.advance(1);
  await m.sweep();
  assert.equal(state.attempts, 2);
  clock.advance(2 * RETRY_BASE_MS - 1);
  await m.sweep();
  assert.equal(state.attempts, 2, 'the second delay is twice the first');
  clock.advance(1);
  await m.sweep();
  assert.equal(state.attempts, 3);
  assert.equal((await getJson<LeaseEntry>(storage, `id/${l.leaseId}`))?.revokeAttempts, 3);
  state.down = false;
  clock.advance(4 * RETRY_BASE_MS);
  await m.sweep();
  assert.deepEqual(state.revoked, [l.leaseId]);
  assert.equal(await storage.get(`id/${l.leaseId}`), null);
  m.stop();
});

test('after a restart a lease whose revocation was failing is tried at once', async () => {
  const { clock, state, make } = setup();
  const first = make();
  await first.restore();
  const l = await first.register({ path: 'database/creds/app', mountPoint: 'database/', ttl: 5, maxTtl: 0, renewable: true, tokenHash: 't', internalData: {} });
  clock.advance(5_000);
  for (let i = 0; i < 6; i++) {
    await first.sweep();
    clock.advance(RETRY_MAX_MS);
  }
  first.stop();
  state.down = false;
  const second = make();
  await second.restore();
  await second.sweep();
  assert.deepEqual(state.revoked, [l.leaseId]);
  second.stop();
});

test('revoking a token whose lease cannot be revoked yet succeeds; the lease is expired and retried', async () => {
  const { clock, state, make } = setup();
  const m = make();
  await m.restore();
  const l = await m.register({ path: 'database/creds/app', mountPoint: 'database/', ttl: 3600, maxTtl: 0, renewable: true, tokenHash: 'tok', internalData: {} });
  await m.revokeByToken('tok');
  assert.equal(state.errors, 1);
  assert.equal(await m.lookup(l.leaseId), null, 'the lease still answers lookups after its token was revoked');
  state.down = false;
  clock.advance(RETRY_BASE_MS);
  await m.sweep();
  assert.deepEqual(state.revoked, [l.leaseId]);
  m.stop();
});

test('revoke-force removes leases under a prefix without asking the backend (a database gone for good)', async () => {
  const { storage, state, make } = setup();
  const m = make();
  await m.restore();
  const a = await m.register({ path: 'database/creds/app', mountPoint: 'database/', ttl: 60, maxTtl: 0, renewable: true, tokenHash: 't', internalData: {} });
  const b = await m.register({ path: 'other/creds/app', mountPoint: 'other/', ttl: 60, maxTtl: 0, renewable: true, tokenHash: 't', internalData: {} });
  await assert.rejects(m.revokePrefix('database/creds'), /ECONNREFUSED/);
  assert.ok(await m.lookup(a.leaseId), 'a failed revoke-prefix leaves the lease');
  assert.equal(await m.revokePrefix('database/creds', true), 1);
  assert.equal(state.attempts, 1, 'force does not call the backend');
  assert.equal(await m.lookup(a.leaseId), null);
  assert.equal(await storage.get(`id/${a.leaseId}`), null);
  assert.ok(await m.lookup(b.leaseId));
  m.stop();
});
