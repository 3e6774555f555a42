// `data/<path>`: read a version (?version=N), write a new version (options.cas + data), PATCH the
// current version with a JSON merge patch, DELETE = soft-delete the latest version.
// The read is the hot path: one metadata get, one version get, one JSON.parse of each.

import { badRequest, internalError, notFound, type FieldData, type Handler, type PathDef, type Response } from '../../framework/index.js';
import { isPlainObject, mergePatch } from './lib/merge_patch.js';
import { formatTime, isReached } from './lib/time.js';
import { checkAndSet } from './check_and_set.js';
import { isUnreadable, versionView } from './key_metadata.js';
import type { KvStore } from './store.js';
import { newKeyMetadata } from './types.js';
import { writeVersion } from './write_version.js';
import { readVersion } from './read_version.js';

/** Vault's data path matches any non-empty path that does not end in '/'. */
const DATA_PATTERN = 'data/(?<path>.*?[^/])';

function dataField(fields: FieldData): Record<string, unknown> {
  const raw = fields.raw.data;
  if (raw === undefined || raw === null) throw badRequest('no data provided');
  return fields.get<Record<string, unknown>>('data');
}

export function pathData(store: KvStore): PathDef {
  const write: Handler = async (req, fields) => {
    const path = fields.get<string>('path');
    const config = await store.getConfig(req.storage);
    const data = dataField(fields);
    return store.withLock(path, async () => {
      const existing = await store.getMeta(req.storage, path);
      const meta = existing ?? newKeyMetadata(path, '');
      checkAndSet(fields, config, meta);
      return writeVersion(store, req.storage, meta, data, config, existing === null);
    });
  };

  return {
    pattern: DATA_PATTERN,
    fields: {
      path: { type: 'string', description: 'Location of the secret.' },
      version: { type: 'int', description: 'If provided during a read, the value at the version number will be returned' },
      options: { type: 'map', description: 'Options for writing a KV entry; "cas" makes the write a check-and-set.' },
      data: { type: 'map', description: 'The contents of the data map will be stored and returned on read.' },
    },
    existenceCheck: async (req, fields) => (await store.getMeta(req.storage, fields.get<string>('path'))) !== null,
    operations: {
      create: write,
      update: write,
      read: async (req, fields) => {
        const { metadata, data } = await readVersion(store, req.storage, fields.get<string>('path'), fields.get<number>('version'));
        if (data === null) return { status: 404, data: { data: null, metadata } };
        return { data: { data, metadata } };
      },

      patch: async (req, fields) => {
        const path = fields.get<string>('path');
        const patch = dataField(fields);
        return store.withLock(path, async (): Promise<Response> => {
          const meta = await store.getMeta(req.storage, path);
          if (meta === null) throw notFound();
          const config = await store.getConfig(req.storage);
          checkAndSet(fields, config, meta);
          const version = meta.current_version;
          const vm = meta.versions[version];
          if (vm === undefined) throw notFound();
          // Unlike a read, a refused patch reports the version metadata flat, as Vault does.
          if (isUnreadable(vm, store.clock.now())) return { status: 404, data: versionView(meta, version, vm) };
          const raw = await store.getVersion(req.storage, path, version);
          if (raw === null) throw internalError('could not find version data');
          const merged = mergePatch(JSON.parse(raw.toString('utf8')) as unknown, patch);
          if (!isPlainObject(merged)) throw internalError('patched data is not an object');
          return writeVersion(store, req.storage, meta, merged, config, false);
        });
      },

      delete: async (req, fields) => {
        const path = fields.get<string>('path');
        return store.withLock(path, async () => {
          const meta = await store.getMeta(req.storage, path);
          if (meta === null) return null;
          const lv = meta.versions[meta.current_version];
          const now = store.clock.now();
          if (lv === undefined || lv.destroyed || isReached(lv.deletion_time, now)) return null;
          lv.deletion_time = formatTime(now);
          await store.putMeta(req.storage, meta);
          return null;
        });
      },
    },
    help: 'Write, Patch, Read, and Delete data in the Key-Value Store.',
  };
}
