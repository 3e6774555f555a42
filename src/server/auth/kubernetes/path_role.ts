// `role/<name>` (create, read, update, delete) and `role/` (list), as path_role.go: which service
// account names and namespaces (globs, or a namespace label selector) may log in, the audience to
// require, how to name the alias, and the token_* fields of issued tokens.

import {
  DEFAULT_TOKEN_PARAMS,
  TOKEN_FIELDS,
  badRequest,
  notFound,
  getJson,
  parseTokenParams,
  putJson,
  tokenParamsData,
  type FieldData,
  type FieldSchema,
  type PathDef,
  type Response,
  type StorageView,
  type SystemView,
} from '../../framework/index.js';
import { globProblem } from '../../../lib/glob.js';
import { parseLabelSelector } from './label_selector.js';
import type { AliasNameSource, KubeRole } from './types.js';

export const ROLE_PREFIX = 'role/';
const ALIAS_SOURCES: AliasNameSource[] = ['serviceaccount_uid', 'serviceaccount_name'];

export async function readRole(storage: StorageView, name: string): Promise<KubeRole | null> {
  return getJson<KubeRole>(storage, ROLE_PREFIX + name.toLowerCase());
}

/** Vault's deprecated role fields and the token_* field each stands for. */
const LEGACY: Record<string, string> = {
  ttl: 'token_ttl',
  max_ttl: 'token_max_ttl',
  period: 'token_period',
  num_uses: 'token_num_uses',
  bound_cidrs: 'token_bound_cidrs',
};

const LEGACY_FIELDS: Record<string, FieldSchema> = {
  ttl: { type: 'duration', description: 'Deprecated: use token_ttl' },
  max_ttl: { type: 'duration', description: 'Deprecated: use token_max_ttl' },
  period: { type: 'duration', description: 'Deprecated: use token_period' },
  num_uses: { type: 'int', description: 'Deprecated: use token_num_uses' },
  bound_cidrs: { type: 'strings', description: 'Deprecated: use token_bound_cidrs' },
};

/** Presents the deprecated names as their token_* fields, refusing both at once (tokenutil.UpgradeValue). */
function withLegacyFields(f: FieldData): FieldData {
  for (const [old, now] of Object.entries(LEGACY)) {
    if (f.has(old) && f.has(now)) throw badRequest(`"${old}" and "${now}" cannot both be given; use ${now}`);
  }
  const oldFor = (name: string): string | undefined => Object.keys(LEGACY).find((k) => LEGACY[k] === name && f.has(k));
  return {
    raw: f.raw,
    has: (name) => f.has(name) || oldFor(name) !== undefined,
    get<T>(name: string): T {
      const old = oldFor(name);
      return old !== undefined && !f.has(name) ? f.get<T>(old) : f.get<T>(name);
    },
  };
}

function checkList(field: string, list: string[]): void {
  if (list.length > 1 && list.includes('*')) throw badRequest(`can not mix "*" with values in "${field}"`);
  for (const entry of list) {
    const problem = globProblem(entry);
    if (problem) throw badRequest(`invalid "${field}" entry ${problem}`);
  }
}

function roleData(r: KubeRole): Record<string, unknown> {
  const d: Record<string, unknown> = {
    bound_service_account_names: r.bound_service_account_names,
    bound_service_account_namespaces: r.bound_service_account_namespaces,
    bound_service_account_namespace_selector: r.bound_service_account_namespace_selector,
    ...tokenParamsData(r.token),
    alias_name_source: r.alias_name_source,
  };
  if (r.audience !== '') d.audience = r.audience;
  return d;
}

