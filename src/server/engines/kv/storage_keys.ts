// Names KV v2's storage keys without revealing secret paths. A random 32-byte salt, created on first
// use and kept (barrier-encrypted) at `salt`, keys an HMAC-SHA256 of each path, so the raw database
// shows neither a secret's name nor which versions belong to which secret:
//   metadata/<hmac("m|" + path)>        one KeyMetadata JSON per secret
//   versions/<hmac("v|" + path + "|" + n)>  the data of version n, as JSON
//   index/<hmac("d|" + folder)>         the names directly inside a folder, for LIST (see list_index.ts)

import { randomBytes } from 'node:crypto';
import { hmacSha256Hex } from '../../framework/index.js';
import type { StorageView } from '../../framework/index.js';

const SALT_KEY = 'salt';
const NAME_CACHE_LIMIT = 8192;

export interface StorageKeys {
  meta(path: string): string;
  version(path: string, version: number): string;
  folder(folder: string): string;
}

function keysFor(salt: Buffer): StorageKeys {
  const mac = hmacSha256Hex(salt);
  // Reads hash the same few names over and over; remember recent ones (cleared when full).
  const cache = new Map<string, string>();
  const named = (input: string, prefix: string): string => {
    let k = cache.get(input);
    if (k === undefined) {
      if (cache.size >= NAME_CACHE_LIMIT) cache.clear();
      k = prefix + mac(input);
      cache.set(input, k);
    }
    return k;
  };
  return {
    meta: (path) => named(`m|${path}`, 'metadata/'),
    version: (path, version) => named(`v|${path}|${version}`, 'versions/'),
    folder: (folder) => `index/${mac(`d|${folder}`)}`,
  };
}

/** Loads the mount's salt, creating it on first use. */
export async function loadStorageKeys(storage: StorageView): Promise<StorageKeys> {
  let salt = await storage.get(SALT_KEY);
  if (salt === null) {
    salt = randomBytes(32);
    await storage.put(SALT_KEY, salt);
  }
  return keysFor(salt);
}
