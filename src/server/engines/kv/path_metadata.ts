// `metadata/<path>`: read a secret's version history and settings, write or PATCH its settings
// (max_versions, cas_required, delete_version_after, custom_metadata) without creating a version,
// DELETE the secret with every version, and LIST the names in a folder.

import { badRequest, formatDuration, notFound, type FieldData, type Handler, type PathDef, type Response } from '../../framework/index.js';
import { listPrefix, listResponse } from './lib/list_prefix.js';
import { isPlainObject, mergePatch } from './lib/merge_patch.js';
import { formatTime } from './lib/time.js';
import { normalizeCustomMetadata, parseCustomMetadata, validateCustomMetadata } from './custom_metadata.js';
import { invalidPathResponse } from './path_invalid.js';
import type { KvStore } from './store.js';
import { newKeyMetadata, type KeyMetadata, type KvConfig } from './types.js';

/** `metadata` without a slash matches too, so LIST of the root works whether or not the client adds
 * the '/'; every other operation on it answers like Vault's invalid-path handler. */
const METADATA_PATTERN = 'metadata(?:/(?<path>.*))?';

function notOnRoot(handler: Handler): Handler {
  return async (req, fields) => (req.path === 'metadata' ? invalidPathResponse(req.path, req.operation) : handler(req, fields));
}

const CAS_IGNORED_WARNING = '"cas_required" set to false, but is mandated by backend config. This value will be ignored.';

function checkPath(path: string): void {
  if (path === '') throw badRequest('missing path');
  if (path.endsWith('/')) throw badRequest('path must not end with "/"');
}

function nonNegative(fields: FieldData, name: string): number {
  const n = fields.get<number>(name);
  if (n < 0) throw badRequest(`error converting input for field "${name}": cannot provide negative value ${n}`);
  return n;
}

function casWarning(fields: FieldData, config: KvConfig): Response | null {
  if (fields.has('cas_required') && config.cas_required && !fields.get<boolean>('cas_required')) {
    return { data: null, warnings: [CAS_IGNORED_WARNING] };
  }
  return null;
}

function metadataView(meta: KeyMetadata): Record<string, unknown> {
  const versions: Record<string, unknown> = {};
  for (const [n, v] of Object.entries(meta.versions)) {
    versions[n] = { created_time: v.created_time, deletion_time: v.deletion_time, destroyed: v.destroyed };
  }
  return {
    cas_required: meta.cas_required,
    created_time: meta.created_time,
    current_version: meta.current_version,
    custom_metadata: meta.custom_metadata,
    delete_version_after: formatDuration(meta.delete_version_after),
    max_versions: meta.max_versions,
    oldest_version: meta.oldest_version,
    updated_time: meta.updated_time,
    versions,
  };
}

export function pathMetadata(store: KvStore): PathDef {
  const write: Handler = async (req, fields) => {
    const path = fields.get<string>('path');
    checkPath(path);
    const m = fields.has('max_versions');
    const c = fields.has('cas_required');
    const d = fields.has('delete_version_after');
    const cm = fields.has('custom_metadata');
    if (!m && !c && !d && !cm) return null;
    const maxVersions = m ? nonNegative(fields, 'max_versions') : 0;
    const dva = d ? nonNegative(fields, 'delete_version_after') : 0;
    let customMetadata: Record<string, string> = {};
    if (cm) {
      customMetadata = parseCustomMetadata(fields.get<Record<string, unknown>>('custom_metadata'), false);
      validateCustomMetadata(customMetadata);
    }
    const config = await store.getConfig(req.storage);
    const res = casWarning(fields, config);
    return store.withLock(path, async () => {
      const existing = await store.getMeta(req.storage, path);
      const meta = existing ?? newKeyMetadata(path, formatTime(store.clock.now()));
      if (m) meta.max_versions = maxVersions;
      if (c) meta.cas_required = fields.get<boolean>('cas_required');
      if (d) meta.delete_version_after = dva;
      if (cm) meta.custom_metadata = normalizeCustomMetadata(customMetadata);
      if (existing === null) await store.index.add(req.storage, await store.keys(req.storage), path);
      await store.putMeta(req.storage, meta);
      return res;
    });
  };

  return {
    pattern: METADATA_PATTERN,
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      cas_required: { type: 'bool', description: "If true the key will require the cas parameter to be set on all write requests. If false, the backend's configuration will be used." },
      max_versions: { type: 'int', description: "The number of versions to keep. If not set, the backend's configured max version is used." },
      delete_version_after: { type: 'duration', description: "The length of time before a version is deleted. Cannot be greater than the backend's." },
      custom_metadata: { type: 'map', description: 'User-provided key-value pairs describing the secret.' },
    },
    existenceCheck: async (req, fields) => (await store.getMeta(req.storage, fields.get<string>('path'))) !== null,
    operations: {
      create: notOnRoot(write),
      update: notOnRoot(write),
      read: notOnRoot(async (req, fields) => {
        const meta = await store.getMeta(req.storage, fields.get<string>('path'));
        if (meta === null) throw notFound();
        return { data: metadataView(meta) };
      }),

      list: async (req, fields) => {
        const keys = await store.keys(req.storage);
        return listResponse(await store.index.list(req.storage, keys, listPrefix(fields.get<string>('path'))));
      },

      patch: notOnRoot(async (req, fields) => {
        const path = fields.get<string>('path');
        checkPath(path);
        const maxVersions = fields.has('max_versions') ? nonNegative(fields, 'max_versions') : undefined;
        const dva = fields.has('delete_version_after') ? nonNegative(fields, 'delete_version_after') : undefined;
        // custom_metadata merges key by key (null removes a key); a null custom_metadata clears it all.
        const cmRaw = fields.raw.custom_metadata;
        let cmPatch: Record<string, unknown> | null | undefined;
        if (cmRaw === null) cmPatch = null;
        else if (cmRaw !== undefined) {
          cmPatch = fields.get<Record<string, unknown>>('custom_metadata');
          validateCustomMetadata(parseCustomMetadata(cmPatch, true));
        }
        const config = await store.getConfig(req.storage);
        return store.withLock(path, async () => {
          const meta = await store.getMeta(req.storage, path);
          if (meta === null) throw notFound();
          if (maxVersions !== undefined) meta.max_versions = maxVersions;
          if (fields.has('cas_required') && fields.raw.cas_required !== null) meta.cas_required = fields.get<boolean>('cas_required');
          if (dva !== undefined) meta.delete_version_after = dva;
          if (cmPatch === null) meta.custom_metadata = null;
          else if (cmPatch !== undefined) {
            const merged = mergePatch(meta.custom_metadata ?? {}, cmPatch);
            const cm = parseCustomMetadata(isPlainObject(merged) ? merged : {}, true);
            validateCustomMetadata(cm);
            meta.custom_metadata = normalizeCustomMetadata(cm);
          }
          await store.putMeta(req.storage, meta);
          return casWarning(fields, config);
        });
      }),

      delete: notOnRoot(async (req, fields) => {
        const path = fields.get<string>('path');
        return store.withLock(path, async () => {
          const meta = await store.getMeta(req.storage, path);
          if (meta === null) return null;
          for (const n of Object.keys(meta.versions)) await store.deleteVersion(req.storage, path, Number(n));
          await store.deleteMeta(req.storage, path);
          await store.index.remove(req.storage, await store.keys(req.storage), path);
          return null;
        });
      }),
    },
    help: 'Allows interaction with key metadata and settings in the KV store.',
  };
}
