// The token store's expiry schedule: the sweep gets exactly the tokens that have expired (not a
// renewed or revoked one), a store opened over records written earlier (as after an unseal) finds
// them too, and once the schedule is built a sweep reads only the due records, not every token.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenStore } from '../../../src/server/token/store.js';
import { ExpiryQueue } from '../../../src/server/token/expiry-queue.js';
import { createClock, createMemoryStorage, type MemoryStorage } from '../../support/backend-harness.js';
import { Core } from '../../../src/server/core/core.js';
import { createMemoryStorage as createPhysicalMemory } from '../../../src/server/storage/memory.js';
import { createMetrics } from '../../../src/server/metrics.js';
import { pino } from 'pino';

/** Counts reads of token records (`id/<hash>`), the cost an every-token sweep pays per token. */
function countingReads(storage: MemoryStorage): { storage: MemoryStorage; reads: () => number } {
  let n = 0;
  return {
    storage: {
      ...storage,
      get: async (key) => {
        if (key.startsWith('id/')) n++;
        return storage.get(key);
      },
    },
    reads: () => n,
  };
}

async function newStore(storage: MemoryStorage, clock = createClock()) {
  const store = new TokenStore(storage, clock);
  await store.setup();
  return { store, clock };
}

const params = (ttl: number) => ({ policies: ['default'], path: 'auth/token/create', ttl });

test('expiredHashes returns expired tokens once, skips renewed and revoked ones', async () => {
  const { store, clock } = await newStore(createMemoryStorage());
  const short = await store.create(params(10));
  const renewed = await store.create(params(10));
  const revoked = await store.create(params(10));
  const long = await store.create(params(3600));
  const forever = await store.create(params(0));
  clock.advance(5_000);
  await store.renew(renewed.entry, 60);
  await store.revokeTree(revoked.entry.idHash);

  assert.deepEqual(await store.expiredHashes(clock.now()), [], 'nothing is due yet');
  clock.advance(6_000);
  assert.deepEqual(await store.expiredHashes(clock.now()), [short.entry.idHash]);
  assert.deepEqual(await store.expiredHashes(clock.now()), [], 'a due token is handed out once');
  clock.advance(60_000);
  assert.deepEqual(await store.expiredHashes(clock.now()), [renewed.entry.idHash], 'the renewed token expires at its new time');
  clock.advance(3600_000);
  assert.deepEqual(await store.expiredHashes(clock.now()), [long.entry.idHash]);
  assert.ok(await store.lookup(forever.id), 'a token without TTL never expires');
});

test('a renewal that shortens the TTL moves the token earlier in the schedule', async () => {
  const { store, clock } = await newStore(createMemoryStorage());
  const t = await store.create(params(3600));
  await store.renew(t.entry, 30);
  clock.advance(31_000);
  assert.deepEqual(await store.expiredHashes(clock.now()), [t.entry.idHash]);
});

test('a store opened over earlier records (after an unseal) finds their expiries', async () => {
  const storage = createMemoryStorage();
  const clock = createClock();
  const first = await newStore(storage, clock);
  const a = await first.store.create(params(10));
  const b = await first.store.create(params(100));

  const second = await newStore(storage, clock);
  clock.advance(11_000);
  assert.deepEqual(await second.store.expiredHashes(clock.now()), [a.entry.idHash]);
  clock.advance(100_000);
  assert.deepEqual(await second.store.expiredHashes(clock.now()), [b.entry.idHash]);
});

test('after the first sweep, a sweep reads only the records that are due', async () => {
  const counted = countingReads(createMemoryStorage());
  const { store, clock } = await newStore(counted.storage);
  for (let i = 0; i < 50; i++) await store.create(params(3600));
  const soon = await store.create(params(5));
  await store.expiredHashes(clock.now());
  const before = counted.reads();
  clock.advance(1_000);
  assert.deepEqual(await store.expiredHashes(clock.now()), []);
  assert.equal(counted.reads() - before, 0, 'no token is due: no record is read');
  clock.advance(5_000);
  assert.deepEqual(await store.expiredHashes(clock.now()), [soon.entry.idHash]);
  assert.equal(counted.reads() - before, 1, 'one token is due: one record is read');
});

test('ExpiryQueue keeps one live slot per token and pops in time order', () => {
  const q = new ExpiryQueue();
  for (let i = 0; i < 3000; i++) q.schedule(`t${i}`, 10_000 - i);
  q.schedule('t0', 5); // earlier: replaces the slot at 10000
  q.schedule('t1', 20_000); // later than its slot: kept at 9999
  assert.equal(q.size, 3000);
  assert.deepEqual(q.popDue(4), []);
  assert.deepEqual(q.popDue(5), ['t0']);
  const due = q.popDue(7002);
  assert.deepEqual(due, ['t2999', 't2998']);
  assert.equal(q.popDue(Infinity).length, 2997);
  assert.equal(q.size, 0);
});

test("the core's once-a-second sweep does not read every token record", async () => {
  const physical = createPhysicalMemory();
  let tokenReads = 0;
  const counting = {
    ...physical,
    get: (key: string) => {
      if (key.startsWith('sys/token/id/')) tokenReads++;
      return physical.get(key);
    },
  };
  const clock = createClock();
  const core = new Core({ physical: counting, clock, logger: pino({ level: 'silent' }), cacheSize: 0, storageType: 'inmem', metrics: createMetrics() });
  const { keys } = await core.initialize(1, 1);
  await core.unseal(keys[0]!);
  try {
    const authMount = core.findMount('auth', 'auth/token/')!;
    const issue = (ttl: number) =>
      core.issueToken({ policies: ['default'], noDefaultPolicy: false, path: 'auth/token/create', authMount, meta: {}, displayName: 't', ttl, maxTtl: 0, explicitMaxTtl: 0, period: 0, numUses: 0, renewable: true, parentHash: '', boundCidrs: [] });
    for (let i = 0; i < 40; i++) await issue(3600);
    const soon = await issue(5);
    await core.expiration.sweep();
    tokenReads = 0;
    clock.advance(1_000);
    await core.expiration.sweep();
    assert.equal(tokenReads, 0, 'no token is due, so no token record is read');
    clock.advance(5_000);
    await core.expiration.sweep();
    assert.equal(await core.tokens.lookup(soon.client_token), null);
    assert.equal(await core.tokens.rawEntry(core.tokens.hash(soon.client_token)), null, 'the expired token was revoked and removed');
    assert.ok(tokenReads <= 3, `only the due token's record is read (read ${tokenReads})`);
  } finally {
    await core.close();
  }
});
