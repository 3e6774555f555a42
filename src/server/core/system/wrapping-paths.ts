// sys/wrapping/wrap, unwrap, lookup and rewrap: response wrapping by hand, with Vault's shapes.

import type { Core } from '../core.js';
import type { PathDef } from '../../framework/types.js';
import { badRequest } from '../../framework/errors.js';
import { unwrap, wrapData, wrappingTokenEntry } from '../wrapping.js';

export function wrappingPaths(core: Core): PathDef[] {
  const tokenField = { token: { type: 'string' as const } };
  return [
    {
      pattern: 'wrapping/wrap',
      allowUnknownFields: true,
      operations: {
        // The core's wrapping step does the work; this only insists that a wrap TTL was given.
        update: async (r) => {
          if (!(r.wrapTtl && r.wrapTtl > 0)) throw badRequest('wrapping/wrap requires a wrap TTL: send the X-Vault-Wrap-TTL header');
          return { data: r.data };
        },
      },
    },
    {
      pattern: 'wrapping/unwrap',
      unauthenticated: true,
      fields: tokenField,
      operations: {
        update: async (r, f) => {
          const token = f.get<string>('token') || r.clientToken || '';
          const body = await unwrap(core, token);
          return { data: body.data, issuedAuth: body.auth ? { ...body.auth } : undefined, leaseOverride: { leaseId: body.lease_id, leaseDuration: body.lease_duration, renewable: body.renewable }, warnings: body.warnings ?? undefined };
        },
      },
    },
    {
      pattern: 'wrapping/lookup',
      unauthenticated: true,
      fields: tokenField,
      operations: {
        update: async (r, f) => {
          const e = await wrappingTokenEntry(core, f.get<string>('token') || r.clientToken || '');
          return {
            data: {
              creation_path: e.internalData?.creationPath ?? '',
              creation_time: new Date(e.creationTime * 1000).toISOString(),
              creation_ttl: e.creationTtl,
            },
          };
        },
      },
    },
    {
      pattern: 'wrapping/rewrap',
      fields: tokenField,
      operations: {
        update: async (_r, f) => {
          const token = f.get<string>('token');
          const e = await wrappingTokenEntry(core, token);
          const creationPath = String(e.internalData?.creationPath ?? 'sys/wrapping/rewrap');
          const body = await unwrap(core, token);
          const info = await wrapData(core, body, e.creationTtl, creationPath);
          return { data: null, wrapInfo: info };
        },
      },
    },
  ];
}
