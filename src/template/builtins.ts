// Go's builtin template functions (text/template/funcs.go): len index slice not
// print printf println html js urlquery call eq ne lt le gt ge. `and`/`or` are
// evaluated lazily by the executor and only declared here.
//
// Comparisons follow Go except that an int and a float compare by value (Go reports
// "incompatible types"): JSON numbers do not say whether 3 is an int or 3.0 a float.

import { FuncError } from './errors.js';
import { evalArgs, htmlEscapeString, jsEscapeString, urlQueryEscape } from './escape.js';
import { sprint, sprintf, sprintln } from './fmt.js';
import type { FunctionSignature, ParamType, TemplateFunction, TemplateValue } from './types.js';
import {
  compareStrings,
  isTrue,
  kindOf,
  mapGet,
  mapKeys,
  plain,
  sliceGet,
  toNumber,
  typeName,
  utf8Length,
  type MapValue,
} from './value.js';

/** A callable function as the executor sees it. */
export interface Callable {
  readonly sig: FunctionSignature;
  readonly builtin: boolean;
  /** args are already converted per the signature; ifaces[i] tells whether arg i is interface-typed. */
  readonly call: (args: unknown[], ifaces: boolean[]) => unknown;
}

const VALUE: ParamType = 'value';

/** Go's indirectInterface: a nil interface becomes the invalid value. */
function indirectInterface(v: unknown): unknown {
  return v === null ? undefined : v;
}

function truth(v: unknown): boolean {
  return isTrue(indirectInterface(v));
}

function indexArg(index: unknown, iface: boolean, cap: number): number {
  if (iface && index !== undefined) {
    throw new FuncError('cannot index slice/array with type interface {}');
  }
  const k = kindOf(index);
  if (k === 'invalid' || k === 'nil') throw new FuncError('cannot index slice/array with nil');
  if (k !== 'int') throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  const x = toNumber(index);
  if (x < 0 || x > cap) throw new FuncError(`index out of range: ${x}`);
  return x;
}

function length(item: unknown): number {
  if (item === null) throw new FuncError('len of nil pointer');
  switch (kindOf(item)) {
    case 'invalid':
      throw new FuncError('reflect: call of reflect.Value.Type on zero Value');
    case 'string':
      return utf8Length(item as string);
    case 'slice':
      return (item as unknown[]).length;
    case 'map':
      return mapKeys(item as MapValue).length;
    default:
      throw new FuncError(`len of type ${typeName(item)}`);
  }
}

