// How JS values look through Go's reflect: kinds, type names, truth, map keys.
//
// Model: `undefined` is Go's invalid reflect.Value (a missing key), `null` is a nil
// interface{} (JSON null), numbers that are safe integers are Go `int`, other numbers
// are `float64`, arrays are []interface{}, other objects are map[string]interface{}.

export type Kind = 'invalid' | 'nil' | 'bool' | 'int' | 'float' | 'string' | 'slice' | 'map' | 'func';

export type MapValue = { readonly [key: string]: unknown };

/**
 * A float64 template constant with an integral value (`2.0`, `1e6`): kept apart from
 * ints so that %T, %d and %v print it the way Go does. Only literals create these;
 * functions receive plain numbers.
 */
export class GoFloat {
  constructor(readonly value: number) {}
}

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case 'undefined':
      return 'invalid';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'string';
    case 'function':
      return 'func';
    case 'object':
      if (v === null) return 'nil';
      if (v instanceof GoFloat) return 'float';
      return Array.isArray(v) ? 'slice' : 'map';
    default:
      return 'invalid';
  }
}

/** Go's reflect type name of a value, as printed by %T and in error messages. */
export function typeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return '<nil>';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int';
    case 'float':
      return 'float64';
    case 'string':
      return 'string';
    case 'slice':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'func':
      return 'func(...interface {}) interface {}';
  }
}

/** Marks a function that wants GoFloat values as they are (the built-in helpers). */
export const RAW_VALUES: unique symbol = Symbol('coffer.template.rawValues');

/** Replaces a GoFloat by its number (what user functions see). */
export function plain(v: unknown): unknown {
  return v instanceof GoFloat ? v.value : v;
}

export function toNumber(v: unknown): number {
  if (v instanceof GoFloat) return v.value;
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

/** A map entry, or undefined when the key is absent (or holds undefined). */
export function mapGet(m: MapValue, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined;
}

export function mapKeys(m: MapValue): string[] {
  return Object.keys(m).filter((k) => m[k] !== undefined);
}

/** Map keys in Go's order (byte-wise, i.e. code point order). */
export function sortedKeys(m: MapValue): string[] {
  return mapKeys(m).sort(compareStrings);
}

/** Compares strings the way Go does: by UTF-8 bytes, which is code point order. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 || y >= 0xd800) {
      const cx = a.codePointAt(i) ?? x;
      const cy = b.codePointAt(i) ?? y;
      const ax = cx >= 0xd800 && cx <= 0xdfff ? 0xfffd : cx;
      const ay = cy >= 0xd800 && cy <= 0xdfff ? 0xfffd : cy;
      if (ax !== ay) return ax < ay ? -1 : 1;
      continue;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Elements of a slice; holes and undefined elements read as nil. */
export function sliceGet(s: readonly unknown[], i: number): unknown {
  const v = s[i];
  return v === undefined ? null : v;
}

/** Go's isTrue for an already-unwrapped value. */
export function isTrue(v: unknown): boolean {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return false;
    case 'bool':
      return v as boolean;
    case 'int':
    case 'float':
      return toNumber(v) !== 0;
    case 'string':
      return (v as string).length > 0;
    case 'slice':
      return (v as unknown[]).length > 0;
    case 'map':
      return mapKeys(v as MapValue).length > 0;
    case 'func':
      return true;
  }
}

/** Number of UTF-8 bytes in a string (Go's len). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Number of code points in a string (Go's utf8.RuneCountInString). */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** unicode.IsSpace. */
export function isGoSpace(r: number): boolean {
  switch (r) {
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0x20:
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return r >= 0x2000 && r <= 0x200a;
}

/** strings.TrimSpace. */
export function goTrimSpace(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isGoSpace(s.charCodeAt(a))) a++;
  while (b > a && isGoSpace(s.charCodeAt(b - 1))) b--;
  return s.slice(a, b);
}
