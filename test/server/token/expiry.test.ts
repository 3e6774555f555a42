// The core's expiry sweep with the barrier's read cache off: a sweep with no token due reads no token
// record, and the one due token is revoked and removed. (The schedule itself lives in the expiration
// manager; see also test/security/core-bounds.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClock } from '../../support/backend-harness.js';
import { Core } from '../../../src/server/core/core.js';
import { createMemoryStorage as createPhysicalMemory } from '../../../src/server/storage/memory.js';
import { createMetrics } from '../../../src/server/metrics.js';
import { pino } from 'pino';

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