function index(args: unknown[]): unknown {
  let item = indirectInterface(args[0]);
  if (item === undefined) throw new FuncError('index of untyped nil');
  for (const raw of args.slice(1)) {
    const idx = indirectInterface(raw);
    if (item === null) throw new FuncError('index of nil pointer');
    switch (kindOf(item)) {
      case 'slice': {
        const s = item as unknown[];
        const x = indexArg(idx, false, s.length);
        if (x >= s.length) throw new FuncError('reflect: slice index out of range');
        item = sliceGet(s, x);
        break;
      }
      case 'string': {
        const b = Buffer.from(item as string, 'utf8');
        const x = indexArg(idx, false, b.length);
        if (x >= b.length) throw new FuncError('reflect: string index out of range');
        item = b[x];
        break;
      }
      case 'map': {
        if (idx === undefined) throw new FuncError('value is nil; should be of type string');
        if (typeof idx !== 'string') throw new FuncError(`value has type ${typeName(idx)}; should be string`);
        const v = mapGet(item as MapValue, idx);
        item = v === undefined ? null : v;
        break;
      }
      default:
        throw new FuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

function slice(args: unknown[], ifaces: boolean[]): unknown {
  const item = indirectInterface(args[0]);
  if (item === undefined) throw new FuncError('slice of untyped nil');
  const indexes = args.slice(1);
  if (indexes.length > 3) throw new FuncError(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  let len: number;
  const k = kindOf(item);
  if (k === 'string') {
    if (indexes.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = cap = utf8Length(item as string);
  } else if (k === 'slice') {
    len = cap = (item as unknown[]).length;
  } else {
    throw new FuncError(`can't slice item of type ${typeName(item)}`);
  }
  const idx = [0, len, 0];
  indexes.forEach((x, i) => {
    idx[i] = indexArg(x, ifaces[i + 1], cap);
  });
  if (idx[0] > idx[1]) throw new FuncError(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new FuncError(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  if (k === 'string') return Buffer.from(item as string, 'utf8').subarray(idx[0], idx[1]).toString('utf8');
  return (item as unknown[]).slice(idx[0], idx[1]);
}

type BasicKind = 'bool' | 'int' | 'float' | 'string' | 'invalid';

function basicKind(v: unknown): BasicKind {
  const k = kindOf(v);
  return k === 'bool' || k === 'int' || k === 'float' || k === 'string' ? k : 'invalid';
}

function isNumberKind(k: BasicKind): boolean {
  return k === 'int' || k === 'float';
}

/** fmt's verb applied to a reflect.Value in an error message. */
function show(verb: string, v: unknown): string {
  return v === undefined ? '<invalid reflect.Value>' : sprintf(verb, [v]);
}

function eq(args: unknown[]): boolean {
  const arg1 = indirectInterface(args[0]);
  if (args.length < 2) throw new FuncError('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const raw of args.slice(1)) {
    const arg = indirectInterface(raw);
    const k2 = basicKind(arg);
    let t = false;
    if (k1 !== k2) {
      if (isNumberKind(k1) && isNumberKind(k2)) t = toNumber(arg1) === toNumber(arg);
      else if (arg1 !== undefined && arg !== undefined) throw new FuncError('incompatible types for comparison');
    } else if (k1 !== 'invalid') {
      t = k1 === 'int' || k1 === 'float' ? toNumber(arg1) === toNumber(arg) : arg1 === arg;
    } else {
      const c1 = kindOf(arg1);
      const c2 = kindOf(arg);
      if (c1 !== c2 && c1 !== 'invalid' && c2 !== 'invalid') {
        throw new FuncError(`non-comparable types ${show('%s', arg1)}: ${typeName(arg1)}, ${typeName(arg)}: ${show('%v', arg)}`);
      }
      if (arg1 === undefined || arg === undefined) {
        t = (arg1 === undefined) === (arg === undefined);
      } else {
        throw new FuncError(`non-comparable type ${show('%s', arg)}: ${typeName(arg)}`);
      }
    }
    if (t) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const arg1 = indirectInterface(a);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new FuncError('invalid type for comparison');
  const arg2 = indirectInterface(b);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new FuncError('invalid type for comparison');
  if (k1 !== k2) {
    if (isNumberKind(k1) && isNumberKind(k2)) return toNumber(arg1) < toNumber(arg2);
    throw new FuncError('incompatible types for comparison');
  }
  switch (k1) {
    case 'bool':
      throw new FuncError('invalid type for comparison');
    case 'string':
      return compareStrings(arg1 as string, arg2 as string) < 0;
    default:
      return toNumber(arg1) < toNumber(arg2);
  }
}

function le(a: unknown, b: unknown): boolean {
  return lt(a, b) || eq([a, b]);
}

/** Converts one argument for `call`, as Go's prepareArg does. */
function prepareArg(v: unknown, t: ParamType): unknown {
  if (v === undefined) {
    if (t === 'string' || t === 'int' || t === 'float64' || t === 'bool') throw new FuncError(`value is nil; should be of type ${goParamType(t)}`);
    return t === 'value' ? undefined : null;
  }
  if (t === 'any' || t === 'value' || assignable(v, t)) return v;
  throw new FuncError(`value has type ${typeName(v)}; should be ${goParamType(t)}`);
}

/** Go type of a declared parameter, for messages. */
export function goParamType(t: ParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'strings':
      return '[]string';
    case 'list':
      return '[]interface {}';
    case 'map':
      return 'map[string]interface {}';
    case 'value':
      return 'reflect.Value';
    default:
      return t;
  }
}

/** Can a (non-nil) value be passed where Go expects type t? */
export function assignable(v: unknown, t: ParamType): boolean {
  const k = kindOf(v);
  switch (t) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return k === 'string';
    case 'int':
      return k === 'int';
    case 'float64':
      return k === 'float' || k === 'int';
    case 'bool':
      return k === 'bool';
    case 'strings':
      return k === 'slice' && (v as unknown[]).every((e) => typeof e === 'string');
    case 'list':
      return k === 'slice';
    case 'map':
      return k === 'map';
  }
}

export function signatureOf(fn: TemplateFunction): FunctionSignature {
  return fn.signature ?? { params: [], variadic: 'any' };
}

function call(args: unknown[]): unknown {
  const fn = indirectInterface(args[0]);
  if (fn === undefined) throw new FuncError('call of nil');
  if (typeof fn !== 'function') throw new FuncError(`non-function of type ${typeName(fn)}`);
  const f = fn as TemplateFunction;
  const sig = signatureOf(f);
  const rest = args.slice(1);
  const numIn = sig.params.length;
  if (sig.variadic !== undefined) {
    if (rest.length < numIn) throw new FuncError(`wrong number of args: got ${rest.length} want at least ${numIn}`);
  } else if (rest.length !== numIn) {
    throw new FuncError(`wrong number of args: got ${rest.length} want ${numIn}`);
  }
  const argv = rest.map((raw, i) => {
    const t = i < numIn ? sig.params[i] : (sig.variadic ?? 'any');
    try {
      return prepareArg(indirectInterface(raw), t);
    } catch (e) {
      throw new FuncError(`arg ${i}: ${(e as Error).message}`);
    }
  });
  const result = f(...(argv.map(plain) as TemplateValue[]));
  return result === undefined ? null : result;
}

function builtin(params: ParamType[], variadic: ParamType | undefined, call: Callable['call']): Callable {
  return { sig: variadic === undefined ? { params } : { params, variadic }, builtin: true, call };
}

export const BUILTINS: ReadonlyMap<string, Callable> = new Map<string, Callable>([
  ['and', builtin([VALUE], VALUE, () => undefined)],
  ['or', builtin([VALUE], VALUE, () => undefined)],
  ['not', builtin([VALUE], undefined, (a) => !truth(a[0]))],
  ['len', builtin([VALUE], undefined, (a) => length(a[0]))],
  ['index', builtin([VALUE], VALUE, (a) => index(a))],
  ['slice', builtin([VALUE], VALUE, (a, i) => slice(a, i))],
  ['call', builtin([VALUE], VALUE, (a) => call(a))],
  ['print', builtin([], 'any', (a) => sprint(a))],
  ['println', builtin([], 'any', (a) => sprintln(a))],
  ['printf', builtin(['string'], 'any', (a) => sprintf(a[0] as string, a.slice(1)))],
  ['html', builtin([], 'any', (a) => htmlEscapeString(evalArgs(a)))],
  ['js', builtin([], 'any', (a) => jsEscapeString(evalArgs(a)))],
  ['urlquery', builtin([], 'any', (a) => urlQueryEscape(evalArgs(a)))],
  ['eq', builtin([VALUE], VALUE, (a) => eq(a))],
  ['ne', builtin([VALUE, VALUE], undefined, (a) => !eq(a))],
  ['lt', builtin([VALUE, VALUE], undefined, (a) => lt(a[0], a[1]))],
  ['le', builtin([VALUE, VALUE], undefined, (a) => le(a[0], a[1]))],
  ['gt', builtin([VALUE, VALUE], undefined, (a) => !le(a[0], a[1]))],
  ['ge', builtin([VALUE, VALUE], undefined, (a) => !lt(a[0], a[1]))],
]);

export { truth };
