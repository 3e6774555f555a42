// sys/mounts and sys/auth (list, enable, read, disable, tune) and sys/internal/ui/mounts, which
// agents and CLIs call before every KV read to tell v1 from v2 (answered only for reachable mounts).

import type { Core } from '../core.js';
import type { FieldData, FieldSchema, PathDef, Request, Response } from '../../framework/types.js';
import { badRequest, permissionDenied } from '../../framework/errors.js';
import { parseDurationSeconds } from '../../framework/duration.js';
import { BOOL_SPELLINGS, weakBool } from '../../../lib/parse-bool.js';
import type { MountConfig, MountEntry } from '../mounts.js';
import { LOCKOUT_TYPES, lockoutSettings, type UserLockoutConfig } from '../../quotas/lockout.js';

export function mountInfo(e: MountEntry): Record<string, unknown> {
  return {
    accessor: e.accessor,
    config: {
      default_lease_ttl: e.config.default_lease_ttl,
      max_lease_ttl: e.config.max_lease_ttl,
      force_no_cache: e.config.force_no_cache,
      ...(e.config.listing_visibility ? { listing_visibility: e.config.listing_visibility } : {}),
    },
    description: e.description,
    external_entropy_access: false,
    local: e.local,
    options: Object.keys(e.options).length > 0 ? e.options : null,
    plugin_version: '',
    running_plugin_version: '',
    running_sha256: '',
    seal_wrap: e.sealWrap,
    type: e.type,
    uuid: e.uuid,
  };
}

const ENABLE_FIELDS: Record<string, FieldSchema> = {
  path: { type: 'string' },
  type: { type: 'string' },
  description: { type: 'string' },
  config: { type: 'map' },
  options: { type: 'map' },
  local: { type: 'bool' },
  seal_wrap: { type: 'bool' },
  external_entropy_access: { type: 'bool' },
  plugin_name: { type: 'string' },
  plugin_version: { type: 'string' },
};

const TUNE_FIELDS: Record<string, FieldSchema> = {
  path: { type: 'string' },
  default_lease_ttl: { type: 'raw' },
  max_lease_ttl: { type: 'raw' },
  description: { type: 'string' },
  options: { type: 'map' },
  listing_visibility: { type: 'string' },
  force_no_cache: { type: 'bool' },
  audit_non_hmac_request_keys: { type: 'strings' },
  audit_non_hmac_response_keys: { type: 'strings' },
  passthrough_request_headers: { type: 'strings' },
  user_lockout_config: { type: 'map' },
};

/**
 * Vault's `user_lockout_config` tune block: lockout_threshold, lockout_duration,
 * lockout_counter_reset (or Vault's API name lockout_counter_reset_duration), lockout_disable;
 * "system" or "" puts a value back to the default. Only userpass and approle have user lockout.
 */
