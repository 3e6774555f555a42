// consul-template's math helpers: add subtract multiply divide modulo minimum maximum.
// Argument order is consul-template's: `subtract 2 5` is 5 - 2 (built for pipes: `5 | subtract 2`).

import { sprintf } from '../fmt.js';
import { kindOf, toNumber, typeName } from '../value.js';

type NumKind = 'int' | 'float';

function numKind(v: unknown): NumKind | null {
  const k = kindOf(v);
  return k === 'int' || k === 'float' ? k : null;
}

function unknownType(fn: string, v: unknown): Error {
  const shown = v === null || v === undefined ? '<invalid reflect.Value>' : sprintf('%q', [v]);
  return new Error(`${fn}: unknown type for ${shown} (${typeName(v)})`);
}

/** Checks kinds in Go's order (the second argument first) and returns both numbers. */
function operands(fn: string, b: unknown, a: unknown, allowFloat = true): [number, number, boolean] {
  const ak = numKind(a);
  if (ak === null || (!allowFloat && ak === 'float')) throw unknownType(fn, a);
  const bk = numKind(b);
  if (bk === null || (!allowFloat && bk === 'float')) throw unknownType(fn, b);
  return [toNumber(a), toNumber(b), ak === 'int' && bk === 'int'];
}

export function add(b: unknown, a: unknown): number {
  const [x, y] = operands('add', b, a);
  return x + y;
}

export function subtract(b: unknown, a: unknown): number {
  const [x, y] = operands('subtract', b, a);
  return x - y;
}

export function multiply(b: unknown, a: unknown): number {
  const [x, y] = operands('multiply', b, a);
  return x * y;
}

export function divide(b: unknown, a: unknown): number {
  const [x, y, ints] = operands('divide', b, a);
  if (ints) {
    if (y === 0) throw new Error('runtime error: integer divide by zero');
    return Math.trunc(x / y);
  }
  return x / y;
}

export function modulo(b: unknown, a: unknown): number {
  const [x, y] = operands('modulo', b, a, false);
  if (y === 0) throw new Error('runtime error: integer divide by zero');
  return x % y;
}

export function minimum(b: unknown, a: unknown): number {
  const [x, y] = operands('minimum', b, a);
  return x < y ? x : y;
}

export function maximum(b: unknown, a: unknown): number {
  const [x, y] = operands('maximum', b, a);
  return x > y ? x : y;
}
