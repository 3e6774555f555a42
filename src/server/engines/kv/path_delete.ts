// `delete/<path>` soft-deletes the listed versions; `undelete/<path>` restores them (re-applying
// delete_version_after from now). Missing and destroyed versions are skipped silently, as in Vault.

import { badRequest, type FieldData, type PathDef, type Request } from '../../framework/index.js';
import { formatTime, isReached } from './lib/time.js';
import { versionsField } from './lib/versions_field.js';
import { scheduledDeletion } from './key_metadata.js';
import type { KvStore } from './store.js';
import type { KeyMetadata, VersionMetadata } from './types.js';

const fields = {
  path: { type: 'string', description: 'Location of the secret.' },
  versions: { type: 'strings', description: 'The versions to act on: a list of integers or a comma-separated string.' },
} as const;

/**
 * Applies `mark` to each listed version that exists, under the secret's lock, then stores the
 * metadata; a secret with no metadata is left alone.
 */
async function markVersions(
  store: KvStore,
  req: Request,
  f: FieldData,
  mark: (version: VersionMetadata, now: number, meta: KeyMetadata) => void,
): Promise<null> {
  const path = f.get<string>('path');
  const versions = versionsField(f);
  if (versions.length === 0) throw badRequest('No version number provided');
  return store.withLock(path, async () => {
    const meta = await store.getMeta(req.storage, path);
    if (meta === null) return null;
    const now = store.clock.now();
    for (const n of versions) {
      const vm = meta.versions[n];
      if (vm !== undefined) mark(vm, now, meta);
    }
    await store.putMeta(req.storage, meta);
    return null;
  });
}

export function pathsDelete(store: KvStore): PathDef[] {
  return [
    {
      pattern: 'delete/(?<path>.*)',
      fields,
      operations: {
        update: (req, f) =>
          markVersions(store, req, f, (vm, now) => {
            if (!vm.destroyed && !isReached(vm.deletion_time, now)) vm.deletion_time = formatTime(now);
          }),
      },
      help: 'Marks one or more versions as deleted in the KV store.',
    },
    {
      pattern: 'undelete/(?<path>.*)',
      fields,
      operations: {
        update: async (req, f) => {
          const config = await store.getConfig(req.storage);
          return markVersions(store, req, f, (vm, now, meta) => {
            if (!vm.destroyed) vm.deletion_time = scheduledDeletion(now, config, meta);
          });
        },
      },
      help: 'Undeletes one or more versions from the KV store.',
    },
  ];
}
