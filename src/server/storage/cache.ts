// An LRU read cache in front of any PhysicalStorage, like Vault's physical cache: get() results
// (misses too) are kept for `size` keys and updated by put/delete; list() always goes through.
// Values are the barrier's ciphertext, so the cache holds nothing the backend doesn't.
// A miss, put and delete of the same key are serialized so a slow read can't cache a stale value.

import type { PhysicalStorage } from './types.js';
import { assertOpen, validateKey, validateValue } from './keys.js';
import { createKeyLock } from './key_lock.js';
import { createLru } from './lru.js';

/** Vault's default cache_size. */
export const DEFAULT_CACHE_SIZE = 131072;

export function withReadCache(inner: PhysicalStorage, size: number = DEFAULT_CACHE_SIZE): PhysicalStorage {
  const cache = createLru<Buffer | null>(size);
  const lock = createKeyLock();
  let closed = false;

  const copy = (value: Buffer | null): Buffer | null => (value === null ? null : Buffer.from(value));

  /** Runs a write, then records its outcome; if it fails the backend state is unknown, so forget the key. */
  async function write(key: string, work: () => Promise<void>, after: Buffer | null): Promise<void> {
    await lock(key, async () => {
      try {
        await work();
      } catch (err) {
        cache.delete(key);
        throw err;
      }
      cache.set(key, after);
    });
  }

  return {
    async get(key) {
      assertOpen(closed, 'cached');
      validateKey(key);
      const cached = cache.get(key);
      if (cached.hit) return copy(cached.value);
      return lock(key, async () => {
        const again = cache.get(key);
        if (again.hit) return copy(again.value);
        const value = await inner.get(key);
        cache.set(key, copy(value));
        return value;
      });
    },

    async put(key, value) {
      assertOpen(closed, 'cached');
      validateKey(key);
      validateValue(value);
      const kept = Buffer.from(value);
      await write(key, () => inner.put(key, value), kept);
    },

    async delete(key) {
      assertOpen(closed, 'cached');
      validateKey(key);
      await write(key, () => inner.delete(key), null);
    },

    async list(prefix) {
      assertOpen(closed, 'cached');
      return inner.list(prefix);
    },

    async close() {
      if (closed) return;
      closed = true;
      cache.clear();
      await inner.close();
    },
  };
}
