// Catch-all for a KV v2 mount, matched last: paths that are not config/data/metadata/... (usually a
// KV v1-style path such as `secret/foo`) answer 404 with Vault's hint to use the `kv` commands.

import type { Operation, PathDef, Response } from '../../framework/index.js';

const ROOTS = new Set(['metadata', 'data', 'delete', 'undelete', 'destroy']);

const SUBCOMMAND: Record<Operation, string> = {
  create: 'put',
  update: 'put',
  patch: 'patch',
  read: 'get',
  list: 'list',
  delete: 'delete',
};

export function invalidPathResponse(path: string, operation: Operation): Response {
  const warning = ROOTS.has(path)
    ? 'Non-listing operations on the root of a K/V v2 mount are not supported.'
    : `Invalid path for a versioned K/V secrets engine. See the API docs for the appropriate API endpoints to use. If using the Vault CLI, use 'vault kv ${SUBCOMMAND[operation]}' for this operation.`;
  return { status: 404, data: null, warnings: [warning] };
}

export function pathInvalid(): PathDef {
  const handler = async (req: { path: string; operation: Operation }): Promise<Response> => invalidPathResponse(req.path, req.operation);
  return {
    pattern: '.*',
    allowUnknownFields: true,
    operations: { read: handler, create: handler, update: handler, patch: handler, delete: handler, list: handler },
  };
}
