// Small readers over a parsed HCL/JSON document: key checks (unknown keys are errors, with a
// suggestion), blocks in both of HCL1's shapes (`method "kubernetes" { }` and
// `method { type = "kubernetes" }`), and typed values. Every error names file:line and the key.

import { BOOL_SPELLINGS, weakBool } from '../../lib/parse-bool.js';
import type { HclDocument, HclObject, HclValue } from '../../hcl/index.js';
import { parseDurationMs } from './duration.js';
import { suggest } from '../../hcl/index.js';

/** A configuration mistake; the message already says where ("agent.hcl:12: ..."). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** One file being read: its document, and the warnings collected so far. */
export interface Site {
  doc: HclDocument;
  file: string;
  warnings: string[];
}

export interface KeyRules {
  /** Keys Coffer reads. */
  supported: readonly string[];
  /** Keys Vault has that change nothing here: accepted with a warning. */
  ignored?: readonly string[];
  /** Keys Vault has that Coffer does not implement: an error with this explanation. */
  unsupported?: Readonly<Record<string, string>>;
}

export function isObject(v: HclValue | undefined): v is HclObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function where(site: Site, obj: HclObject, key: string): string {
  return site.doc.where(obj, key);
}

/** Where a block starts: its first key's line, else the line of the key that opened it. */
export function blockWhere(site: Site, parent: HclObject, key: string, body: HclObject): string {
  const first = Object.keys(body)[0];
  return first === undefined ? where(site, parent, key) : where(site, body, first);
}

export function fail(site: Site, obj: HclObject, key: string, message: string): never {
  throw new ConfigError(`${where(site, obj, key)}: ${message}`);
}

export function checkKeys(site: Site, obj: HclObject, what: string, rules: KeyRules): void {
  const known = [...rules.supported, ...(rules.ignored ?? []), ...Object.keys(rules.unsupported ?? {})];
  for (const k of Object.keys(obj)) {
    if (rules.supported.includes(k)) continue;
    if (rules.ignored?.includes(k)) {
      site.warnings.push(`${where(site, obj, k)}: ${what}.${k} is accepted for compatibility with Vault and has no effect in Coffer`);
      continue;
    }
    const why = rules.unsupported?.[k];
    if (why !== undefined) fail(site, obj, k, `${what}.${k} is not supported by Coffer's agent: ${why}`);
    fail(site, obj, k, `unknown key "${k}" in ${what}${suggest(k, known)}`);
  }
}

/** The bodies of an unlabeled block key (`vault { }`, `template { }` ...), in order. */
export function blocks(site: Site, parent: HclObject, key: string, what: string): HclObject[] {
  const v = parent[key];
  if (v === undefined) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: HclObject[] = [];
  for (const item of items) {
    if (!isObject(item)) fail(site, parent, key, `${what} must be a block: ${key} { ... }`);
    out.push(item);
  }
  return out;
}

/** At most one block of this kind in a file. */
export function singleBlock(site: Site, parent: HclObject, key: string, what: string): HclObject | undefined {
  const list = blocks(site, parent, key, what);
  if (list.length > 1) fail(site, parent, key, `only one ${what} block is allowed in a file`);
  return list[0];
}

export interface Labeled {
  label: string;
  body: HclObject;
  where: string;
}

/**
 * Labeled blocks in either form: `key "label" { ... }` (HCL1 decodes it to [{label: [{...}]}])
 * or `key { type = "label" ... }`. `labelKey` names the field that carries the label in the
 * second form ("type"), or is undefined when only the first form exists (env_template "NAME").
 */
export function labeledBlocks(site: Site, parent: HclObject, key: string, what: string, labelKey: string | undefined): Labeled[] {
  const out: Labeled[] = [];
  for (const item of blocks(site, parent, key, what)) {
    if (labelKey !== undefined && typeof item[labelKey] === 'string') {
      out.push({ label: item[labelKey] as string, body: item, where: where(site, item, labelKey) });
      continue;
    }
    for (const [label, inner] of Object.entries(item)) {
      const bodies = Array.isArray(inner) ? inner : [inner];
      if (bodies.length === 0 || !bodies.every(isObject)) {
        const form = labelKey === undefined ? `${key} "NAME" { ... }` : `${key} "TYPE" { ... } or ${key} { ${labelKey} = "TYPE" ... }`;
        fail(site, item, label, `${what} needs a label: write ${form}`);
      }
      for (const b of bodies) out.push({ label, body: b as HclObject, where: where(site, item, label) });
    }
  }
  return out;
}

