// Number literals in templates: Go's strconv.ParseInt/ParseUint (base 0), ParseFloat,
// and parse.newNumber's rules for deciding int / uint / float / complex.

import { unquoteChar, quote } from './strconv.js';

export interface NumberValue {
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
}

const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;

function lower(c: string): string {
  return c.toLowerCase();
}

/** strconv's underscoreOK: underscores only between digits (or after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, 0, 64); null on any error. */
export function parseUint0(s0: string): bigint | null {
  let s = s0;
  if (s === '') return null;
  let base = 10;
  if (s[0] === '0') {
    if (s.length >= 3 && lower(s[1]) === 'b') {
      base = 2;
      s = s.slice(2);
    } else if (s.length >= 3 && lower(s[1]) === 'o') {
      base = 8;
      s = s.slice(2);
    } else if (s.length >= 3 && lower(s[1]) === 'x') {
      base = 16;
      s = s.slice(2);
    } else {
      base = 8;
      s = s.slice(1);
    }
  }
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const c of s) {
    let d: number;
    if (c === '_') {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') {
      d = c.charCodeAt(0) - 48;
    } else if (lower(c) >= 'a' && lower(c) <= 'z') {
      d = lower(c).charCodeAt(0) - 87;
    } else {
      return null;
    }
    if (d >= base) return null;
    n = n * b + BigInt(d);
    if (n >= TWO64) return null;
  }
  if (underscores && !underscoreOK(s0)) return null;
  return n;
}

/** strconv.ParseInt(s, 0, 64); null on any error. */
export function parseInt0(s0: string): bigint | null {
  if (s0 === '') return null;
  let s = s0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const un = parseUint0(s);
  if (un === null) return null;
  if (s0 !== s && s.includes('_') && !underscoreOK(s0)) return null;
  if (!neg && un >= TWO63) return null;
  if (neg && un > TWO63) return null;
  return neg ? -un : un;
}

/** strconv.ParseFloat(s, 64) for Go float syntax; null on syntax or range error. */
export function parseFloatGo(s: string): number | null {
  let i = 0;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  const rest = s.slice(i).toLowerCase();
  if (rest === 'inf' || rest === 'infinity') return neg ? -Infinity : Infinity;
  if (rest === 'nan') return NaN;
  let base = 10;
  if (s.length >= i + 2 && s[i] === '0' && lower(s[i + 1]) === 'x') {
    base = 16;
    i += 2;
  }
  let mant = '';
  let sawdot = false;
  let sawdigits = false;
  let dp = 0;
  let underscores = false;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '_') {
      underscores = true;
      continue;
    }
    if (c === '.') {
      if (sawdot) break;
      sawdot = true;
      dp = mant.length;
      continue;
    }
    const isDigit = c >= '0' && c <= '9';
    const isHex = base === 16 && lower(c) >= 'a' && lower(c) <= 'f';
    if (isDigit || isHex) {
      sawdigits = true;
      mant += c;
      continue;
    }
    break;
  }
  if (!sawdigits) return null;
  if (!sawdot) dp = mant.length;
  let exp = 0;
  const expChar = base === 16 ? 'p' : 'e';
  if (i < s.length && lower(s[i]) === expChar) {
    i++;
    let esign = 1;
    if (s[i] === '+' || s[i] === '-') {
      if (s[i] === '-') esign = -1;
      i++;
    }
    if (i >= s.length || s[i] < '0' || s[i] > '9') return null;
    let e = 0;
    for (; i < s.length && ((s[i] >= '0' && s[i] <= '9') || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
        continue;
      }
      if (e < 100000) e = e * 10 + (s.charCodeAt(i) - 48);
    }
    exp = e * esign;
  } else if (base === 16) {
    return null;
  }
  if (i !== s.length) return null;
  if (underscores && !underscoreOK(s)) return null;
  let v: number;
  if (base === 10) {
    const frac = mant.slice(dp);
    const int = mant.slice(0, dp);
    v = Number(`${int || '0'}.${frac || '0'}e${exp}`);
  } else {
    const m = BigInt('0x' + (mant || '0'));
    const e2 = exp - 4 * (mant.length - dp);
    v = Number(m) * 2 ** e2;
    if (!Number.isFinite(v) && m !== 0n) v = Infinity;
  }
  if (!Number.isFinite(v)) return null;
  return neg ? -v : v;
}

function intLikeFloat(f: number): { isInt: boolean; isUint: boolean; i: bigint; u: bigint } {
  const integral = Number.isInteger(f);
  const isInt = integral && f >= -(2 ** 63) && f < 2 ** 63;
  const isUint = integral && f >= 0 && f < 2 ** 64;
  return {
    isInt,
    isUint,
    i: isInt ? BigInt(f) : 0n,
    u: isUint ? BigInt(f) : 0n,
  };
}

function complexValue(re: number, im: number): NumberValue {
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, isComplex: true, int64: 0n, uint64: 0n, float64: 0 };
  n.isFloat = im === 0;
  if (n.isFloat) {
    n.float64 = re;
    const x = intLikeFloat(re);
    n.isInt = x.isInt;
    n.int64 = x.i;
    n.isUint = x.isUint;
    n.uint64 = x.u;
  }
  return n;
}

/** parse.newNumber: classify a number, char or complex literal; throws Error(message) on failure. */
export function parseNumber(text: string, kind: 'number' | 'char' | 'complex'): NumberValue {
  if (kind === 'char') {
    const { value, tail } = unquoteChar(text.slice(1), text[0]);
    if (tail !== "'") throw new Error(`malformed character constant: ${text}`);
    const v = BigInt(value);
    return { isInt: true, isUint: true, isFloat: true, isComplex: false, int64: v, uint64: v, float64: value };
  }
  if (kind === 'complex') {
    // "re+imi" as produced by the lexer.
    const m = /^([+-]?[^+-]*(?:[eEpP][+-][^+-]*)?)([+-].*)i$/.exec(text);
    const re = m ? parseFloatGo(m[1]) : null;
    const im = m ? parseFloatGo(m[2]) : null;
    if (re === null || im === null) throw new Error(`expected integer`);
    return complexValue(re, im);
  }
  if (text.length > 0 && text[text.length - 1] === 'i') {
    const f = parseFloatGo(text.slice(0, -1));
    if (f !== null) return complexValue(0, f);
  }
  const n: NumberValue = { isInt: false, isUint: false, isFloat: false, isComplex: false, int64: 0n, uint64: 0n, float64: 0 };
  const u = parseUint0(text);
  if (u !== null) {
    n.isUint = true;
    n.uint64 = u;
  }
  const i = parseInt0(text);
  if (i !== null) {
    n.isInt = true;
    n.int64 = i;
    if (i === 0n) {
      n.isUint = true;
      n.uint64 = u ?? 0n;
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseFloatGo(text);
    if (f !== null) {
      if (!/[.eEpP]/.test(text)) throw new Error(`integer overflow: ${quote(text)}`);
      n.isFloat = true;
      n.float64 = f;
      const x = intLikeFloat(f);
      if (!n.isInt && x.isInt) {
        n.isInt = true;
        n.int64 = x.i;
      }
      if (!n.isUint && x.isUint) {
        n.isUint = true;
        n.uint64 = x.u;
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error(`illegal number syntax: ${quote(text)}`);
  return n;
}
