// sys/leases/lookup, renew, revoke, revoke-prefix, revoke-force (and the legacy sys/renew, sys/revoke): lease
// management with Vault's request fields and response shapes.

import type { Core } from '../core.js';
import type { PathDef, Response } from '../../framework/types.js';
import { badRequest } from '../../framework/errors.js';
import type { LeaseView } from '../../expiration/manager.js';

const iso = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

function lookupData(v: LeaseView): Record<string, unknown> {
  return { id: v.id, issue_time: iso(v.issueTime), expire_time: iso(v.expireTime), last_renewal: iso(v.lastRenewal), renewable: v.renewable, ttl: v.ttl };
}

export function leasePaths(core: Core): PathDef[] {
  const leaseIdField = { lease_id: { type: 'string' as const }, url_lease_id: { type: 'string' as const }, increment: { type: 'duration' as const }, sync: { type: 'bool' as const } };
  const renew = async (id: string, increment: number): Promise<Response> => {
    if (!id) throw badRequest('lease_id must be specified');
    const v = await core.expiration.renew(id, increment);
    return { data: null, leaseOverride: { leaseId: v.id, leaseDuration: v.ttl, renewable: v.renewable } };
  };
  const revoke = async (id: string): Promise<null> => {
    if (!id) throw badRequest('lease_id must be specified');
    await core.expiration.revoke(id);
    return null;
  };
  const id = (f: { get<T>(n: string): T }): string => f.get<string>('url_lease_id') || f.get<string>('lease_id');
  return [
    {
      pattern: 'leases/lookup',
      fields: leaseIdField,
      operations: {
        update: async (_r, f) => {
          const v = await core.expiration.lookup(f.get<string>('lease_id'));
          if (!v) throw badRequest('invalid lease');
          return { data: lookupData(v) };
        },
      },
    },
    {
      pattern: 'leases/lookup/(?<prefix>.*)',
      sudo: true,
      fields: { prefix: { type: 'string' } },
      operations: {
        list: async (_r, f) => {
          const keys = await core.expiration.listPrefix(f.get<string>('prefix'));
          if (keys.length === 0) return { status: 404, data: null };
          return { data: { keys } };
        },
      },
    },
    { pattern: '(?:leases/)?renew(?:/(?<url_lease_id>.+))?', fields: leaseIdField, operations: { update: async (_r, f) => renew(id(f), f.get<number>('increment')) } },
    { pattern: '(?:leases/)?revoke(?:/(?<url_lease_id>.+))?', fields: leaseIdField, operations: { update: async (_r, f) => revoke(id(f)) } },
    {
      pattern: '(?:leases/)?revoke-force/(?<prefix>.+)',
      sudo: true,
      fields: { prefix: { type: 'string' } },
      operations: {
        update: async (_r, f) => {
          await core.expiration.revokePrefix(f.get<string>('prefix'), true);
          return null;
        },
      },
    },
    {
      pattern: '(?:leases/)?revoke-prefix/(?<prefix>.+)',
      sudo: true,
      fields: { prefix: { type: 'string' }, sync: { type: 'bool' } },
      operations: {
        update: async (_r, f) => {
          await core.expiration.revokePrefix(f.get<string>('prefix'));
          return null;
        },
      },
    },
  ];
}
