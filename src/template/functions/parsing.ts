// parseBool, parseInt, parseUint, parseFloat, parseJSON with strconv's rules and messages.

import { parseBool } from '../../lib/parse-bool.js';
import { parseFloatGo } from '../number.js';
import { quote } from '../strconv.js';

function numError(fn: string, s: string, err: 'invalid syntax' | 'value out of range'): Error {
  return new Error(`strconv.${fn}: parsing ${quote(s)}: ${err}`);
}

export function goParseBool(s: string): boolean {
  const b = parseBool(s);
  if (b === undefined) throw numError('ParseBool', s, 'invalid syntax');
  return b;
}

/** strconv.ParseInt(s, 10, 64) (or ParseUint when unsigned). */
export function goParseDecimal(s: string, unsigned: boolean): number {
  const fn = unsigned ? 'ParseUint' : 'ParseInt';
  const m = unsigned ? /^[0-9]+$/.exec(s) : /^[+-]?[0-9]+$/.exec(s);
  if (!m) throw numError(fn, s, 'invalid syntax');
  const n = BigInt(s);
  const max = unsigned ? (1n << 64n) - 1n : (1n << 63n) - 1n;
  const min = unsigned ? 0n : -(1n << 63n);
  if (n > max || n < min) throw numError(fn, s, 'value out of range');
  return Number(n);
}

export function goParseFloat(s: string): number {
  const f = parseFloatGo(s);
  if (f !== null) return f;
  const wellFormed = /^[+-]?(?:[0-9_]+\.?[0-9_]*|\.[0-9_]+)(?:[eE][+-]?[0-9_]+)?$/.test(s) && /[0-9]/.test(s);
  throw numError('ParseFloat', s, wellFormed ? 'value out of range' : 'invalid syntax');
}

/** JSON text to a value; "" gives an empty map, as in consul-template. */
export function parseJSONText(s: string): unknown {
  if (s === '') return {};
  return JSON.parse(s) as unknown;
}
