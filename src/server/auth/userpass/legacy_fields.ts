// Vault's deprecated userpass user fields (ttl, max_ttl, bound_cidrs) as stand-ins for their token_*
// successors; sending both names of one setting is an error, as for policies/token_policies.

import { badRequest, type FieldData } from '../../framework/index.js';

const ALIASES: Record<string, string> = { token_ttl: 'ttl', token_max_ttl: 'max_ttl', token_bound_cidrs: 'bound_cidrs' };

export function withLegacyFields(fields: FieldData): FieldData {
  for (const [name, legacy] of Object.entries(ALIASES)) {
    if (fields.has(name) && fields.has(legacy)) throw badRequest(`"${name}" and "${legacy}" cannot both be given; use ${name}`);
  }
  const legacyOf = (name: string): string | undefined => {
    const l = ALIASES[name];
    return l !== undefined && !fields.has(name) && fields.has(l) ? l : undefined;
  };
  return {
    raw: fields.raw,
    has: (name) => fields.has(name) || legacyOf(name) !== undefined,
    get: <T>(name: string): T => fields.get<T>(legacyOf(name) ?? name),
  };
}