function scalarOf(site: Site, obj: HclObject, key: string, what: string): string | number | boolean | undefined {
  let v = obj[key];
  if (v === undefined) return undefined;
  if (Array.isArray(v) && v.length === 1 && !isObject(v[0])) v = v[0];
  if (Array.isArray(v) || isObject(v)) fail(site, obj, key, `${what}.${key} must be a single value`);
  return v as string | number | boolean;
}

export function str(site: Site, obj: HclObject, key: string, what: string): string | undefined {
  const v = scalarOf(site, obj, key, what);
  return v === undefined ? undefined : String(v);
}

export function nonEmptyStr(site: Site, obj: HclObject, key: string, what: string): string | undefined {
  const v = str(site, obj, key, what);
  if (v !== undefined && v.trim() === '') fail(site, obj, key, `${what}.${key} is empty`);
  return v;
}

export function bool(site: Site, obj: HclObject, key: string, what: string): boolean | undefined {
  const v = scalarOf(site, obj, key, what);
  if (v === undefined) return undefined;
  // As Vault's parseutil.ParseBool (mapstructure weak decoding): a number is true when non-zero.
  const b = weakBool(v);
  if (b !== undefined) return b;
  fail(site, obj, key, `${what}.${key} must be ${BOOL_SPELLINGS}, not ${JSON.stringify(v)}`);
}

export function int(site: Site, obj: HclObject, key: string, what: string): number | undefined {
  const v = scalarOf(site, obj, key, what);
  if (v === undefined) return undefined;
  const s = String(v).trim();
  if (typeof v === 'boolean' || !/^[+-]?\d+$/.test(s)) fail(site, obj, key, `${what}.${key} must be a whole number, not ${JSON.stringify(v)}`);
  return Number(s);
}

export function durationMs(site: Site, obj: HclObject, key: string, what: string): number | undefined {
  const v = scalarOf(site, obj, key, what);
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') fail(site, obj, key, `${what}.${key} must be a duration such as "30s"`);
  try {
    return parseDurationMs(v);
  } catch (e) {
    fail(site, obj, key, `${what}.${key}: ${(e as Error).message}`);
  }
}

/** A file mode: a number (HCL reads 0640 as octal) or an octal string ("0640"). */
export function fileMode(site: Site, obj: HclObject, key: string, what: string): number | undefined {
  const v = scalarOf(site, obj, key, what);
  if (v === undefined) return undefined;
  let mode: number;
  if (typeof v === 'number') mode = v;
  else if (typeof v === 'string' && /^[0-7]{1,4}$/.test(v.trim())) mode = parseInt(v.trim(), 8);
  else fail(site, obj, key, `${what}.${key} must be an octal file mode such as 0640 or "0640", not ${JSON.stringify(v)}`);
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) fail(site, obj, key, `${what}.${key} is not a file mode: ${v}`);
  return mode;
}

/** A list of strings; a single string is a list of one. */
export function strList(site: Site, obj: HclObject, key: string, what: string): string[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const items = Array.isArray(v) ? v : [v];
  if (!items.every((x) => typeof x === 'string' || typeof x === 'number')) fail(site, obj, key, `${what}.${key} must be a string or a list of strings`);
  return items.map(String);
}

/** A command: a string (run with sh -c) or a list of strings (run directly when longer than one). */
export function command(site: Site, obj: HclObject, key: string, what: string): string | string[] | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    if (v.trim() === '') fail(site, obj, key, `${what}.${key} is empty`);
    return v;
  }
  const list = strList(site, obj, key, what)!;
  if (list.length === 0 || list[0]!.trim() === '') fail(site, obj, key, `${what}.${key} is empty`);
  return list;
}

/** The single object value of `config = { ... }` (HCL1 wraps it in a list). */
export function objectValue(site: Site, obj: HclObject, key: string, what: string): HclObject | undefined {
  const v = obj[key];
  if (v === undefined) return undefined;
  const items = Array.isArray(v) ? v : [v];
  if (items.length !== 1 || !isObject(items[0])) fail(site, obj, key, `${what}.${key} must be one object: ${key} = { ... }`);
  return items[0];
}
