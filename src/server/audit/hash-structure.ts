// Deep copy of request/response data with every string value replaced by its HMAC (Vault's
// hashstructure.go): object keys stay readable, numbers, booleans and null stay as they are, strings
// inside arrays are hashed, and values under a mount's non-HMAC keys are kept in clear. Anything that
// isn't plain JSON is first turned into JSON the way JSON.stringify would see it, so nothing slips
// through unhashed (a Buffer becomes its base64 string, then is hashed).

import type { Hasher } from './salt.js';
import type { JsonObject, JsonValue } from './types.js';

/** Returns a hashed copy; never mutates `data`. `hash` null means log_raw: copy only. */
export function hashData(data: Record<string, unknown>, hash: Hasher | null, clearKeys: readonly string[] = []): JsonObject {
  return hashObject(data, hash, new Set(clearKeys));
}

function hashObject(obj: Record<string, unknown>, hash: Hasher | null, clearKeys: Set<string>): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj)) {
    // Like Vault, only the nearest object key decides: a nested object under a clear key is hashed again.
    const hv = hashValue(v, clearKeys.has(k) ? null : hash, hash, clearKeys);
    if (hv !== undefined) out[k] = hv;
  }
  return out;
}

function hashValue(v: unknown, hash: Hasher | null, objectHash: Hasher | null, clearKeys: Set<string>): JsonValue | undefined {
  switch (typeof v) {
    case 'string':
      return hash ? hash(v) : v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'boolean':
      return v;
    case 'bigint':
      return v.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return null;
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    const s = Buffer.from(v).toString('base64');
    return hash ? hash(s) : s;
  }
  if (v instanceof Date) {
    const s = Number.isNaN(v.getTime()) ? '' : v.toISOString();
    return hash ? hash(s) : s;
  }
  if (Array.isArray(v)) return v.map((e) => hashValue(e, hash, objectHash, clearKeys) ?? null);
  const withToJson = v as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return hashValue(withToJson.toJSON(), hash, objectHash, clearKeys);
  return hashObject(v as Record<string, unknown>, objectHash, clearKeys);
}

/**
 * Vault's elide_list_responses: for list operations, `keys` becomes its length and `key_info` its
 * number of entries, so the log says how much was listed without what.
 */
export function elideListData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...data };
  if (Array.isArray(out.keys)) out.keys = out.keys.length;
  const info = out.key_info;
  if (info !== null && typeof info === 'object' && !Array.isArray(info)) out.key_info = Object.keys(info).length;
  return out;
}
