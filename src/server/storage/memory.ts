// In-memory physical backend (Vault's "inmem"): for dev mode and tests; nothing survives the process.
// Keys are listed from a sorted array (UTF-8 byte order, like the SQL backends), so list() jumps
// over each child folder with a binary search instead of scanning unrelated keys. The array is
// rebuilt lazily on the first list() after keys were added or removed, so writes stay O(1).

import type { PhysicalStorage } from './types.js';
import {
  assertOpen,
  compareKeys,
  firstFolder,
  folderUpperBound,
  validateKey,
  validatePrefix,
  validateValue,
} from './keys.js';

/** Index of the first element of `sorted` that is >= `target`. */
function lowerBound(sorted: readonly string[], target: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(sorted[mid] as string, target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createMemoryStorage(): PhysicalStorage {
  const values = new Map<string, Buffer>();
  let sorted: string[] | null = [];
  const sortedKeys = (): string[] => (sorted ??= [...values.keys()].sort(compareKeys));
  let closed = false;

  return {
    async get(key) {
      assertOpen(closed, 'memory');
      validateKey(key);
      const value = values.get(key);
      return value === undefined ? null : Buffer.from(value);
    },

    async put(key, value) {
      assertOpen(closed, 'memory');
      validateKey(key);
      validateValue(value);
      if (!values.has(key)) sorted = null;
      values.set(key, Buffer.from(value));
    },

    async delete(key) {
      assertOpen(closed, 'memory');
      validateKey(key);
      if (values.delete(key)) sorted = null;
    },

    async list(prefix) {
      assertOpen(closed, 'memory');
      validatePrefix(prefix);
      const result: string[] = [];
      const keys = sortedKeys();
      let i = lowerBound(keys, prefix);
      while (i < keys.length) {
        const key = keys[i] as string;
        if (!key.startsWith(prefix)) break;
        const rest = key.slice(prefix.length);
        if (!rest.includes('/')) {
          result.push(rest);
          i++;
          continue;
        }
        const folder = firstFolder(rest);
        result.push(folder);
        i = lowerBound(keys, folderUpperBound(prefix + folder));
      }
      // Keys are in byte order, and a child's name sorts like the key it came from.
      return result;
    },

    async close() {
      closed = true;
      values.clear();
      sorted = [];
    },
  };
}
