// A secret ID's `metadata` as Vault's strutil.ParseArbitraryKeyValues reads it: a JSON object of
// strings (sent as a JSON string, or as an object), or "k1=v1,k2=v2".

import { badRequest } from '../../framework/index.js';

function fromObject(obj: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw badRequest(`failed to parse metadata: value of "${k}" must be a string`);
    out[k] = v;
  }
  return out;
}

export function parseMetadata(input: unknown): Record<string, string> {
  if (input === undefined || input === null || input === '') return {};
  if (typeof input === 'object' && !Array.isArray(input)) return fromObject(input as Record<string, unknown>);
  if (typeof input !== 'string') throw badRequest('failed to parse metadata: expected a JSON object or "key=value,..." string');
  const s = input.trim();
  if (s.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(s);
    } catch {
      throw badRequest('failed to parse metadata: invalid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('failed to parse metadata: expected a JSON object');
    return fromObject(parsed as Record<string, unknown>);
  }
  const out: Record<string, string> = {};
  for (const pair of s.split(',')) {
    const eq = pair.indexOf('=');
    const k = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (k === '') throw badRequest(`failed to parse metadata: invalid key/value pair "${pair.trim()}"`);
    out[k] = pair.slice(eq + 1).trim();
  }
  return out;
}
