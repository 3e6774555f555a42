// Token creation's writes: the record, the accessor and the parent link are issued together (so
// SQLite's group commit stores them in one transaction), and a token created that way is found by
// ID and by accessor, also by a store opened later over the same storage (as after an unseal).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenStore } from '../../../src/server/token/store.js';
import { createClock, createMemoryStorage } from '../../support/backend-harness.js';
import type { StorageView } from '../../../src/server/framework/types.js';

test('create issues the record, accessor and parent writes before waiting for any of them', async () => {
  const inner = createMemoryStorage();
  const events: string[] = [];
  const storage: StorageView = {
    ...inner,
    put: async (key, value) => {
      const kind = key.split('/')[0]!;
      events.push(`start ${kind}`);
      await new Promise((r) => setImmediate(r));
      await inner.put(key, value);
      events.push(`end ${kind}`);
    },
  };
  const store = new TokenStore(storage, createClock());
  await store.setup();
  const parent = await store.create({ policies: ['default'], path: 'auth/token/create', ttl: 60 });
  events.length = 0;
  const child = await store.create({ policies: ['default'], path: 'auth/token/create', ttl: 60, parentHash: parent.entry.idHash });
  const firstEnd = events.findIndex((e) => e.startsWith('end'));
  assert.deepEqual(events.slice(0, firstEnd).sort(), ['start accessor', 'start id', 'start parent'], `all three writes start before any ends: ${events.join(', ')}`);

  const reopened = new TokenStore(inner, createClock());
  await reopened.setup();
  assert.equal((await reopened.lookup(child.id))?.accessor, child.entry.accessor);
  assert.equal((await reopened.lookupAccessor(child.entry.accessor))?.idHash, child.entry.idHash);
  await reopened.revokeTree(parent.entry.idHash);
  assert.equal(await reopened.lookup(child.id), null, 'the parent link was stored: revoking the parent revoked the child');
});
