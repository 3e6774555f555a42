// Serialises secret data with object keys sorted, recursively, so reads return keys in the order
// Vault's Go JSON encoder does (it sorts map keys). Done once at write time, never on the read path.

import { setOwn } from '../../../framework/own-property.js';

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (typeof v === 'object' && v !== null) {
    const src = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src).sort()) setOwn(out, k, sortKeys(src[k]));
    return out;
  }
  return v;
}

export function canonicalJson(v: unknown): Buffer {
  return Buffer.from(JSON.stringify(sortKeys(v)), 'utf8');
}
