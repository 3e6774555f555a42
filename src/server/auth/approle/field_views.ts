// FieldData adapters: `restrictFields` hides every field but a few (the per-field role endpoints,
// as Vault deletes the others from the request), `withLegacyAliases` lets a deprecated name stand in
// for its token_* successor (`period` -> `token_period`).

import { badRequest, type FieldData } from '../../framework/index.js';

export function restrictFields(fields: FieldData, allowed: readonly string[]): FieldData {
  const ok = new Set(allowed);
  const raw: Record<string, unknown> = {};
  for (const k of allowed) if (k in fields.raw) raw[k] = fields.raw[k];
  return {
    raw,
    has: (name) => ok.has(name) && fields.has(name),
    get: <T>(name: string): T => fields.get<T>(name),
  };
}

/** `aliases` maps a current name to its deprecated one; sending both is an error. */
export function withLegacyAliases(fields: FieldData, aliases: Record<string, string>): FieldData {
  for (const [name, legacy] of Object.entries(aliases)) {
    if (fields.has(name) && fields.has(legacy)) throw badRequest(`"${name}" and "${legacy}" cannot both be given; use ${name}`);
  }
  return {
    raw: fields.raw,
    has: (name) => fields.has(name) || (aliases[name] !== undefined && fields.has(aliases[name])),
    get: <T>(name: string): T => {
      const legacy = aliases[name];
      return legacy !== undefined && !fields.has(name) && fields.has(legacy) ? fields.get<T>(legacy) : fields.get<T>(name);
    },
  };
}
