// Stores a new version of a secret (shared by data writes and patches): version data first, then
// the metadata that points at it, then removal of versions pushed out of the max_versions window.

import type { Response, StorageView } from '../../framework/index.js';
import { canonicalJson } from './lib/canonical_json.js';
import { formatTime } from './lib/time.js';
import { addVersion, scheduledDeletion, versionView } from './key_metadata.js';
import type { KvStore } from './store.js';
import type { KeyMetadata, KvConfig, VersionMetadata } from './types.js';

export async function writeVersion(
  store: KvStore,
  storage: StorageView,
  meta: KeyMetadata,
  data: Record<string, unknown>,
  config: KvConfig,
  isNew: boolean,
): Promise<Response> {
  const nowMs = store.clock.now();
  const vm: VersionMetadata = {
    created_time: formatTime(nowMs),
    deletion_time: scheduledDeletion(nowMs, config, meta),
    destroyed: false,
  };
  const path = meta.key;
  await store.putVersion(storage, path, meta.current_version + 1, canonicalJson(data));
  const versionToDelete = addVersion(meta, vm, config);
  if (isNew) await store.index.add(storage, await store.keys(storage), path);
  await store.putMeta(storage, meta);

  const res: Response = { data: versionView(meta, meta.current_version, vm) };
  // Like Vault: walk down from the newest pruned version while data still exists, delete oldest first.
  const stale: number[] = [];
  for (let v = versionToDelete; v > 0; v--) {
    if ((await store.getVersion(storage, path, v)) === null) break;
    stale.push(v);
  }
  try {
    for (let i = stale.length - 1; i >= 0; i--) await store.deleteVersion(storage, path, stale[i]!);
  } catch (e) {
    res.warnings = [`error occurred when cleaning up old versions, these will be cleaned up on next write: ${(e as Error).message}`];
  }
  return res;
}
