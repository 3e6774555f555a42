// Turns a request's raw input into typed field values according to a path's schema, with errors
// that name the field, as Vault's framework.FieldData does.

import { BOOL_SPELLINGS, weakBool } from '../../lib/parse-bool.js';
import { badRequest } from './errors.js';
import { parseDurationSeconds } from './duration.js';
import { setOwn } from './own-property.js';
import type { FieldData, FieldSchema, FieldType } from './types.js';

function zeroValue(type: FieldType): unknown {
  switch (type) {
    case 'string':
    case 'lowercase-string':
      return '';
    case 'int':
    case 'duration':
      return 0;
    case 'bool':
      return false;
    case 'strings':
      return [];
    case 'map':
    case 'string-map':
      return {};
    case 'raw':
      return undefined;
  }
}

/**
 * A TypeBool field as Vault's framework reads it (mapstructure weak decoding of a json.Number body):
 * true/false, the strings strconv.ParseBool accepts, "" as false, and the numbers 0 and 1.
 */
function parseBoolField(name: string, v: unknown): boolean {
  const b = weakBool(v, { numbers: 'text' });
  if (b !== undefined) return b;
  const shown = typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v === 'number' ? String(v) : `a JSON ${Array.isArray(v) ? 'array' : typeof v}`;
  throw badRequest(`error converting input for field "${name}": ${shown} is not a boolean; use ${BOOL_SPELLINGS}`);
}

function parseInt32(name: string, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) return parseInt(v, 10);
  throw badRequest(`error converting input for field "${name}": expected an integer`);
}

function parseStrings(name: string, v: unknown): string[] {
  if (Array.isArray(v)) {
    return v.map((x) => {
      if (typeof x === 'string') return x.trim();
      if (typeof x === 'number' || typeof x === 'boolean') return String(x);
      throw badRequest(`error converting input for field "${name}": expected a list of strings`);
    });
  }
  if (typeof v === 'string') return v.trim() === '' ? [] : v.split(',').map((s) => s.trim());
  if (typeof v === 'number') return [String(v)];
  throw badRequest(`error converting input for field "${name}": expected a list or a comma-separated string`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseFieldValue(name: string, schema: FieldSchema, v: unknown): unknown {
  switch (schema.type) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      throw badRequest(`error converting input for field "${name}": expected a string`);
    case 'lowercase-string':
      return (parseFieldValue(name, { type: 'string' }, v) as string).toLowerCase();
    case 'int':
      return parseInt32(name, v);
    case 'bool':
      return parseBoolField(name, v);
    case 'duration':
      try {
        return parseDurationSeconds(v);
      } catch (e) {
        throw badRequest(`error converting input for field "${name}": ${(e as Error).message}`);
      }
    case 'strings':
      return parseStrings(name, v);
    case 'map':
      if (isPlainObject(v)) return v;
      if (typeof v === 'string' && v.trim().startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(v);
          if (isPlainObject(parsed)) return parsed;
        } catch {
          /* fall through to the error */
        }
      }
      throw badRequest(`error converting input for field "${name}": expected an object`);
    case 'string-map': {
      const obj = parseFieldValue(name, { type: 'map' }, v) as Record<string, unknown>;
      const out: Record<string, string> = {};
      for (const [k, x] of Object.entries(obj)) {
        if (typeof x !== 'string') throw badRequest(`error converting input for field "${name}": value of "${k}" must be a string`);
        setOwn(out, k, x);
      }
      return out;
    }
    case 'raw':
      return v;
  }
}

export function makeFieldData(schema: Record<string, FieldSchema>, raw: Record<string, unknown>): FieldData {
  const cache = new Map<string, unknown>();
  for (const [name, s] of Object.entries(schema)) {
    if (s.required && (raw[name] === undefined || raw[name] === null || raw[name] === '')) {
      throw badRequest(`missing required field "${name}"`);
    }
  }
  return {
    raw,
    has: (name) => Object.prototype.hasOwnProperty.call(raw, name) && raw[name] !== undefined,
    get<T>(name: string): T {
      if (cache.has(name)) return cache.get(name) as T;
      const s = schema[name];
      if (!s) throw new Error(`field "${name}" is not declared in the path's schema`);
      const v = raw[name];
      const value = v === undefined || v === null ? (s.default !== undefined ? s.default : zeroValue(s.type)) : parseFieldValue(name, s, v);
      cache.set(name, value);
      return value as T;
    },
  };
}

/** Checks every declared field up front so a bad value is a 400 before any work is done. */
export function validateFields(schema: Record<string, FieldSchema>, fields: FieldData): void {
  for (const name of Object.keys(schema)) if (fields.has(name)) fields.get(name);
}