function lockoutFrom(e: MountEntry, raw: Record<string, unknown>): UserLockoutConfig {
  if (e.table !== 'auth' || !LOCKOUT_TYPES.includes(e.type)) throw badRequest(`tuning of user lockout configuration for auth type "${e.type}" not allowed (only ${LOCKOUT_TYPES.join(', ')})`);
  const out: UserLockoutConfig = { ...e.config.user_lockout_config };
  const known = ['lockout_threshold', 'lockout_duration', 'lockout_counter_reset', 'lockout_counter_reset_duration', 'lockout_disable'];
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw badRequest(`unknown user_lockout_config keys: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  if ('lockout_threshold' in raw) {
    const v = raw.lockout_threshold;
    const n = v === '' || v === 'system' ? 0 : Number(v);
    if (!Number.isInteger(n) || n < 0) throw badRequest('unable to parse user lockout threshold: use a whole number of failed logins');
    out.lockout_threshold = n;
  }
  if ('lockout_duration' in raw) out.lockout_duration = ttlValue('lockout_duration', raw.lockout_duration);
  const reset = raw.lockout_counter_reset ?? raw.lockout_counter_reset_duration;
  if (reset !== undefined) out.lockout_counter_reset = ttlValue('lockout_counter_reset', reset);
  if ('lockout_disable' in raw) {
    const v = raw.lockout_disable;
    if (typeof v !== 'boolean' && v !== 'true' && v !== 'false') throw badRequest('lockout_disable must be true or false');
    out.lockout_disable = v === true || v === 'true';
  }
  return out;
}

function ttlValue(name: string, v: unknown): number {
  if (v === 'system' || v === '' || v === undefined || v === null) return 0;
  try {
    const n = parseDurationSeconds(v);
    if (n < 0) throw new Error('must not be negative');
    return n;
  } catch (e) {
    throw badRequest(`invalid ${name}: ${(e as Error).message}`);
  }
}

function stringOptions(raw: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === null || typeof v === 'object') throw badRequest(`options.${k} must be a string`);
    out[k] = String(v);
  }
  return out;
}

function configFrom(raw: Record<string, unknown>): Partial<MountConfig> {
  const out: Partial<MountConfig> = {};
  if ('default_lease_ttl' in raw) out.default_lease_ttl = ttlValue('default_lease_ttl', raw.default_lease_ttl);
  if ('max_lease_ttl' in raw) out.max_lease_ttl = ttlValue('max_lease_ttl', raw.max_lease_ttl);
  if (raw.force_no_cache !== undefined && raw.force_no_cache !== null) {
    const b = weakBool(raw.force_no_cache, { numbers: 'text' });
    if (b === undefined) throw badRequest(`config.force_no_cache must be a boolean: use ${BOOL_SPELLINGS}`);
    out.force_no_cache = b;
  }
  if (typeof raw.listing_visibility === 'string') out.listing_visibility = raw.listing_visibility;
  return out;
}

function tuneInfo(core: Core, e: MountEntry): Record<string, unknown> {
  const { defaultTtl, maxTtl } = core.mountTtls(e);
  return {
    default_lease_ttl: defaultTtl,
    max_lease_ttl: maxTtl,
    force_no_cache: e.config.force_no_cache,
    description: e.description,
    options: Object.keys(e.options).length > 0 ? e.options : null,
    ...(e.config.listing_visibility ? { listing_visibility: e.config.listing_visibility } : {}),
    ...lockoutInfo(e),
  };
}

/** The lockout settings in force (Vault's tune read shows them for the methods that have lockout). */
function lockoutInfo(e: MountEntry): Record<string, unknown> {
  if (e.table !== 'auth' || !LOCKOUT_TYPES.includes(e.type)) return {};
  const s = lockoutSettings(e.type, e.config.user_lockout_config);
  return {
    user_lockout_threshold: s.threshold,
    user_lockout_duration: s.durationMs / 1000,
    user_lockout_counter_reset_duration: s.counterResetMs / 1000,
    user_lockout_disable: e.config.user_lockout_config?.lockout_disable === true,
  };
}

function tablePaths(core: Core, table: 'mounts' | 'auth', base: string): PathDef[] {
  const full = (p: string): string => {
    const rel = `${p.replace(/^\/+/, '').replace(/\/+$/, '')}/`;
    return table === 'auth' ? `auth/${rel}` : rel;
  };
  const list = async (): Promise<Response> => {
    const data: Record<string, unknown> = {};
    for (const e of core.mountTable(table)) data[table === 'auth' ? e.path.slice('auth/'.length) : e.path] = mountInfo(e);
    return { data, topLevelData: true };
  };
  const find = (p: string): MountEntry => {
    const e = core.findMount(table, full(p));
    if (!e) throw badRequest(`no ${table === 'auth' ? 'auth method' : 'secrets engine'} mounted at "${full(p)}"`);
    return e;
  };
  const tune = async (_r: Request, f: FieldData): Promise<Response | null> => {
    const raw = f.raw;
    const config = configFrom(raw);
    if (f.has('user_lockout_config')) config.user_lockout_config = lockoutFrom(find(f.get<string>('path')), f.get<Record<string, unknown>>('user_lockout_config'));
    await core.tune(table, f.get<string>('path'), {
      config,
      description: f.has('description') ? f.get<string>('description') : undefined,
      options: f.has('options') ? stringOptions(f.get<Record<string, unknown>>('options')) : undefined,
    });
    return null;
  };
  return [
    { pattern: `${base}/?`, operations: { read: list } },
    {
      pattern: `${base}/(?<path>.+?)/tune`,
      fields: TUNE_FIELDS,
      operations: {
        read: async (_r, f) => ({ data: tuneInfo(core, find(f.get<string>('path'))), topLevelData: true }),
        update: tune,
      },
    },
    {
      pattern: `${base}/(?<path>.+)`,
      fields: ENABLE_FIELDS,
      operations: {
        read: async (_r, f) => ({ data: mountInfo(find(f.get<string>('path'))), topLevelData: true }),
        update: async (_r, f) => {
          const type = f.get<string>('type') || f.get<string>('plugin_name');
          if (!type) throw badRequest('missing required field "type"');
          const options = stringOptions(f.get<Record<string, unknown>>('options'));
          await core.mount({
            table,
            path: f.get<string>('path'),
            type,
            description: f.get<string>('description'),
            options,
            config: configFrom(f.get<Record<string, unknown>>('config')),
            local: f.get<boolean>('local'),
            sealWrap: f.get<boolean>('seal_wrap'),
          });
          return null;
        },
        delete: async (_r, f) => {
          await core.unmount(table, f.get<string>('path'));
          return null;
        },
      },
    },
  ];
}

export function mountPaths(core: Core): PathDef[] {
  return [
    ...tablePaths(core, 'mounts', 'mounts'),
    ...tablePaths(core, 'auth', 'auth'),
    {
      pattern: 'internal/ui/mounts/?',
      unauthenticated: true,
      operations: {
        read: async (r) => {
          const acl = r.token ? await core.policies.acl(r.token.policies) : null;
          const secret: Record<string, unknown> = {};
          const auth: Record<string, unknown> = {};
          for (const e of [...core.mountTable('mounts'), ...core.mountTable('auth')]) {
            const visible = e.config.listing_visibility === 'unauth' || (acl?.hasMountAccess(e.path) ?? false);
            if (!visible) continue;
            if (e.table === 'auth') auth[e.path.slice('auth/'.length)] = mountInfo(e);
            else secret[e.path] = mountInfo(e);
          }
          return { data: { secret, auth }, topLevelData: true };
        },
      },
    },
    {
      pattern: 'internal/ui/mounts/(?<path>.+)',
      unauthenticated: true,
      fields: { path: { type: 'string' } },
      operations: {
        read: async (r, f) => {
          const path = f.get<string>('path').replace(/^\/+/, '');
          const m = core.route(path) ?? core.route(`${path}/`);
          if (!m || m.entry.type === 'system') throw badRequest(`preflight capability check returned 403, please ensure client's policies grant access to path "${path}/"`);
          const acl = r.token ? await core.policies.acl(r.token.policies) : null;
          if (!acl?.hasMountAccess(m.entry.path)) {
            throw permissionDenied(`preflight capability check returned 403, please ensure client's policies grant access to path "${path}/"`);
          }
          const info = mountInfo(m.entry);
          return { data: { ...info, path: m.entry.path }, topLevelData: true };
        },
      },
    },
  ];
}
