// Parses and validates a secret's custom_metadata as Vault does: values are weakly converted to
// strings, at most 64 keys, each key 1..128 bytes and value 1..512 bytes, all printable.

import { badRequest, setOwn } from '../../framework/index.js';
import { formatMultiError } from './lib/multierror.js';
import { weakString } from './lib/weak_decode.js';

const MAX_KEYS = 64;
const MAX_KEY_BYTES = 128;
const MAX_VALUE_BYTES = 512;
const PREFIX = 'custom_metadata validation failed';
// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;

/** Converts raw input to string values; `skipNulls` drops null values (PATCH uses null to remove a key). */
export function parseCustomMetadata(raw: Record<string, unknown>, skipNulls: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (skipNulls && v === null) continue;
    const s = weakString(v);
    if (s === undefined) throw badRequest(`${PREFIX}: value for key ${JSON.stringify(k)} must be a string`);
    setOwn(out, k, s);
  }
  return out;
}

/** Throws a 400 listing every problem, in Vault's wording. */
export function validateCustomMetadata(cm: Record<string, string>): void {
  const keys = Object.keys(cm).sort();
  if (keys.length > MAX_KEYS) {
    throw badRequest(formatMultiError([`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${keys.length}`]));
  }
  const errs: string[] = [];
  for (const key of keys) {
    const value = cm[key]!;
    const q = JSON.stringify(key);
    const keyLen = Buffer.byteLength(key, 'utf8');
    if (keyLen === 0 || keyLen > MAX_KEY_BYTES) {
      errs.push(`${PREFIX}: length of key ${q} is ${keyLen} but must be 0 < len(key) <= ${MAX_KEY_BYTES}`);
    }
    const valueLen = Buffer.byteLength(value, 'utf8');
    if (valueLen === 0 || valueLen > MAX_VALUE_BYTES) {
      errs.push(`${PREFIX}: length of value for key ${q} is ${valueLen} but must be 0 < len(value) <= ${MAX_VALUE_BYTES}`);
    }
    if (!PRINTABLE.test(key)) errs.push(`${PREFIX}: key ${q} (${key}) contains unprintable characters`);
    if (!PRINTABLE.test(value)) errs.push(`${PREFIX}: value for key ${q} contains unprintable characters`);
  }
  if (errs.length > 0) throw badRequest(formatMultiError(errs));
}

/** Vault stores an empty map as nothing, so it reads back as null. */
export function normalizeCustomMetadata(cm: Record<string, string>): Record<string, string> | null {
  return Object.keys(cm).length === 0 ? null : cm;
}
