// The encrypted LIST index of KV v2. Storage keys are hashes (storage_keys.ts), so storage.list()
// cannot name secrets; instead each non-empty folder ("" for the root, else "a/b/") has one entry
// holding the sorted names directly inside it: secrets as "name", sub-folders as "name/". A folder
// appears in its parent while it holds anything. Entries change only when a secret's metadata is
// created or removed, never on ordinary version writes, under one mount-wide lock.
// Crash safety: names are added before the metadata is written and removed after it is deleted,
// so the index may list a name that no longer exists but never hides one that does.

import type { StorageView } from '../../framework/index.js';
import type { WithLock } from './lib/keyed_lock.js';
import type { StorageKeys } from './storage_keys.js';

interface FolderEntry {
  keys: string[];
}

const INDEX_LOCK = '\u0000index';

function split(path: string): { folder: string; name: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { folder: '', name: path } : { folder: path.slice(0, i + 1), name: path.slice(i + 1) };
}

/** "a/b/" -> { folder: "a/", name: "b/" } */
function parentOf(folder: string): { folder: string; name: string } {
  const p = split(folder.slice(0, -1));
  return { folder: p.folder, name: `${p.name}/` };
}

async function readFolder(storage: StorageView, key: string): Promise<string[]> {
  const buf = await storage.get(key);
  return buf === null ? [] : (JSON.parse(buf.toString('utf8')) as FolderEntry).keys;
}

async function writeFolder(storage: StorageView, key: string, keys: string[]): Promise<void> {
  if (keys.length === 0) await storage.delete(key);
  else await storage.put(key, Buffer.from(JSON.stringify({ keys } satisfies FolderEntry), 'utf8'));
}

function insertSorted(keys: string[], name: string): boolean {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  if (keys[lo] === name) return false;
  keys.splice(lo, 0, name);
  return true;
}

export interface ListIndex {
  add(storage: StorageView, keys: StorageKeys, path: string): Promise<void>;
  remove(storage: StorageView, keys: StorageKeys, path: string): Promise<void>;
  list(storage: StorageView, keys: StorageKeys, folder: string): Promise<string[]>;
}

export function createListIndex(withLock: WithLock): ListIndex {
  return {
    add: (storage, keys, path) =>
      withLock(INDEX_LOCK, async () => {
        let at = split(path);
        for (;;) {
          const key = keys.folder(at.folder);
          const names = await readFolder(storage, key);
          const wasEmpty = names.length === 0;
          if (!insertSorted(names, at.name)) return;
          await writeFolder(storage, key, names);
          if (!wasEmpty || at.folder === '') return;
          at = parentOf(at.folder);
        }
      }),
    remove: (storage, keys, path) =>
      withLock(INDEX_LOCK, async () => {
        let at = split(path);
        for (;;) {
          const key = keys.folder(at.folder);
          const names = await readFolder(storage, key);
          const i = names.indexOf(at.name);
          if (i < 0) return;
          names.splice(i, 1);
          await writeFolder(storage, key, names);
          if (names.length > 0 || at.folder === '') return;
          at = parentOf(at.folder);
        }
      }),
    list: (storage, keys, folder) => readFolder(storage, keys.folder(folder)),
  };
}
