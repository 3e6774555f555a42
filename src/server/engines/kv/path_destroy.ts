// `destroy/<path>`: permanently removes the data of the listed versions; their metadata stays,
// marked destroyed, so reads of them answer 404 with `destroyed: true`.

import { badRequest, type PathDef } from '../../framework/index.js';
import { versionsField } from './lib/versions_field.js';
import type { KvStore } from './store.js';

export function pathDestroy(store: KvStore): PathDef {
  return {
    pattern: 'destroy/(?<path>.*)',
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      versions: { type: 'strings', description: 'The versions to destroy. Their data will be permanently deleted.' },
    },
    operations: {
      update: async (req, f) => {
        const path = f.get<string>('path');
        const versions = versionsField(f);
        if (versions.length === 0) throw badRequest('no version number provided');
        return store.withLock(path, async () => {
          const meta = await store.getMeta(req.storage, path);
          if (meta === null) return null;
          for (const n of versions) {
            const vm = meta.versions[n];
            if (vm !== undefined) vm.destroyed = true;
          }
          // Metadata first, so no reader is pointed at data that is about to go.
          await store.putMeta(req.storage, meta);
          for (const n of versions) await store.deleteVersion(req.storage, path, n);
          return null;
        });
      },
    },
    help: 'Permanently removes one or more versions in the KV store',
  };
}
