// `delete/<path>` soft-deletes the listed versions; `undelete/<path>` restores them (re-applying
// delete_version_after from now). Missing and destroyed versions are skipped silently, as in Vault.

import { badRequest, type PathDef } from '../../framework/index.js';
import { formatTime, isReached } from './lib/time.js';
import { versionsField } from './lib/versions_field.js';
import { scheduledDeletion } from './key_metadata.js';
import type { KvStore } from './store.js';

const fields = {
  path: { type: 'string', description: 'Location of the secret.' },
  versions: { type: 'strings', description: 'The versions to act on: a list of integers or a comma-separated string.' },
} as const;

export function pathsDelete(store: KvStore): PathDef[] {
  return [
    {
      pattern: 'delete/(?<path>.*)',
      fields,
      operations: {
        update: async (req, f) => {
          const path = f.get<string>('path');
          const versions = versionsField(f);
          if (versions.length === 0) throw badRequest('No version number provided');
          return store.withLock(path, async () => {
            const meta = await store.getMeta(req.storage, path);
            if (meta === null) return null;
            const now = store.clock.now();
            for (const n of versions) {
              const vm = meta.versions[n];
              if (vm === undefined || vm.destroyed || isReached(vm.deletion_time, now)) continue;
              vm.deletion_time = formatTime(now);
            }
            await store.putMeta(req.storage, meta);
            return null;
          });
        },
      },
      help: 'Marks one or more versions as deleted in the KV store.',
    },
    {
      pattern: 'undelete/(?<path>.*)',
      fields,
      operations: {
        update: async (req, f) => {
          const path = f.get<string>('path');
          const versions = versionsField(f);
          if (versions.length === 0) throw badRequest('No version number provided');
          const config = await store.getConfig(req.storage);
          return store.withLock(path, async () => {
            const meta = await store.getMeta(req.storage, path);
            if (meta === null) return null;
            const now = store.clock.now();
            for (const n of versions) {
              const vm = meta.versions[n];
              if (vm === undefined || vm.destroyed) continue;
              vm.deletion_time = scheduledDeletion(now, config, meta);
            }
            await store.putMeta(req.storage, meta);
            return null;
          });
        },
      },
      help: 'Undeletes one or more versions from the KV store.',
    },
  ];
}
