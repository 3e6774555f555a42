// sys/quotas/config and sys/quotas/rate-limit/:name (Vault's rate-limit quota API): create/update,
// read, list and delete rules, and the global switches. Validation follows Vault: a positive rate,
// a path that names an existing mount (optionally with a path below it, `*` for a prefix), a role
// only on an auth mount whose method has roles, and no two rules for the same path and role.

import type { Core } from '../core.js';
import type { FieldData, FieldSchema, PathDef } from '../../framework/types.js';
import { badRequest, notFound } from '../../framework/errors.js';
import { parseDurationSeconds } from '../../framework/duration.js';
import type { QuotaConfig, RateLimitQuota } from '../../quotas/manager.js';

const NAME = '(?<name>\\w(?:[\\w.@-]*\\w)?)';

const RULE_FIELDS: Record<string, FieldSchema> = {
  name: { type: 'string', description: 'Name of the quota rule.' },
  type: { type: 'string', description: 'Type of the quota rule (rate-limit).' },
  path: { type: 'string', description: 'Mount (e.g. auth/userpass/) or path under a mount to apply the rule to; empty = global.' },
  role: { type: 'string', description: 'Login role on an auth mount with roles (approle).' },
  rate: { type: 'raw', description: 'Requests allowed per interval, per client IP; positive.' },
  interval: { type: 'raw', description: 'The window the rate applies to (default 1s).' },
  block_interval: { type: 'raw', description: 'If set, a client that reaches the rate is refused for this long.' },
};

const CONFIG_FIELDS: Record<string, FieldSchema> = {
  enable_rate_limit_audit_logging: { type: 'bool' },
  enable_rate_limit_response_headers: { type: 'bool' },
  rate_limit_exempt_paths: { type: 'strings' },
};

function seconds(name: string, v: unknown, dflt: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  let n: number;
  try {
    n = parseDurationSeconds(v);
  } catch (e) {
    throw badRequest(`invalid ${name}: ${(e as Error).message}`);
  }
  if (!Number.isFinite(n) || n < 0) throw badRequest(`'${name}' is invalid`);
  return n;
}

function ruleFrom(core: Core, f: FieldData, previous: RateLimitQuota | undefined): RateLimitQuota {
  const name = f.get<string>('name');
  const type = f.get<string>('type');
  if (type !== '' && type !== 'rate-limit') throw badRequest(`unsupported quota type "${type}" (only rate-limit)`);
  const rate = f.has('rate') ? Number(f.raw.rate) : (previous?.rate ?? NaN);
  if (!Number.isFinite(rate) || rate <= 0) throw badRequest("'rate' is invalid");
  if (Math.round(rate) < 1) throw badRequest("'rate' is invalid: it is rounded to a whole number of requests per interval, so it must be at least 0.5");
  const interval = f.has('interval') ? seconds('interval', f.raw.interval, 1) || 1 : (previous?.interval ?? 1);
  const blockInterval = f.has('block_interval') ? seconds('block_interval', f.raw.block_interval, 0) : (previous?.blockInterval ?? 0);

  const rawPath = f.has('path') ? f.get<string>('path').replace(/^\/+/, '') : previous ? previous.mountPath + previous.pathSuffix : '';
  let mountPath = '';
  let pathSuffix = '';
  if (rawPath !== '') {
    const m = core.route(rawPath) ?? core.route(`${rawPath}/`);
    if (!m) throw badRequest(`invalid mount path "${rawPath}"`);
    mountPath = m.entry.path;
    pathSuffix = `${rawPath}/`.startsWith(mountPath) ? rawPath.slice(mountPath.length).replace(/\/+$/, '') : '';
  }
  const role = f.has('role') ? f.get<string>('role') : (previous?.role ?? '');
  if (role !== '') {
    if (pathSuffix !== '') throw badRequest('Quotas cannot contain both a path suffix and a role. If a role is provided, path must be a valid auth mount with a concept of roles');
    const m = mountPath === '' ? undefined : core.route(mountPath);
    if (!m || m.entry.table !== 'auth') throw badRequest(`Mount path "${mountPath}" is not a valid auth method and therefore unsuitable for use with role-based quotas`);
    if (!m.backend.resolveRole) throw badRequest(`Mount path "${mountPath}" does not support use with role-based quotas`);
  }
  return { name, mountPath, pathSuffix, role, rate, interval, blockInterval };
}

export function quotaPaths(core: Core): PathDef[] {
  return [
    {
      pattern: 'quotas/config',
      fields: CONFIG_FIELDS,
      operations: {
        read: async () => ({ data: { ...core.quotas.config } }),
        update: async (_r, f) => {
          // Fields left out keep their value (Vault resets them; keeping is the safer surprise).
          const cur = core.quotas.config;
          const next: QuotaConfig = {
            enable_rate_limit_audit_logging: f.has('enable_rate_limit_audit_logging') ? f.get<boolean>('enable_rate_limit_audit_logging') : cur.enable_rate_limit_audit_logging,
            enable_rate_limit_response_headers: f.has('enable_rate_limit_response_headers') ? f.get<boolean>('enable_rate_limit_response_headers') : cur.enable_rate_limit_response_headers,
            rate_limit_exempt_paths: f.has('rate_limit_exempt_paths') ? f.get<string[]>('rate_limit_exempt_paths').map((p) => p.trim().replace(/^\/+/, '').replace(/^v1\//, '')).filter((p) => p !== '') : cur.rate_limit_exempt_paths,
          };
          await core.quotas.setConfig(next);
          return null;
        },
      },
      help: 'Read or set the rate-limit quota switches: audit logging of refusals, X-Ratelimit-* headers, exempt paths.',
    },
    {
      pattern: 'quotas/rate-limit/?',
      operations: {
        list: async () => {
          const keys = core.quotas.names();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
      help: 'List the rate-limit quota rules.',
    },
    {
      pattern: `quotas/rate-limit/${NAME}`,
      fields: RULE_FIELDS,
      operations: {
        update: async (_r, f) => {
          const previous = core.quotas.get(f.get<string>('name'));
          const rule = ruleFrom(core, f, previous);
          const clash = core.quotas.sameScope(rule);
          if (clash) throw badRequest(`quota rule with similar properties exists under the name "${clash.name}"`);
          await core.quotas.put(rule);
          return null;
        },
        read: async (_r, f) => {
          const q = core.quotas.get(f.get<string>('name'));
          if (!q) throw notFound();
          return {
            data: {
              type: 'rate-limit',
              name: q.name,
              path: q.mountPath + q.pathSuffix,
              role: q.role,
              rate: q.rate,
              interval: q.interval,
              block_interval: q.blockInterval,
            },
          };
        },
        delete: async (_r, f) => {
          await core.quotas.delete(f.get<string>('name'));
          return null;
        },
      },
      help: 'Create, read, update or delete a rate-limit quota rule (per client IP).',
    },
  ];
}
