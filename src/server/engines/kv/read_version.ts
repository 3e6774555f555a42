// Reading one version of a KV v2 secret (the current one, or ?version=N), shared by data/ and
// subkeys/: missing secret or version -> 404; a deleted or destroyed version -> its metadata and no data.

import { internalError, notFound, type StorageView } from '../../framework/index.js';
import { isUnreadable, versionView } from './key_metadata.js';
import type { KvStore } from './store.js';

export interface VersionRead {
  metadata: Record<string, unknown>;
  /** The version's parsed data; null when it is deleted or destroyed. */
  data: Record<string, unknown> | null;
}

export async function readVersion(store: KvStore, storage: StorageView, path: string, asked: number): Promise<VersionRead> {
  const meta = await store.getMeta(storage, path);
  if (meta === null) throw notFound();
  const version = asked > 0 ? asked : meta.current_version;
  const vm = meta.versions[version];
  if (vm === undefined) throw notFound();
  const metadata = versionView(meta, version, vm);
  if (isUnreadable(vm, store.clock.now())) return { metadata, data: null };
  const raw = await store.getVersion(storage, path, version);
  if (raw === null) throw internalError('could not find version data');
  return { metadata, data: JSON.parse(raw.toString('utf8')) as Record<string, unknown> };
}
