// The token_* fields every auth method's roles share (Vault's sdk/helper/tokenutil): parsing with
// Vault's validation, echoing them on role reads, and turning them into the AuthRequest of a login.

import type { AuthRequest, FieldData, FieldSchema } from './types.js';
import { badRequest } from './errors.js';
import { parseCidrs } from './cidr.js';

export const TOKEN_FIELDS: Record<string, FieldSchema> = {
  token_ttl: { type: 'duration', description: 'Default TTL of tokens issued by this role' },
  token_max_ttl: { type: 'duration', description: 'Maximum TTL of tokens issued by this role' },
  token_policies: { type: 'strings', description: 'Policies attached to issued tokens' },
  policies: { type: 'strings', description: 'Deprecated: use token_policies' },
  token_bound_cidrs: { type: 'strings', description: 'CIDR blocks issued tokens may be used from' },
  token_explicit_max_ttl: { type: 'duration', description: 'Hard cap on the TTL of issued tokens, renewals included' },
  token_no_default_policy: { type: 'bool', description: 'Do not add the default policy' },
  token_num_uses: { type: 'int', description: 'Uses allowed per issued token (0: unlimited)' },
  token_period: { type: 'duration', description: 'Makes issued tokens periodic with this period' },
  token_type: { type: 'string', description: 'service (default) or default' },
};

/** Vault's deprecated names of token_* fields (the tokenutil.UpgradeValue pairs). */
export type LegacyTokenField = 'policies' | 'ttl' | 'max_ttl' | 'period' | 'num_uses' | 'bound_cidrs';

const LEGACY_SUCCESSOR: Record<LegacyTokenField, string> = {
  policies: 'token_policies',
  ttl: 'token_ttl',
  max_ttl: 'token_max_ttl',
  period: 'token_period',
  num_uses: 'token_num_uses',
  bound_cidrs: 'token_bound_cidrs',
};

export interface TokenParams {
  ttl: number;
  maxTtl: number;
  policies: string[];
  boundCidrs: string[];
  explicitMaxTtl: number;
  noDefaultPolicy: boolean;
  numUses: number;
  period: number;
  type: string;
  /**
   * The deprecated names this role's settings were last written with. Vault keeps a legacy copy of
   * each (tokenutil.UpgradeValue: writing `ttl` sets both, writing `token_ttl` clears the copy) and
   * a read shows the legacy key beside its token_* successor while the copy is set and non-zero.
   */
  legacy?: LegacyTokenField[];
}

export const DEFAULT_TOKEN_PARAMS: TokenParams = {
  ttl: 0,
  maxTtl: 0,
  policies: [],
  boundCidrs: [],
  explicitMaxTtl: 0,
  noDefaultPolicy: false,
  numUses: 0,
  period: 0,
  type: 'default',
};

/**
 * Applies the token_* fields the client sent on top of `base` (a role being updated, or the defaults).
 * `legacyNames` are the deprecated names this auth method accepts (mapped onto their token_* fields by
 * the caller's FieldData, except `policies`, handled here); which of them the client used is recorded
 * in `legacy`, so reads can show them as Vault does.
 */
