// The lease manager on its own: register, lookup, renew within the max TTL, revoke, revoke-prefix,
// revoke-by-token, expiry with a moved clock, and restore from storage in a new instance (as after an
// unseal or a restart), with the backend's renew/revoke hooks called as they should be.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpirationManager, type ExpirationHooks } from '../../../src/server/expiration/manager.js';
import { createHarness } from '../../support/backend-harness.js';
import { kvBackendFactory } from '../../../src/server/engines/kv/index.js';
import type { Lease } from '../../../src/server/framework/types.js';

async function setup() {
  // Reuse the harness's in-memory storage view and settable clock.
  const h = await createHarness(kvBackendFactory);
  const revoked: string[] = [];
  const renewed: { id: string; inc: number }[] = [];
  const hooks: ExpirationHooks = {
    revokeSecret: async (_m: string, l: Lease) => void revoked.push(l.leaseId),
    renewSecret: async (_m: string, l: Lease, inc: number) => {
      renewed.push({ id: l.leaseId, inc });
      return { ttl: inc || 60 };
    },
    tokenLease: async () => null,
    renewTokenLease: async () => {
      throw new Error('no token leases here');
    },
    revokeTokenLease: async () => undefined,
    tokenLeasesWithPrefix: async () => [],
    revokeTokenIfExpired: async () => undefined,
    onError: (e) => {
      throw e;
    },
  };
  const make = () => new ExpirationManager(h.storage, h.clock, hooks);
  return { h, revoked, renewed, make };
}

test('register, lookup, renew capped by max TTL, revoke', async () => {
  const { h, revoked, renewed, make } = await setup();
  const m = make();
  await m.restore();
  const l = await m.register({ path: 'db/creds/ro', mountPoint: 'db/', ttl: 60, maxTtl: 100, renewable: true, tokenHash: 't1', internalData: { user: 'u' } });
  assert.match(l.leaseId, /^db\/creds\/ro\/[0-9a-f]{24}$/);
  const v = await m.lookup(l.leaseId);
  assert.equal(v?.ttl, 60);
  assert.equal(v?.renewable, true);
  h.clock.advance(30_000);
  const r = await m.renew(l.leaseId, 500);
  assert.deepEqual(renewed, [{ id: l.leaseId, inc: 500 }]);
  assert.equal(r.ttl, 70, 'capped at the max TTL (100s after issue)');
  await m.revoke(l.leaseId);
  assert.deepEqual(revoked, [l.leaseId]);
  assert.equal(await m.lookup(l.leaseId), null);
  m.stop();
});

test('leases survive in storage: a new manager restores them and expires them on time', async () => {
  const { h, revoked, make } = await setup();
  const first = make();
  await first.restore();
  const a = await first.register({ path: 'db/creds/a', mountPoint: 'db/', ttl: 10, maxTtl: 0, renewable: false, tokenHash: 't1', internalData: {} });
  const b = await first.register({ path: 'db/creds/b', mountPoint: 'db/', ttl: 1000, maxTtl: 0, renewable: true, tokenHash: 't2', internalData: {} });
  first.stop();

  const second = make();
  await second.restore();
  assert.equal((await second.lookup(a.leaseId))?.ttl, 10);
  await assert.rejects(second.renew(a.leaseId, 5), /not renewable/);
  h.clock.advance(11_000);
  await second.sweep();
  assert.deepEqual(revoked, [a.leaseId]);
  assert.ok(await second.lookup(b.leaseId));
  assert.deepEqual(await second.listPrefix('db/creds/'), ['b/'], 'one level, folders end with /');
  assert.deepEqual(await second.listPrefix('db/creds/b/'), [b.leaseId.slice('db/creds/b/'.length)]);
  await second.revokeByToken('t2');
  assert.deepEqual(revoked, [a.leaseId, b.leaseId]);
  second.stop();
});

test('revoke-prefix takes every lease under the prefix and nothing else', async () => {
  const { revoked, make } = await setup();
  const m = make();
  await m.restore();
  const x = await m.register({ path: 'db/creds/x', mountPoint: 'db/', ttl: 60, maxTtl: 0, renewable: true, tokenHash: '', internalData: {} });
  const y = await m.register({ path: 'db/creds/y', mountPoint: 'db/', ttl: 60, maxTtl: 0, renewable: true, tokenHash: '', internalData: {} });
  const z = await m.register({ path: 'dbx/creds/z', mountPoint: 'dbx/', ttl: 60, maxTtl: 0, renewable: true, tokenHash: '', internalData: {} });
  assert.equal(await m.revokePrefix('db/'), 2);
  assert.deepEqual(revoked.sort(), [x.leaseId, y.leaseId].sort());
  assert.ok(await m.lookup(z.leaseId));
  m.stop();
});
