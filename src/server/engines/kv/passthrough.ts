// KV version 1 (Vault's passthrough backend), also the body of cubbyhole: any JSON fields stored
// as-is under the secret's own path (plain storage keys, like Vault's v1, so LIST is storage.list).
// With `advisoryTtl`, reads report the data's `ttl` (or `lease`) field, else the mount's default
// lease TTL, as the lease duration; no lease is created (see `secret` below).

import { badRequest, notFound, parseDurationSeconds, type Backend, type Handler, type PathDef, type Response, type SystemView } from '../../framework/index.js';
import { canonicalJson } from './lib/canonical_json.js';
import { listPrefix, listResponse } from './lib/list_prefix.js';

export interface PassthroughOptions {
  /** Report an advisory TTL on reads (KV v1); cubbyhole does not. */
  advisoryTtl?: SystemView;
  help: string;
}

function advisoryTtl(data: Record<string, unknown>, system: SystemView): number {
  const raw = data.ttl !== undefined ? data.ttl : data.lease;
  if (raw !== undefined) {
    try {
      return parseDurationSeconds(raw);
    } catch {
      /* an unparseable ttl falls back to the mount default, as in Vault */
    }
  }
  return system.defaultLeaseTtl();
}

/** A secret's path names one entry: not the mount itself, not a folder (those end with '/'). */
const isEntryPath = (path: string): boolean => path !== '' && !path.endsWith('/');

export function passthroughPath(opts: PassthroughOptions): PathDef {
  const write: Handler = async (req, fields) => {
    const path = fields.get<string>('path');
    if (path === '') throw badRequest('missing path');
    if (!isEntryPath(path)) throw badRequest(`"${path}" names a folder: a secret's path must not end with "/"`);
    if (Object.keys(req.data).length === 0) throw badRequest('missing data fields');
    await req.storage.put(path, canonicalJson(req.data));
    return null;
  };

  return {
    pattern: '(?<path>.*)',
    fields: { path: { type: 'string', description: 'Location of the secret.' } },
    allowUnknownFields: true,
    existenceCheck: async (req, fields) => {
      const path = fields.get<string>('path');
      return isEntryPath(path) && (await req.storage.get(path)) !== null;
    },
    operations: {
      create: write,
      update: write,
      read: async (req, fields) => {
        const path = fields.get<string>('path');
        const buf = isEntryPath(path) ? await req.storage.get(path) : null;
        if (buf === null) throw notFound();
        const data = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
        const res: Response = { data };
        // Vault reports a KV secret's TTL as lease_duration but never registers a lease for it.
        if (opts.advisoryTtl) res.leaseDuration = advisoryTtl(data, opts.advisoryTtl);
        return res;
      },
      delete: async (req, fields) => {
        const path = fields.get<string>('path');
        if (!isEntryPath(path)) throw badRequest(`"${path}" is not a secret: delete the secrets under a folder one by one`);
        await req.storage.delete(path);
        return null;
      },
      list: async (req, fields) => listResponse(await req.storage.list(listPrefix(fields.get<string>('path')))),
    },
    help: opts.help,
  };
}

export async function passthroughBackend(system: SystemView): Promise<Backend> {
  return {
    paths: [
      passthroughPath({
        advisoryTtl: system,
        help: 'Pass-through secret storage to the storage backend, allowing you to read/write arbitrary data into secret storage.',
      }),
    ],
  };
}
