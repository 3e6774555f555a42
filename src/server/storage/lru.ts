// A bounded least-recently-used map: a Map keeps insertion order, so re-inserting on every
// hit moves an entry to the back and the front is always the least recently used.

export interface Lru<V> {
  /** The value and whether it was present (a cached value may itself be null). */
  get(key: string): { hit: true; value: V } | { hit: false };
  set(key: string, value: V): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

export function createLru<V>(capacity: number): Lru<V> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`cache size must be a positive integer, got ${capacity}`);
  }
  const entries = new Map<string, V>();
  return {
    get(key) {
      if (!entries.has(key)) return { hit: false };
      const value = entries.get(key) as V;
      entries.delete(key);
      entries.set(key, value);
      return { hit: true, value };
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > capacity) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
    },
    delete(key) {
      entries.delete(key);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
