// JSON helpers over a StorageView: most backends store small JSON documents.

import type { StorageView } from './types.js';

export async function getJson<T>(storage: StorageView, key: string): Promise<T | null> {
  const buf = await storage.get(key);
  return buf === null ? null : (JSON.parse(buf.toString('utf8')) as T);
}

export async function putJson(storage: StorageView, key: string, value: unknown): Promise<void> {
  await storage.put(key, Buffer.from(JSON.stringify(value), 'utf8'));
}

/** Every key below prefix, recursively, as paths relative to prefix. */
export async function listRecursive(storage: StorageView, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await storage.list(prefix)) {
    if (entry.endsWith('/')) for (const sub of await listRecursive(storage, prefix + entry)) out.push(entry + sub);
    else out.push(entry);
  }
  return out;
}

/** A view of another view under a sub-prefix. */
export function subView(storage: StorageView, prefix: string): StorageView {
  return {
    get: (k) => storage.get(prefix + k),
    put: (k, v) => storage.put(prefix + k, v),
    delete: (k) => storage.delete(prefix + k),
    list: (p) => storage.list(prefix + p),
  };
}
