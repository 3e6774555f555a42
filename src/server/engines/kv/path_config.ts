// `config`: the mount-wide KV v2 settings (max_versions, cas_required, delete_version_after).
// A negative delete_version_after disables it for every key; 0 clears it.

import { badRequest, formatDuration, type PathDef } from '../../framework/index.js';
import type { KvStore } from './store.js';
import { DELETE_VERSION_AFTER_DISABLED } from './types.js';

export function pathConfig(store: KvStore): PathDef {
  return {
    pattern: 'config',
    fields: {
      max_versions: { type: 'int', description: 'The number of versions to keep for each key. Defaults to 10' },
      cas_required: { type: 'bool', description: 'If true, the backend will require the cas parameter to be set for each write' },
      delete_version_after: {
        type: 'duration',
        description: 'If set, the length of time before a version is deleted. A negative duration disables it; zero clears it.',
      },
    },
    operations: {
      read: async (req) => {
        const c = await store.getConfig(req.storage);
        return {
          data: {
            cas_required: c.cas_required,
            delete_version_after: formatDuration(c.delete_version_after),
            max_versions: c.max_versions,
          },
        };
      },
      update: async (req, fields) => {
        const m = fields.has('max_versions');
        const c = fields.has('cas_required');
        const d = fields.has('delete_version_after');
        if (!m && !c && !d) return null;
        const config = await store.getConfig(req.storage);
        if (m) {
          const max = fields.get<number>('max_versions');
          if (max < 0) throw badRequest('max_versions must be zero or a positive integer');
          config.max_versions = max;
        }
        if (c) config.cas_required = fields.get<boolean>('cas_required');
        if (d) {
          const dva = fields.get<number>('delete_version_after');
          config.delete_version_after = dva < 0 ? DELETE_VERSION_AFTER_DISABLED : dva;
        }
        await store.putConfig(req.storage, config);
        return null;
      },
    },
    help: 'Configures settings for the KV store',
  };
}
