// Cubbyhole against Vault's cubbyhole API docs: a per-token KV v1-like store with no TTL reporting.
// The core scopes the storage view to the token; here two sub-views of one store stand for two tokens.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cubbyholeBackendFactory } from '../../../src/server/engines/cubbyhole/index.js';
import { subView } from '../../../src/server/framework/json-storage.js';
import { createHarness, createMemoryStorage, type MemoryStorage } from '../../support/backend-harness.js';

function scoped(root: MemoryStorage, prefix: string): MemoryStorage {
  return { ...subView(root, prefix), entries: root.entries };
}

describe('cubbyhole', () => {
  it('writes, reads, lists and deletes', async () => {
    const h = await createHarness(cubbyholeBackendFactory, { mountPoint: 'cubbyhole/' });
    assert.equal((await h.request('list', '')).status, 404, 'an empty cubbyhole lists as 404');
    const w = await h.request('update', 'my-secret', { foo: 'bar' });
    assert.equal(w.status, 204);
    assert.equal(w.operation, 'create');
    assert.equal((await h.request('update', 'my-secret', { foo: 'baz' })).operation, 'update');
    await h.request('update', 'dir/a', { x: '1' });

    const r = await h.request('read', 'my-secret');
    assert.equal(r.status, 200);
    assert.deepEqual(r.response, { data: { foo: 'baz' } }, 'no secret/lease block, unlike kv v1');

    assert.deepEqual((await h.request('list', '')).response?.data, { keys: ['dir/', 'my-secret'] });
    assert.deepEqual((await h.request('list', 'dir')).response?.data, { keys: ['a'] });

    assert.equal((await h.request('delete', 'my-secret')).status, 204);
    assert.equal((await h.request('read', 'my-secret')).status, 404);
  });

  it('does not treat ttl specially', async () => {
    const h = await createHarness(cubbyholeBackendFactory);
    await h.request('update', 's', { ttl: '1h', v: 1 });
    assert.deepEqual((await h.request('read', 's')).response, { data: { ttl: '1h', v: 1 } });
  });

  it('keeps each token view separate', async () => {
    const root = createMemoryStorage();
    const alice = await createHarness(cubbyholeBackendFactory, { storage: scoped(root, 'token-a/') });
    const bob = await createHarness(cubbyholeBackendFactory, { storage: scoped(root, 'token-b/') });
    await alice.request('update', 'note', { v: 'alice' });
    assert.equal((await bob.request('read', 'note')).status, 404);
    assert.equal((await bob.request('list', '')).status, 404);
    await bob.request('update', 'note', { v: 'bob' });
    assert.deepEqual((await alice.request('read', 'note')).response?.data, { v: 'alice' });
    assert.deepEqual([...root.entries.keys()].sort(), ['token-a/note', 'token-b/note']);
  });

  it('rejects a write with no fields', async () => {
    const h = await createHarness(cubbyholeBackendFactory);
    const r = await h.request('update', 'x', {});
    assert.equal(r.status, 400);
    assert.equal(r.error, 'missing data fields');
  });
});
