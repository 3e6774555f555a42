// `subkeys/<path>`: the structure of a version's data with every leaf value replaced by null
// (`depth` > 0 cuts the tree at that level), plus the same version metadata a data read returns.

import { internalError, notFound, type PathDef } from '../../framework/index.js';
import { isPlainObject } from './lib/merge_patch.js';
import { isUnreadable, versionView } from './key_metadata.js';
import type { KvStore } from './store.js';

/** Leaves (non-objects and empty objects) become null; objects at `maxDepth` become null too (0 = no limit). */
export function removeValues(input: Record<string, unknown>, maxDepth: number, depth = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    const next = depth + 1;
    out[k] = isPlainObject(v) && Object.keys(v).length > 0 && (maxDepth === 0 || next <= maxDepth) ? removeValues(v, maxDepth, next) : null;
  }
  return out;
}

export function pathSubkeys(store: KvStore): PathDef {
  return {
    pattern: 'subkeys/(?<path>.*)',
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      version: { type: 'int', description: 'Which version to read; the current version if not provided.' },
      depth: { type: 'int', description: 'The maximum depth to traverse. No limit if not provided or 0.' },
    },
    operations: {
      read: async (req, fields) => {
        const path = fields.get<string>('path');
        const meta = await store.getMeta(req.storage, path);
        if (meta === null) throw notFound();
        const asked = fields.get<number>('version');
        const version = asked > 0 ? asked : meta.current_version;
        const vm = meta.versions[version];
        if (vm === undefined) throw notFound();
        const metadata = versionView(meta, version, vm);
        if (isUnreadable(vm, store.clock.now())) return { status: 404, data: { metadata, subkeys: null } };
        const raw = await store.getVersion(req.storage, path, version);
        if (raw === null) throw internalError('could not find version data');
        const data = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
        return { data: { metadata, subkeys: removeValues(data, fields.get<number>('depth')) } };
      },
    },
    help: 'Read the structure of a secret entry from the Key-Value store with the values removed.',
  };
}
