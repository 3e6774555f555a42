// sys/policy, sys/policies/acl and sys/capabilities(-self, -accessor): policy CRUD and the question
// "what may this token do on these paths", with Vault's shapes for both the old and the new API.

import type { Core } from '../core.js';
import type { PathDef, Request, Response } from '../../framework/types.js';
import { kvV2PolicyWarnings } from '../diagnostics.js';
import { badRequest } from '../../framework/errors.js';

async function capabilitiesOf(core: Core, policies: string[], paths: string[]): Promise<Record<string, unknown>> {
  const acl = await core.policies.acl(policies);
  const out: Record<string, unknown> = {};
  for (const p of paths) out[p.replace(/^\/+/, '')] = acl.capabilities(p.replace(/^\/+/, ''));
  if (paths.length === 1) out.capabilities = out[paths[0]!.replace(/^\/+/, '')];
  return out;
}

function pathsField(r: Request, raw: Record<string, unknown>): string[] {
  const v = raw.paths ?? raw.path;
  const list = Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()) : [];
  if (list.length === 0) throw badRequest(`missing paths (${r.path})`);
  return list;
}

export function policyPaths(core: Core): PathDef[] {
  const read = async (name: string, newApi: boolean) => {
    const p = await core.policies.read(name);
    if (!p) return null;
    return newApi ? { data: { name: p.name, policy: p.raw }, topLevelData: false } : { data: { name: p.name, rules: p.raw }, topLevelData: true };
  };
  const write = async (name: string, raw: string): Promise<Response | null> => {
    if (raw.trim() === '') throw badRequest("'policy' parameter not supplied or empty");
    const policy = await core.policies.write(name, raw);
    const warnings = [...policy.warnings, ...kvV2PolicyWarnings(policy, core.mountTable('mounts'))];
    return warnings.length > 0 ? { data: null, warnings } : null;
  };
  const nameFields = { name: { type: 'string' as const }, policy: { type: 'string' as const }, rules: { type: 'string' as const } };
  return [
    {
      pattern: 'policy/?',
      operations: {
        read: async () => {
          const names = await core.policies.list();
          return { data: { policies: names, keys: names }, topLevelData: true };
        },
      },
    },
    {
      pattern: 'policy/(?<name>.+)',
      fields: nameFields,
      operations: {
        read: async (_r, f) => {
          const out = await read(f.get<string>('name'), false);
          if (!out) return { status: 404, data: null }; // Vault: a missing policy is a 404 on both APIs
          return out;
        },
        update: async (_r, f) => write(f.get<string>('name'), f.get<string>('policy') || f.get<string>('rules')),
        delete: async (_r, f) => {
          await core.policies.delete(f.get<string>('name'));
          return null;
        },
      },
    },
    {
      pattern: 'policies/acl/?',
      operations: { list: async () => ({ data: { keys: await core.policies.list() } }) },
    },
    {
      pattern: 'policies/acl/(?<name>.+)',
      fields: nameFields,
      operations: {
        read: async (_r, f) => {
          const out = await read(f.get<string>('name'), true);
          if (!out) return { status: 404, data: null };
          return out;
        },
        update: async (_r, f) => write(f.get<string>('name'), f.get<string>('policy')),
        delete: async (_r, f) => {
          await core.policies.delete(f.get<string>('name'));
          return null;
        },
      },
    },
    {
      pattern: 'capabilities',
      fields: { token: { type: 'string' }, paths: { type: 'raw' }, path: { type: 'raw' } },
      operations: {
        update: async (r, f) => {
          const e = await core.tokens.lookup(f.get<string>('token'));
          if (!e) throw badRequest('invalid token');
          return { data: await capabilitiesOf(core, e.policies, pathsField(r, f.raw)), topLevelData: true };
        },
      },
    },
    {
      pattern: 'capabilities-self',
      fields: { token: { type: 'string' }, paths: { type: 'raw' }, path: { type: 'raw' } },
      operations: {
        update: async (r, f) => ({ data: await capabilitiesOf(core, r.token?.policies ?? [], pathsField(r, f.raw)), topLevelData: true }),
      },
    },
    {
      pattern: 'capabilities-accessor',
      fields: { accessor: { type: 'string' }, paths: { type: 'raw' }, path: { type: 'raw' } },
      operations: {
        update: async (r, f) => {
          const e = await core.tokens.lookupAccessor(f.get<string>('accessor'));
          if (!e) throw badRequest('invalid accessor');
          return { data: await capabilitiesOf(core, e.policies, pathsField(r, f.raw)), topLevelData: true };
        },
      },
    },
  ];
}
