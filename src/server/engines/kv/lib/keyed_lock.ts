// Per-key mutual exclusion for KV's read-modify-write sequences, as a plain function over the
// framework's keyed lock: callers on the same key run one after another; different keys concurrently.

import { createKeyedLock as createLock } from '../../../framework/index.js';

export type WithLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export function createKeyedLock(): WithLock {
  const lock = createLock();
  return (key, fn) => lock.run(key, fn);
}
