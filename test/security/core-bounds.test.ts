// Denial-of-service bounds inside the core, checked on a real Core over in-memory storage (counting
// storage reads): random tokens from unauthenticated callers leave the token caches bounded, and the
// expiration sweep reads only what is due, not every live token every second.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Core } from '../../src/server/core/core.js';
import { createMemoryStorage } from '../../src/server/storage/index.js';
import type { PhysicalStorage } from '../../src/server/storage/index.js';
import { createMetrics } from '../../src/server/metrics.js';
import { NEGATIVE_CACHE_SIZE, TOKEN_CACHE_SIZE } from '../../src/server/token/store.js';
import { createClock } from '../support/backend-harness.js';

interface Counted extends PhysicalStorage {
  gets: number;
}

function countingStorage(): Counted {
  const inner = createMemoryStorage();
  const counted: Counted = {
    ...inner,
    gets: 0,
    get: async (key: string) => {
      counted.gets++;
      return inner.get(key);
    },
  };
  return counted;
}

async function unsealedCore(physical: PhysicalStorage, clock = createClock()): Promise<{ core: Core; root: string; key: Buffer }> {
  const core = new Core({ physical, clock, logger: pino({ level: 'silent' }), storageType: 'inmem', metrics: createMetrics() });
  const init = await core.initialize(1, 1);
  await core.unseal(init.keys[0]!);
  return { core, root: init.rootToken, key: init.keys[0]! };
}

test('20,000 random tokens leave the token caches within their bounds, and live tokens keep working', async () => {
  const { core, root } = await unsealedCore(countingStorage());
  const live = await core.tokens.create({ policies: ['default'], path: 'auth/token/create', ttl: 3600 });
  for (let i = 0; i < 20_000; i++) {
    const r = await core.handle({ operation: 'read', path: 'auth/token/lookup-self', data: {}, clientToken: `hvs.random-${i}-${'x'.repeat(64)}`, remoteAddr: '127.0.0.1', headers: {}, requestId: String(i) }).catch((e: { status: number }) => e.status);
    assert.equal(r, 403);
  }
  const sizes = core.tokens.cacheSizes();
  assert.ok(sizes.missing <= NEGATIVE_CACHE_SIZE, `negative cache ${sizes.missing} > ${NEGATIVE_CACHE_SIZE}`);
  assert.ok(sizes.live <= TOKEN_CACHE_SIZE, `live cache ${sizes.live}`);
  assert.ok(sizes.hashes <= 10_000, `hash memo ${sizes.hashes}`);
  assert.ok(await core.tokens.lookup(live.id));
  assert.ok(await core.tokens.lookup(root));
  await core.close();
});

test('the expiration sweep reads no token record while none is due, and revokes the one that is', async () => {
  const physical = countingStorage();
  const clock = createClock();
  const { core } = await unsealedCore(physical, clock);
  for (let i = 0; i < 3000; i++) await core.tokens.create({ policies: ['default'], path: 'auth/token/create', ttl: 3600 });
  const short = await core.tokens.create({ policies: ['default'], path: 'auth/token/create', ttl: 10 });
  physical.gets = 0;
  await core.expiration.sweep();
  assert.equal(physical.gets, 0, 'a sweep with nothing due touches no storage');
  clock.advance(11_000);
  await core.expiration.sweep();
  assert.ok(physical.gets > 0 && physical.gets < 50, `reads for one due token: ${physical.gets}`);
  assert.equal(await core.tokens.rawEntry(short.entry.idHash), null, 'the expired token was revoked');
  assert.equal((await core.tokens.allHashes()).length, 3001, 'the 3000 live ones and root remain');
  await core.close();
});

test('a renewed token is not revoked at its old expiry; tokens stored before a seal are scheduled again after unseal', async () => {
  const physical = countingStorage();
  const clock = createClock();
  const { core, key } = await unsealedCore(physical, clock);
  const renewed = await core.tokens.create({ policies: ['default'], path: 'auth/token/create', ttl: 10 });
  const lapsing = await core.tokens.create({ policies: ['default'], path: 'auth/token/create', ttl: 20 });
  await core.tokens.renew(renewed.entry, 60);
  clock.advance(11_000);
  await core.expiration.sweep();
  assert.ok(await core.tokens.rawEntry(renewed.entry.idHash), 'renewed token survives its first expiry time');

  // Seal and unseal: the queue is empty, then rebuilt from storage in the background.
  await core.sealCore();
  assert.equal(core.expiration.scheduled, 0);
  assert.equal(await core.unseal(key), true);
  for (let i = 0; i < 100 && core.expiration.scheduled < 2; i++) await new Promise((r) => setImmediate(r));
  assert.equal(core.expiration.scheduled, 2, 'both stored tokens with an expiry are scheduled again');
  clock.advance(10_000);
  await core.expiration.sweep();
  assert.equal(await core.tokens.rawEntry(lapsing.entry.idHash), null, 'the lapsed token is revoked after the unseal');
  assert.ok(await core.tokens.rawEntry(renewed.entry.idHash));
  await core.close();
});