export function parseTokenParams(fields: FieldData, base: TokenParams = DEFAULT_TOKEN_PARAMS, legacyNames: readonly LegacyTokenField[] = ['policies']): TokenParams {
  const p: TokenParams = { ...base };
  const sent = (k: string): boolean => Object.prototype.hasOwnProperty.call(fields.raw, k) && fields.raw[k] !== undefined;
  const legacy = new Set(base.legacy ?? []);
  for (const old of legacyNames) {
    if (sent(LEGACY_SUCCESSOR[old])) legacy.delete(old);
    else if (sent(old)) legacy.add(old);
  }
  if (legacy.size > 0) p.legacy = [...legacy].sort();
  else delete p.legacy;
  const set = <K extends keyof TokenParams>(field: string, key: K): void => {
    if (fields.has(field)) p[key] = fields.get<TokenParams[K]>(field);
  };
  set('token_ttl', 'ttl');
  set('token_max_ttl', 'maxTtl');
  set('token_explicit_max_ttl', 'explicitMaxTtl');
  set('token_no_default_policy', 'noDefaultPolicy');
  set('token_num_uses', 'numUses');
  set('token_period', 'period');
  set('token_bound_cidrs', 'boundCidrs');
  if (fields.has('token_policies') && fields.has('policies')) throw badRequest('"token_policies" and "policies" cannot both be given; use token_policies');
  if (fields.has('token_policies')) p.policies = fields.get<string[]>('token_policies');
  else if (fields.has('policies')) p.policies = fields.get<string[]>('policies');
  p.policies = [...new Set(p.policies.map((x) => x.trim().toLowerCase()).filter((x) => x !== ''))];
  if (fields.has('token_type')) {
    const t = fields.get<string>('token_type').toLowerCase();
    if (t !== 'service' && t !== 'default' && t !== 'default-service') throw badRequest(`invalid "token_type" "${t}": only "service" and "default" are supported`);
    p.type = t;
  }
  for (const [name, v] of [
    ['token_ttl', p.ttl],
    ['token_max_ttl', p.maxTtl],
    ['token_explicit_max_ttl', p.explicitMaxTtl],
    ['token_period', p.period],
    ['token_num_uses', p.numUses],
  ] as const) {
    if (v < 0) throw badRequest(`"${name}" must not be negative`);
  }
  if (p.maxTtl > 0 && p.ttl > p.maxTtl) throw badRequest('"token_ttl" cannot be greater than "token_max_ttl"');
  try {
    parseCidrs(p.boundCidrs);
  } catch (e) {
    throw badRequest(`invalid "token_bound_cidrs": ${(e as Error).message}`);
  }
  return p;
}

/** Records whether a setting was last written under its deprecated name (for single-field endpoints). */
export function noteLegacy(p: TokenParams, old: LegacyTokenField, usedLegacyName: boolean): TokenParams {
  const legacy = new Set(p.legacy ?? []);
  if (usedLegacyName) legacy.add(old);
  else legacy.delete(old);
  const out: TokenParams = { ...p };
  if (legacy.size > 0) out.legacy = [...legacy].sort();
  else delete out.legacy;
  return out;
}

/** The value a legacy key shows: its token_* successor's, or undefined when zero (Vault omits it then). */
function legacyValue(p: TokenParams, old: LegacyTokenField): unknown {
  const v = { policies: p.policies, ttl: p.ttl, max_ttl: p.maxTtl, period: p.period, num_uses: p.numUses, bound_cidrs: p.boundCidrs }[old];
  return (Array.isArray(v) ? v.length > 0 : v > 0) ? v : undefined;
}

/** The legacy keys a read shows for these params (see TokenParams.legacy). */
export function legacyTokenData(p: TokenParams, only?: readonly LegacyTokenField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const old of p.legacy ?? []) {
    if (only && !only.includes(old)) continue;
    const v = legacyValue(p, old);
    if (v !== undefined) out[old] = v;
  }
  return out;
}

/** The token_* fields as a role read shows them, and the legacy keys the role was written with. */
export function tokenParamsData(p: TokenParams): Record<string, unknown> {
  return {
    token_ttl: p.ttl,
    token_max_ttl: p.maxTtl,
    token_policies: p.policies,
    token_bound_cidrs: p.boundCidrs,
    token_explicit_max_ttl: p.explicitMaxTtl,
    token_no_default_policy: p.noDefaultPolicy,
    token_num_uses: p.numUses,
    token_period: p.period,
    token_type: p.type,
    ...legacyTokenData(p),
  };
}

/** The AuthRequest of a successful login under a role with these token parameters. */
export function authFromTokenParams(
  p: TokenParams,
  login: { metadata: Record<string, string>; displayName: string; alias?: AuthRequest['alias']; internalData?: Record<string, unknown> },
): AuthRequest {
  return {
    policies: p.policies,
    metadata: login.metadata,
    displayName: login.displayName,
    ttl: p.ttl,
    maxTtl: p.maxTtl,
    period: p.period,
    explicitMaxTtl: p.explicitMaxTtl,
    numUses: p.numUses,
    renewable: true,
    noDefaultPolicy: p.noDefaultPolicy,
    boundCidrs: p.boundCidrs,
    alias: login.alias,
    internalData: login.internalData,
  };
}
