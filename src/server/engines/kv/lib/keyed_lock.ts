// Per-key mutual exclusion for async read-modify-write sequences (Vault's locksutil.LockForKey):
// callers on the same key run one after another; different keys run concurrently.

export type WithLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function createKeyedLock(): WithLock {
  const tails = new Map<string, Promise<void>>();
  return async <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const prev = tails.get(key);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = prev ? prev.then(() => mine) : mine;
    tails.set(key, tail);
    if (prev) await prev;
    try {
      return await fn();
    } finally {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
