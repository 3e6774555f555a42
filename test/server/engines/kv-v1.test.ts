// KV version 1 (and the factory's version switch) against Vault's kv-v1 API docs: read, write,
// delete, list, the advisory `ttl`, create-vs-update existence checks and input errors.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { kvBackendFactory } from '../../../src/server/engines/kv/index.js';
import { createHarness } from '../../support/backend-harness.js';

const v1 = () => createHarness(kvBackendFactory);

describe('kv v1', () => {
  it('defaults to version 1 (data/ is an ordinary path) and rejects unknown versions', async () => {
    const h = await v1();
    assert.equal((await h.request('update', 'data/x', { data: { a: 1 } })).status, 204);
    assert.deepEqual((await h.request('read', 'data/x')).response?.data, { data: { a: 1 } });
    await assert.rejects(createHarness(kvBackendFactory, { options: { version: '3' } }), /unsupported KV version "3"/);
  });

  it('creates, reads, updates and deletes a secret', async () => {
    const h = await v1();
    const created = await h.request('update', 'my-secret', { foo: 'bar', zip: 'zap' });
    assert.equal(created.status, 204);
    assert.equal(created.operation, 'create');
    assert.equal(created.response, null);

    const read = await h.request('read', 'my-secret');
    assert.equal(read.status, 200);
    assert.deepEqual(read.response?.data, { foo: 'bar', zip: 'zap' });
    // No ttl field: the mount's default lease TTL (768h) is advisory, not a lease.
    assert.equal(read.response?.leaseDuration, 2764800);
    assert.equal(read.response?.secret, undefined, 'KV v1 reports a TTL but registers no lease');

    const updated = await h.request('update', 'my-secret', { foo: 'baz' });
    assert.equal(updated.operation, 'update');
    assert.deepEqual((await h.request('read', 'my-secret')).response?.data, { foo: 'baz' });

    assert.equal((await h.request('delete', 'my-secret')).status, 204);
    const gone = await h.request('read', 'my-secret');
    assert.equal(gone.status, 404);
    assert.equal(gone.response, null);
    assert.equal((await h.request('delete', 'my-secret')).status, 204, 'deleting a missing key is not an error');
  });

  it('stores arbitrary JSON and returns keys sorted like Vault', async () => {
    const h = await v1();
    await h.request('update', 'json', { z: 1, a: { y: [1, { b: 2, a: 1 }], x: null }, m: true });
    const read = await h.request('read', 'json');
    assert.deepEqual(read.response?.data, { a: { x: null, y: [1, { a: 1, b: 2 }] }, m: true, z: 1 });
    assert.deepEqual(Object.keys(read.response!.data!), ['a', 'm', 'z']);
    assert.equal(read.response?.warnings, undefined, 'unknown fields are the data, never warned about');
  });

  it('reports a ttl (or lease) field as the lease duration', async () => {
    const h = await v1();
    await h.request('update', 'ttl', { foo: 'bar', ttl: '1h' });
    const read = await h.request('read', 'ttl');
    assert.deepEqual(read.response?.data, { foo: 'bar', ttl: '1h' });
    assert.equal(read.response?.leaseDuration, 3600);

    await h.request('update', 'ttl-num', { foo: 'bar', ttl: 90 });
    assert.equal((await h.request('read', 'ttl-num')).response?.leaseDuration, 90);
    await h.request('update', 'lease', { foo: 'bar', lease: '30m' });
    assert.equal((await h.request('read', 'lease')).response?.leaseDuration, 1800);
    await h.request('update', 'bad-ttl', { foo: 'bar', ttl: 'soon' });
    assert.equal((await h.request('read', 'bad-ttl')).response?.leaseDuration, 2764800, 'an unparseable ttl falls back to the default');
  });

  it('lists keys and folders, with or without the trailing slash', async () => {
    const h = await v1();
    const empty = await h.request('list', '');
    assert.equal(empty.status, 404, 'an empty mount lists as 404');
    await h.request('update', 'foo', { a: '1' });
    await h.request('update', 'foo/bar', { a: '1' });
    await h.request('update', 'foo/baz/qux', { a: '1' });
    assert.deepEqual((await h.request('list', '')).response?.data, { keys: ['foo', 'foo/'] });
    assert.deepEqual((await h.request('list', 'foo/')).response?.data, { keys: ['bar', 'baz/'] });
    assert.deepEqual((await h.request('list', 'foo')).response?.data, { keys: ['bar', 'baz/'] });
    assert.equal((await h.request('list', 'nothing/')).status, 404);
  });

  it('rejects writes without data or without a path', async () => {
    const h = await v1();
    const noData = await h.request('update', 'x', {});
    assert.equal(noData.status, 400);
    assert.equal(noData.error, 'missing data fields');
    const noPath = await h.request('update', '', { a: 1 });
    assert.equal(noPath.status, 400);
    assert.equal(noPath.error, 'missing path');
  });

  it('stores each secret under its own path', async () => {
    const h = await v1();
    await h.request('update', 'team/db', { password: 'hunter2' });
    assert.deepEqual([...h.storage.entries.keys()], ['team/db']);
    assert.deepEqual(JSON.parse(h.storage.entries.get('team/db')!.toString()), { password: 'hunter2' });
  });
});
