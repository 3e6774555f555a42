// KV v2's access to its storage view: the mount config (cached in memory after the first read),
// per-secret metadata and version data under hashed keys, the LIST index and per-secret locks.
// Reads take no lock: writers store version data before the metadata that points at it, and
// update metadata before removing data, so a reader never follows a dangling version.

import type { Clock, StorageView } from '../../framework/index.js';
import { createKeyedLock, type WithLock } from './lib/keyed_lock.js';
import { createListIndex, type ListIndex } from './list_index.js';
import { loadStorageKeys, type StorageKeys } from './storage_keys.js';
import { emptyConfig, type KeyMetadata, type KvConfig } from './types.js';

const CONFIG_KEY = 'config';

export interface KvStore {
  clock: Clock;
  withLock: WithLock;
  index: ListIndex;
  keys(storage: StorageView): Promise<StorageKeys>;
  getConfig(storage: StorageView): Promise<KvConfig>;
  putConfig(storage: StorageView, config: KvConfig): Promise<void>;
  getMeta(storage: StorageView, path: string): Promise<KeyMetadata | null>;
  putMeta(storage: StorageView, meta: KeyMetadata): Promise<void>;
  deleteMeta(storage: StorageView, path: string): Promise<void>;
  getVersion(storage: StorageView, path: string, version: number): Promise<Buffer | null>;
  putVersion(storage: StorageView, path: string, version: number, data: Buffer): Promise<void>;
  deleteVersion(storage: StorageView, path: string, version: number): Promise<void>;
}

export function createKvStore(clock: Clock): KvStore {
  const withLock = createKeyedLock();
  let keysCache: StorageKeys | null = null;
  let keysLoading: Promise<StorageKeys> | null = null;
  let config: KvConfig | null = null;

  const keys = (storage: StorageView): Promise<StorageKeys> => {
    if (keysCache) return Promise.resolve(keysCache);
    keysLoading ??= loadStorageKeys(storage).then(
      (k) => (keysCache = k),
      (e: unknown) => {
        keysLoading = null;
        throw e;
      },
    );
    return keysLoading;
  };

  return {
    clock,
    withLock,
    index: createListIndex(withLock),
    keys,
    async getConfig(storage) {
      if (!config) {
        const buf = await storage.get(CONFIG_KEY);
        config = buf === null ? emptyConfig() : { ...emptyConfig(), ...(JSON.parse(buf.toString('utf8')) as Partial<KvConfig>) };
      }
      return { ...config };
    },
    async putConfig(storage, next) {
      await storage.put(CONFIG_KEY, Buffer.from(JSON.stringify(next), 'utf8'));
      config = { ...next };
    },
    async getMeta(storage, path) {
      const k = await keys(storage);
      const buf = await storage.get(k.meta(path));
      return buf === null ? null : (JSON.parse(buf.toString('utf8')) as KeyMetadata);
    },
    async putMeta(storage, meta) {
      const k = await keys(storage);
      await storage.put(k.meta(meta.key), Buffer.from(JSON.stringify(meta), 'utf8'));
    },
    async deleteMeta(storage, path) {
      const k = await keys(storage);
      await storage.delete(k.meta(path));
    },
    async getVersion(storage, path, version) {
      const k = await keys(storage);
      return storage.get(k.version(path, version));
    },
    async putVersion(storage, path, version, data) {
      const k = await keys(storage);
      await storage.put(k.version(path, version), data);
    },
    async deleteVersion(storage, path, version) {
      const k = await keys(storage);
      await storage.delete(k.version(path, version));
    },
  };
}