export function pathsRole(system: SystemView): PathDef[] {
  const write = async (req: Parameters<NonNullable<PathDef['operations']['update']>>[0], raw: FieldData): Promise<Response | null> => {
    const f = withLegacyFields(raw);
    const name = f.get<string>('name');
    const existing = await readRole(req.storage, name);
    const base: KubeRole = existing ?? {
      bound_service_account_names: [],
      bound_service_account_namespaces: [],
      bound_service_account_namespace_selector: '',
      audience: '',
      alias_name_source: 'serviceaccount_uid',
      token: { ...DEFAULT_TOKEN_PARAMS },
    };
    const role: KubeRole = { ...base, token: parseTokenParams(f, base.token, ['policies', 'ttl', 'max_ttl', 'period', 'num_uses', 'bound_cidrs']) };
    if (f.has('bound_service_account_names')) role.bound_service_account_names = f.get<string[]>('bound_service_account_names');
    if (f.has('bound_service_account_namespaces')) role.bound_service_account_namespaces = f.get<string[]>('bound_service_account_namespaces');
    if (f.has('bound_service_account_namespace_selector')) role.bound_service_account_namespace_selector = f.get<string>('bound_service_account_namespace_selector').trim();
    if (f.has('audience')) role.audience = f.get<string>('audience').trim();
    if (f.has('alias_name_source')) {
      const src = f.get<string>('alias_name_source');
      if (!(ALIAS_SOURCES as string[]).includes(src)) throw badRequest(`invalid "alias_name_source" "${src}": must be one of ${ALIAS_SOURCES.join(', ')}`);
      role.alias_name_source = src as AliasNameSource;
    }

    if (role.bound_service_account_names.length === 0) throw badRequest('"bound_service_account_names" can not be empty (use "*" for any name)');
    checkList('bound_service_account_names', role.bound_service_account_names);
    if (role.bound_service_account_namespaces.length === 0 && role.bound_service_account_namespace_selector === '') {
      throw badRequest('"bound_service_account_namespaces" can not be empty if "bound_service_account_namespace_selector" is not set');
    }
    checkList('bound_service_account_namespaces', role.bound_service_account_namespaces);
    if (role.bound_service_account_namespace_selector !== '') {
      try {
        parseLabelSelector(role.bound_service_account_namespace_selector);
      } catch (e) {
        throw badRequest(`invalid "bound_service_account_namespace_selector": ${(e as Error).message}`);
      }
    }
    const maxTtl = system.maxLeaseTtl();
    if (role.token.period > maxTtl) throw badRequest(`"token_period" of ${role.token.period}s is greater than the mount's maximum lease TTL of ${maxTtl}s`);

    await putJson(req.storage, ROLE_PREFIX + name.toLowerCase(), role);
    const warnings: string[] = [];
    if (role.token.maxTtl > maxTtl) warnings.push("max_ttl is greater than the system or backend mount's maximum TTL value; issued tokens' max TTL value will be truncated");
    if (role.audience === '') warnings.push('This role does not specify an audience. In a future version of Vault, specifying an audience will be required.');
    return warnings.length > 0 ? { data: null, warnings } : null;
  };

  return [
    {
      pattern: 'role/?',
      operations: {
        list: async (req) => {
          const keys = await req.storage.list(ROLE_PREFIX);
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
      help: 'Lists the roles.',
    },
    {
      pattern: 'role/(?<name>\\w(?:[\\w.-]*\\w)?)',
      fields: {
        name: { type: 'string', required: true, description: 'Name of the role' },
        bound_service_account_names: { type: 'strings', description: 'Service account names (globs; "*" for any)' },
        bound_service_account_namespaces: { type: 'strings', description: 'Namespaces (globs; "*" for any)' },
        bound_service_account_namespace_selector: { type: 'string', description: 'Label selector (JSON or YAML) for namespaces; ORed with the namespaces list' },
        audience: { type: 'string', description: 'Audience the JWT must carry' },
        alias_name_source: { type: 'string', description: 'serviceaccount_uid (default) or serviceaccount_name' },
        ...TOKEN_FIELDS,
        ...LEGACY_FIELDS,
      },
      existenceCheck: async (req, f) => (await readRole(req.storage, f.get<string>('name'))) !== null,
      operations: {
        create: write,
        update: write,
        read: async (req, f) => {
          const role = await readRole(req.storage, f.get<string>('name'));
          if (!role) throw notFound();
          return { data: roleData(role) };
        },
        delete: async (req, f) => {
          await req.storage.delete(ROLE_PREFIX + f.get<string>('name').toLowerCase());
          return null;
        },
      },
      help: 'Binds Kubernetes service accounts (names, namespaces) to token policies and settings.',
    },
  ];
}
