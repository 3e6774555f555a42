// `subkeys/<path>`: the structure of a version's data with every leaf value replaced by null
// (`depth` > 0 cuts the tree at that level), plus the same version metadata a data read returns.

import type { PathDef } from '../../framework/index.js';
import { isPlainObject } from './lib/merge_patch.js';
import type { KvStore } from './store.js';
import { readVersion } from './read_version.js';

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
        const { metadata, data } = await readVersion(store, req.storage, fields.get<string>('path'), fields.get<number>('version'));
        if (data === null) return { status: 404, data: { metadata, subkeys: null } };
        return { data: { metadata, subkeys: removeValues(data, fields.get<number>('depth')) } };
      },
    },
    help: 'Read the structure of a secret entry from the Key-Value store with the values removed.',
  };
}
