// A role's writable fields and the one place they are validated and applied, shared by
// `role/<name>` and the per-field endpoints (`role/<name>/secret-id-ttl`, ...). Messages follow Vault's
// path_role.go and name the field.

import { randomUUID } from 'node:crypto';
import {
  badRequest,
  DEFAULT_TOKEN_PARAMS,
  formatDuration,
  parseTokenParams,
  TOKEN_FIELDS,
  type FieldData,
  type FieldSchema,
} from '../../framework/index.js';
import { validateCidrs } from './cidrs.js';
import { withLegacyAliases } from './field_views.js';
import type { RoleEntry } from './types.js';

export const ROLE_NAME_FIELD: FieldSchema = { type: 'lowercase-string', description: 'Name of the role. Must be less than 4096 bytes.' };

export const ROLE_FIELDS: Record<string, FieldSchema> = {
  role_name: ROLE_NAME_FIELD,
  bind_secret_id: { type: 'bool', default: true, description: 'Require secret_id to be presented when logging in using this role' },
  secret_id_bound_cidrs: { type: 'strings', description: 'CIDR blocks that may log in with this role' },
  bound_cidr_list: { type: 'strings', description: 'Deprecated: use secret_id_bound_cidrs' },
  secret_id_num_uses: { type: 'int', description: 'Uses of each secret ID (0: unlimited)' },
  secret_id_ttl: { type: 'duration', description: 'Lifetime of each secret ID (0: no expiry)' },
  local_secret_ids: { type: 'bool', description: 'Cluster-local secret IDs; only at creation' },
  role_id: { type: 'string', description: 'Identifier of the role; defaults to a UUID' },
  period: { type: 'duration', description: 'Deprecated: use token_period' },
  ...TOKEN_FIELDS,
};

const LEGACY = { token_period: 'period', secret_id_bound_cidrs: 'bound_cidr_list' };

export const MAX_NAME_BYTES = 4096;

export function newRole(name: string): RoleEntry {
  return {
    name,
    roleId: '',
    bindSecretId: true,
    secretIdBoundCidrs: [],
    secretIdNumUses: 0,
    secretIdTtl: 0,
    localSecretIds: false,
    token: { ...DEFAULT_TOKEN_PARAMS },
  };
}

/** Vault requires at least one of these on every role. */
export function checkConstraints(role: RoleEntry): void {
  if (!role.bindSecretId && role.secretIdBoundCidrs.length === 0 && role.token.boundCidrs.length === 0) {
    throw badRequest('at least one constraint should be enabled on the role: "bind_secret_id", "secret_id_bound_cidrs" or "token_bound_cidrs"');
  }
}

/**
 * Applies the fields the client sent to a copy of `current`. On create, unsent fields take Vault's
 * defaults (bind_secret_id true, a random role_id). Returns the new role and any warnings.
 */
export function applyRoleFields(current: RoleEntry, input: FieldData, isCreate: boolean, maxLeaseTtl: number): { role: RoleEntry; warnings: string[] } {
  const f = withLegacyAliases(input, LEGACY);
  const role: RoleEntry = { ...current, token: parseTokenParams(f, current.token, ['policies', 'period']) };
  const warnings: string[] = [];

  if (f.has('local_secret_ids')) {
    if (!isCreate) throw badRequest('local_secret_ids can only be modified during role creation');
    role.localSecretIds = f.get<boolean>('local_secret_ids');
  }
  if (f.has('role_id')) {
    role.roleId = f.get<string>('role_id');
    if (role.roleId === '') throw badRequest('invalid role_id supplied: "role_id" must not be empty');
    if (Buffer.byteLength(role.roleId) > MAX_NAME_BYTES) throw badRequest(`"role_id" is longer than maximum of ${MAX_NAME_BYTES} bytes`);
  } else if (isCreate) {
    role.roleId = randomUUID();
  }
  if (f.has('bind_secret_id')) role.bindSecretId = f.get<boolean>('bind_secret_id');
  if (f.has('secret_id_bound_cidrs')) {
    const name = input.has('bound_cidr_list') ? 'bound_cidr_list' : 'secret_id_bound_cidrs';
    role.secretIdBoundCidrs = validateCidrs(name, f.get<string[]>('secret_id_bound_cidrs'));
  }
  if (f.has('secret_id_num_uses')) {
    role.secretIdNumUses = f.get<number>('secret_id_num_uses');
    if (role.secretIdNumUses < 0) throw badRequest('secret_id_num_uses cannot be negative');
  }
  if (f.has('secret_id_ttl')) {
    role.secretIdTtl = f.get<number>('secret_id_ttl');
    if (role.secretIdTtl < 0) throw badRequest('secret_id_ttl cannot be negative');
  }
  if (role.token.period > maxLeaseTtl) {
    throw badRequest(`"token_period" of "${formatDuration(role.token.period)}" is greater than the backend's maximum lease TTL of "${formatDuration(maxLeaseTtl)}"`);
  }
  checkConstraints(role);
  if (role.token.maxTtl > maxLeaseTtl) {
    warnings.push("token_max_ttl is greater than the backend mount's maximum TTL value; issued tokens' max TTL value will be truncated");
  }
  return { role, warnings };
}
