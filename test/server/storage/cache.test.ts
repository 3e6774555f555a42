// The LRU read cache: conformance over memory (default and tiny sizes), then hit/miss
// accounting, eviction order, write-through updates, failed writes and read/write races.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runConformance } from './conformance.js';
import type { PhysicalStorage } from '../../../src/server/storage/types.js';
import { createMemoryStorage } from '../../../src/server/storage/memory.js';
import { withReadCache } from '../../../src/server/storage/cache.js';

runConformance('cache over memory', async () => withReadCache(createMemoryStorage()));
runConformance('cache (size 3) over memory', async () => withReadCache(createMemoryStorage(), 3));

interface Spy {
  storage: PhysicalStorage;
  gets: string[];
  /** When set, inner get() waits for this before reading. */
  gate: Promise<void> | null;
  failPuts: boolean;
}

function spyOn(inner: PhysicalStorage): Spy {
  const spy: Spy = {
    gets: [],
    gate: null,
    failPuts: false,
    storage: {
      async get(key) {
        spy.gets.push(key);
        const value = await inner.get(key);
        if (spy.gate) await spy.gate;
        return value;
      },
      async put(key, value) {
        if (spy.failPuts) throw new Error('disk on fire');
        await inner.put(key, value);
      },
      delete: (key) => inner.delete(key),
      list: (prefix) => inner.list(prefix),
      close: () => inner.close(),
    },
  };
  return spy;
}

describe('read cache', () => {
  it('serves repeated gets, including misses, from the cache', async () => {
    const spy = spyOn(createMemoryStorage());
    const s = withReadCache(spy.storage);
    await s.put('k', Buffer.from('v'));
    assert.equal((await s.get('k'))?.toString(), 'v');
    assert.equal((await s.get('k'))?.toString(), 'v');
    assert.equal(await s.get('missing'), null);
    assert.equal(await s.get('missing'), null);
    assert.deepEqual(spy.gets, ['missing']);
  });

  it('put and delete update the cached entry', async () => {
    const spy = spyOn(createMemoryStorage());
    const s = withReadCache(spy.storage);
    assert.equal(await s.get('k'), null);
    await s.put('k', Buffer.from('one'));
    assert.equal((await s.get('k'))?.toString(), 'one');
    await s.delete('k');
    assert.equal(await s.get('k'), null);
    assert.deepEqual(spy.gets, ['k']);
  });

  it('evicts the least recently used key beyond its size', async () => {
    const spy = spyOn(createMemoryStorage());
    const s = withReadCache(spy.storage, 2);
    await s.put('a', Buffer.from('a'));
    await s.put('b', Buffer.from('b'));
    await s.get('a'); // a is now more recent than b
    await s.put('c', Buffer.from('c')); // evicts b
    assert.deepEqual(spy.gets, []);
    await s.get('a');
    await s.get('c');
    assert.deepEqual(spy.gets, []);
    assert.equal((await s.get('b'))?.toString(), 'b');
    assert.deepEqual(spy.gets, ['b']);
  });

  it('forgets a key whose write failed, so the next get asks the backend', async () => {
    const spy = spyOn(createMemoryStorage());
    const s = withReadCache(spy.storage);
    await s.put('k', Buffer.from('old'));
    spy.failPuts = true;
    await assert.rejects(s.put('k', Buffer.from('new')), /disk on fire/);
    assert.equal((await s.get('k'))?.toString(), 'old');
    assert.deepEqual(spy.gets, ['k']);
  });

  it('a slow miss racing a put never caches the stale miss', async () => {
    const spy = spyOn(createMemoryStorage());
    const s = withReadCache(spy.storage);
    let open: () => void = () => undefined;
    spy.gate = new Promise((resolve) => {
      open = resolve;
    });
    const slowGet = s.get('race'); // reads null from the backend, then waits at the gate
    const put = s.put('race', Buffer.from('fresh'));
    await new Promise((resolve) => setImmediate(resolve));
    open();
    assert.equal(await slowGet, null);
    await put;
    spy.gate = null;
    assert.equal((await s.get('race'))?.toString(), 'fresh');
  });

  it('list always goes to the backend', async () => {
    const inner = createMemoryStorage();
    const s = withReadCache(inner);
    await s.put('x/1', Buffer.from('1'));
    await inner.put('x/2', Buffer.from('2')); // behind the cache's back
    assert.deepEqual(await s.list('x/'), ['1', '2']);
  });

  it('refuses a size that is not a positive integer', () => {
    assert.throws(() => withReadCache(createMemoryStorage(), 0), /cache size/);
    assert.throws(() => withReadCache(createMemoryStorage(), 1.5), /cache size/);
  });
});
