// Executes parsed templates: a port of text/template/exec.go over JS values.
//
// Go distinguishes a value read out of a map or slice (an interface{}) from the same
// value after a pipeline; that shows in error messages ("in type interface {}") and
// in `slice`, so the executor tracks an `iface` flag next to dot and variables.

import { assignable, BUILTINS, goParamType, signatureOf, truth, type Callable } from './builtins.js';
import { TemplateError } from './errors.js';
import { formatValue } from './fmt.js';
import {
  nodeString,
  type BranchNode,
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  type PipeNode,
  type TemplateNode,
  type Tree,
  type VariableNode,
} from './node.js';
import { quote } from './strconv.js';
import type { FuncMap, MissingKeyMode, ParamType, TemplateFunction, TemplateValue } from './types.js';
import { GoFloat, isTrue, kindOf, mapGet, plain, RAW_VALUES, sliceGet, sortedKeys, toNumber, typeName, utf8Length, type MapValue } from './value.js';

/** How deep `template` calls may nest (Go allows 100000; JS stacks are smaller). */
export const MAX_EXEC_DEPTH = 1000;

const MISSING: unique symbol = Symbol('missing');
type Final = unknown;

const BREAK = { walk: 'break' };
const CONTINUE = { walk: 'continue' };

interface Variable {
  readonly name: string;
  value: unknown;
  iface: boolean;
}

interface Evaluated {
  readonly v: unknown;
  readonly iface: boolean;
}

interface Shared {
  readonly set: ReadonlyMap<string, Tree>;
  readonly lookup: (name: string) => Callable | undefined;
  readonly missingKey: MissingKeyMode;
  readonly out: string[];
}

interface State {
  readonly shared: Shared;
  readonly tree: Tree;
  node: Node | null;
  vars: Variable[];
  readonly depth: number;
}

// ---- errors ----

function errorContext(n: Node): { location: string; context: string; line: number; col: number } {
  const before = n.tree.text.slice(0, n.pos);
  const lastNL = before.lastIndexOf('\n');
  const col = lastNL === -1 ? utf8Length(before) : utf8Length(before.slice(lastNL + 1));
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  return { location: `${n.tree.parseName}:${line}:${col}`, context: nodeString(n), line, col };
}

function errorf(s: State, msg: string): never {
  const name = s.tree.name;
  if (s.node === null) throw new TemplateError('exec', `template: ${name}: ${msg}`, name);
  const { location, context, line, col } = errorContext(s.node);
  throw new TemplateError('exec', `template: ${location}: executing ${quote(name)} at <${context}>: ${msg}`, name, line, col);
}

function at(s: State, node: Node): void {
  s.node = node;
}

// ---- variables ----

function setVar(s: State, name: string, value: unknown): void {
  for (let i = s.vars.length - 1; i >= 0; i--) {
    if (s.vars[i].name === name) {
      s.vars[i].value = value;
      s.vars[i].iface = false;
      return;
    }
  }
  errorf(s, `undefined variable: ${name}`);
}

function setTopVar(s: State, n: number, value: unknown, iface: boolean): void {
  const v = s.vars[s.vars.length - n];
  v.value = value;
  v.iface = iface;
}

function varValue(s: State, name: string): Variable {
  for (let i = s.vars.length - 1; i >= 0; i--) if (s.vars[i].name === name) return s.vars[i];
  errorf(s, `undefined variable: ${name}`);
}

// ---- walking ----

function walk(s: State, dot: unknown, dotIface: boolean, node: Node): void {
  at(s, node);
  switch (node.type) {
    case 'action': {
      const val = evalPipeline(s, dot, dotIface, node.pipe);
      if (node.pipe.decl.length === 0) printValue(s, node, val);
      return;
    }
    case 'break':
      throw BREAK;
    case 'continue':
      throw CONTINUE;
    case 'comment':
      return;
    case 'if':
    case 'with':
      return walkIfOrWith(s, node, dot, dotIface);
    case 'list':
      for (const n of node.nodes) walk(s, dot, dotIface, n);
      return;
    case 'range':
      return walkRange(s, dot, dotIface, node);
    case 'template':
      return walkTemplate(s, dot, dotIface, node);
    case 'text':
      s.shared.out.push(node.text);
      return;
    default:
      errorf(s, `unknown node: ${nodeString(node)}`);
  }
}

function walkIfOrWith(s: State, node: BranchNode, dot: unknown, dotIface: boolean): void {
  const mark = s.vars.length;
  try {
    const val = evalPipeline(s, dot, dotIface, node.pipe);
    if (isTrue(val)) {
      if (node.type === 'with') walk(s, val, false, node.list);
      else walk(s, dot, dotIface, node.list);
    } else if (node.elseList !== null) {
      walk(s, dot, dotIface, node.elseList);
    }
  } finally {
    s.vars.length = mark;
  }
}

function walkRange(s: State, dot: unknown, dotIface: boolean, r: BranchNode): void {
  at(s, r);
  const outer = s.vars.length;
  try {
    const val = evalPipeline(s, dot, dotIface, r.pipe);
    const mark = s.vars.length;
    const oneIteration = (index: unknown, elem: unknown, elemIface: boolean): void => {
      if (r.pipe.decl.length > 0) setTopVar(s, 1, elem, elemIface);
      if (r.pipe.decl.length > 1) setTopVar(s, 2, index, false);
      try {
        walk(s, elem, elemIface, r.list);
      } catch (e) {
        if (e !== CONTINUE) throw e;
      } finally {
        s.vars.length = mark;
      }
    };
    let ran = false;
    switch (kindOf(val)) {
      case 'slice': {
        const list = val as readonly unknown[];
        for (let i = 0; i < list.length; i++) oneIteration(i, sliceGet(list, i), true);
        ran = list.length > 0;
        break;
      }
      case 'map': {
        const m = val as MapValue;
        const keys = sortedKeys(m);
        for (const k of keys) oneIteration(k, mapGet(m, k), true);
        ran = keys.length > 0;
        break;
      }
      case 'int': {
        // Go 1.22+: range over an integer.
        if (r.pipe.decl.length > 1) errorf(s, `can't use ${formatValue(val)} to iterate over more than one variable`);
        const n = toNumber(val);
        for (let i = 0; i < n; i++) oneIteration(i, i, false);
        ran = n > 0;
        break;
      }
      case 'invalid':
        break;
      default:
        errorf(s, `range can't iterate over ${formatValue(val)}`);
    }
    if (!ran && r.elseList !== null) walk(s, dot, dotIface, r.elseList);
  } catch (e) {
    if (e !== BREAK) throw e;
  } finally {
    s.vars.length = outer;
  }
}

function walkTemplate(s: State, dot: unknown, dotIface: boolean, t: TemplateNode): void {
  at(s, t);
  const tree = s.shared.set.get(t.name);
  if (tree === undefined) errorf(s, `template ${quote(t.name)} not defined`);
  if (s.depth === MAX_EXEC_DEPTH) errorf(s, `exceeded maximum template depth (${MAX_EXEC_DEPTH})`);
  const newDot = evalPipeline(s, dot, dotIface, t.pipe);
  const ns: State = { shared: s.shared, tree, node: s.node, vars: [{ name: '$', value: newDot, iface: false }], depth: s.depth + 1 };
  if (tree.root !== null) walk(ns, newDot, false, tree.root);
}

function printValue(s: State, node: Node, v: unknown): void {
  at(s, node);
  if (v === undefined) {
    s.shared.out.push('<no value>');
    return;
  }
  if (kindOf(v) === 'func') errorf(s, `can't print ${nodeString(node)} of type ${typeName(v)}`);
  s.shared.out.push(formatValue(v));
}

// ---- evaluation ----

function evalPipeline(s: State, dot: unknown, dotIface: boolean, pipe: PipeNode | null): unknown {
  if (pipe === null) return undefined;
  at(s, pipe);
  let value: Final = MISSING;
  for (const cmd of pipe.cmds) {
    value = evalCommand(s, dot, dotIface, cmd, value);
    if (value === null) value = undefined; // a nil interface{} becomes the invalid value
  }
  for (const v of pipe.decl) {
    if (pipe.isAssign) setVar(s, v.ident[0], value);
    else s.vars.push({ name: v.ident[0], value, iface: false });
  }
  return value;
}

function notAFunction(s: State, args: readonly Node[], final: Final): void {
  if (args.length > 1 || final !== MISSING) errorf(s, `can't give argument to non-function ${nodeString(args[0])}`);
}

function evalCommand(s: State, dot: unknown, dotIface: boolean, cmd: CommandNode, final: Final): unknown {
  const first = cmd.args[0];
  switch (first.type) {
    case 'field':
      return evalFieldNode(s, dot, dotIface, first, cmd.args, final);
    case 'chain':
      return evalChainNode(s, dot, dotIface, first, cmd.args, final);
    case 'identifier':
      return evalFunction(s, dot, dotIface, first, cmd, cmd.args, final).v;
    case 'pipe':
      notAFunction(s, cmd.args, final);
      return evalPipeline(s, dot, dotIface, first);
    case 'variable':
      return evalVariableNode(s, dot, dotIface, first, cmd.args, final).v;
  }
  at(s, first);
  notAFunction(s, cmd.args, final);
  switch (first.type) {
    case 'bool':
      return first.value;
    case 'dot':
      return dot;
    case 'nil':
      errorf(s, 'nil is not a command');
    // falls through (errorf never returns)
    case 'number':
      return idealConstant(s, first);
    case 'string':
      return first.text;
  }
  errorf(s, `can't evaluate command ${quote(nodeString(first))}`);
}

function isHexInt(text: string): boolean {
  return text.length > 2 && text[0] === '0' && (text[1] === 'x' || text[1] === 'X') && !/[pP]/.test(text);
}

function idealConstant(s: State, n: NumberNode): unknown {
  at(s, n);
  if (n.isComplex) errorf(s, `complex constant ${n.text} is not supported`);
  if (n.isFloat && !isHexInt(n.text) && n.text[0] !== "'" && /[.eEpP]/.test(n.text)) {
    return Number.isSafeInteger(n.float64) ? new GoFloat(n.float64) : n.float64;
  }
  if (n.isInt) return Number(n.int64);
  if (n.isUint) errorf(s, `${n.text} overflows int`);
  return undefined;
}

function evalFieldNode(s: State, dot: unknown, dotIface: boolean, field: FieldNode, args: readonly Node[] | null, final: Final): unknown {
  at(s, field);
  return evalFieldChain(s, dot, dot, dotIface, field, field.ident, args, final);
}

function evalChainNode(s: State, dot: unknown, dotIface: boolean, chain: ChainNode, args: readonly Node[] | null, final: Final): unknown {
  at(s, chain);
  if (chain.field.length === 0) errorf(s, 'internal error: no fields in evalChainNode');
  if (chain.node.type === 'nil') errorf(s, `indirection through explicit nil in ${nodeString(chain)}`);
  const pipe = evalArg(s, dot, dotIface, null, chain.node);
  return evalFieldChain(s, dot, pipe.v, pipe.iface, chain, chain.field, args, final);
}

function evalVariableNode(s: State, dot: unknown, dotIface: boolean, v: VariableNode, args: readonly Node[] | null, final: Final): Evaluated {
  at(s, v);
  const variable = varValue(s, v.ident[0]);
  if (v.ident.length === 1) {
    notAFunction(s, args ?? [], final);
    return { v: variable.value, iface: variable.iface };
  }
  return { v: evalFieldChain(s, dot, variable.value, variable.iface, v, v.ident.slice(1), args, final), iface: true };
}

function evalFieldChain(
  s: State,
  dot: unknown,
  receiver: unknown,
  receiverIface: boolean,
  node: Node,
  ident: readonly string[],
  args: readonly Node[] | null,
  final: Final,
): unknown {
  const n = ident.length;
  let recv = receiver;
  let iface = receiverIface;
  for (let i = 0; i < n - 1; i++) {
    recv = evalField(s, ident[i], node, null, MISSING, recv, iface);
    iface = true;
  }
  return evalField(s, ident[n - 1], node, args, final, recv, iface);
}

function evalField(
  s: State,
  fieldName: string,
  node: Node,
  args: readonly Node[] | null,
  final: Final,
  receiver: unknown,
  receiverIface: boolean,
): unknown {
  if (receiver === undefined) {
    if (s.shared.missingKey === 'error') errorf(s, `nil data; no entry for key ${quote(fieldName)}`);
    return undefined;
  }
  const typ = receiverIface ? 'interface {}' : typeName(receiver);
  if (receiver === null) errorf(s, `nil pointer evaluating ${typ}.${fieldName}`);
  const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
  if (kindOf(receiver) === 'map') {
    if (hasArgs) errorf(s, `${fieldName} is not a method but has arguments`);
    const result = mapGet(receiver as MapValue, fieldName);
    if (result === undefined) {
      switch (s.shared.missingKey) {
        case 'zero':
          return null;
        case 'error':
          errorf(s, `map has no entry for key ${quote(fieldName)}`);
        // falls through (errorf never returns)
        default:
          return undefined;
      }
    }
    return result;
  }
  errorf(s, `can't evaluate field ${fieldName} in type ${typ}`);
}

function evalFunction(
  s: State,
  dot: unknown,
  dotIface: boolean,
  node: IdentifierNode,
  cmd: Node,
  args: readonly Node[] | null,
  final: Final,
): Evaluated {
  at(s, node);
  const name = node.ident;
  const fn = s.shared.lookup(name);
  if (fn === undefined) errorf(s, `${quote(name)} is not a defined function`);
  const v = evalCall(s, dot, dotIface, fn, cmd, name, args, final);
  const iface = !fn.builtin || name === 'index' || name === 'and' || name === 'or' || name === 'call';
  return { v, iface };
}

function evalCall(
  s: State,
  dot: unknown,
  dotIface: boolean,
  fn: Callable,
  node: Node,
  name: string,
  args: readonly Node[] | null,
  final: Final,
): unknown {
  const argNodes = args === null ? [] : args.slice(1);
  const { params, variadic } = fn.sig;
  const numIn = argNodes.length + (final !== MISSING ? 1 : 0);
  let numFixed = argNodes.length;
  if (variadic !== undefined) {
    numFixed = params.length;
    if (numIn < numFixed) errorf(s, `wrong number of args for ${name}: want at least ${params.length} got ${argNodes.length}`);
  } else if (numIn !== params.length) {
    errorf(s, `wrong number of args for ${name}: want ${params.length} got ${numIn}`);
  }

  if (fn.builtin && (name === 'and' || name === 'or')) {
    let v: unknown = undefined;
    for (const arg of argNodes) {
      v = evalArg(s, dot, dotIface, 'value', arg).v;
      if (truth(v) === (name === 'or')) return v;
    }
    if (final !== MISSING) v = validateType(s, final, 'value');
    return v;
  }

  const argv: unknown[] = [];
  const ifaces: boolean[] = [];
  let i = 0;
  for (; i < numFixed && i < argNodes.length; i++) {
    const r = evalArg(s, dot, dotIface, params[i], argNodes[i]);
    argv.push(r.v);
    ifaces.push(r.iface);
  }
  if (variadic !== undefined) {
    for (; i < argNodes.length; i++) {
      const r = evalArg(s, dot, dotIface, variadic, argNodes[i]);
      argv.push(r.v);
      ifaces.push(r.iface);
    }
  }
  if (final !== MISSING) {
    let t: ParamType;
    if (variadic === undefined) t = params[params.length - 1];
    else t = numIn - 1 < numFixed ? params[numIn - 1] : variadic;
    argv.push(validateType(s, final, t));
    ifaces.push(false);
  }
  try {
    return fn.call(argv, ifaces);
  } catch (e) {
    if (e === BREAK || e === CONTINUE) throw e;
    at(s, node);
    errorf(s, `error calling ${name}: ${errorMessage(e)}`);
  }
}

function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

function validateType(s: State, value: unknown, typ: ParamType | null): unknown {
  if (value === undefined) {
    if (typ === null || typ === 'value') return undefined;
    if (typ === 'any' || typ === 'strings' || typ === 'list' || typ === 'map') return null;
    errorf(s, `invalid value; expected ${goParamType(typ)}`);
  }
  if (typ === null || typ === 'value' || typ === 'any') return value;
  if (value === null) errorf(s, `wrong type for value; expected ${goParamType(typ)}; got interface {}`);
  if (assignable(value, typ)) return value;
  errorf(s, `wrong type for value; expected ${goParamType(typ)}; got ${typeName(value)}`);
}

function evalArg(s: State, dot: unknown, dotIface: boolean, typ: ParamType | null, n: Node): Evaluated {
  at(s, n);
  switch (n.type) {
    case 'dot':
      return { v: validateType(s, dot, typ), iface: dotIface };
    case 'nil':
      if (typ === null || typ === 'value') return { v: undefined, iface: false };
      if (typ === 'any' || typ === 'strings' || typ === 'list' || typ === 'map') return { v: null, iface: false };
      errorf(s, `cannot assign nil to ${goParamType(typ)}`);
    // falls through (errorf never returns)
    case 'field':
      return { v: validateType(s, evalFieldNode(s, dot, dotIface, n, [n], MISSING), typ), iface: true };
    case 'variable': {
      const r = evalVariableNode(s, dot, dotIface, n, null, MISSING);
      return { v: validateType(s, r.v, typ), iface: r.iface };
    }
    case 'pipe':
      return { v: validateType(s, evalPipeline(s, dot, dotIface, n), typ), iface: false };
    case 'identifier': {
      const r = evalFunction(s, dot, dotIface, n, n, null, MISSING);
      return { v: validateType(s, r.v, typ), iface: r.iface };
    }
    case 'chain':
      return { v: validateType(s, evalChainNode(s, dot, dotIface, n, null, MISSING), typ), iface: true };
  }
  switch (typ) {
    case 'bool':
      if (n.type === 'bool') return { v: n.value, iface: false };
      errorf(s, `expected bool; found ${nodeString(n)}`);
    // falls through (errorf never returns)
    case 'float64':
      if (n.type === 'number' && n.isFloat) return { v: n.float64, iface: false };
      errorf(s, `expected float; found ${nodeString(n)}`);
    // falls through (errorf never returns)
    case 'int':
      if (n.type === 'number' && n.isInt) return { v: Number(n.int64), iface: false };
      errorf(s, `expected integer; found ${nodeString(n)}`);
    // falls through (errorf never returns)
    case 'string':
      if (n.type === 'string') return { v: n.text, iface: false };
      errorf(s, `expected string; found ${nodeString(n)}`);
    // falls through (errorf never returns)
    case 'any':
    case 'value':
    case null:
      return { v: evalEmptyInterface(s, n), iface: false };
    case 'strings':
    case 'list':
    case 'map':
      errorf(s, `can't handle ${nodeString(n)} for arg of type ${goParamType(typ)}`);
  }
}

function evalEmptyInterface(s: State, n: Node): unknown {
  at(s, n);
  switch (n.type) {
    case 'bool':
      return n.value;
    case 'number':
      return idealConstant(s, n);
    case 'string':
      return n.text;
  }
  errorf(s, `can't handle assignment of ${nodeString(n)} to empty interface argument`);
}

// ---- entry point ----

export interface ExecuteInput {
  readonly set: ReadonlyMap<string, Tree>;
  readonly name: string;
  readonly data: unknown;
  readonly funcs: FuncMap;
  readonly missingKey: MissingKeyMode;
}

function userCallable(fn: TemplateFunction): Callable {
  const raw = (fn as { [RAW_VALUES]?: boolean })[RAW_VALUES] === true;
  return {
    sig: signatureOf(fn),
    builtin: false,
    call: (args) => {
      const result = fn(...((raw ? args : args.map(plain)) as TemplateValue[]));
      return result === undefined ? null : result;
    },
  };
}

/** Executes the named template of a set and returns its output. */
export function executeTrees(input: ExecuteInput): string {
  const tree = input.set.get(input.name);
  const cache = new Map<string, Callable>();
  const lookup = (name: string): Callable | undefined => {
    let c = cache.get(name);
    if (c !== undefined) return c;
    const fn = Object.prototype.hasOwnProperty.call(input.funcs, name) ? input.funcs[name] : undefined;
    c = typeof fn === 'function' ? userCallable(fn) : BUILTINS.get(name);
    if (c !== undefined) cache.set(name, c);
    return c;
  };
  const shared: Shared = { set: input.set, lookup, missingKey: input.missingKey, out: [] };
  const value = input.data === null ? undefined : input.data;
  const placeholder: Tree = { name: input.name, parseName: input.name, root: null, text: '' };
  const s: State = { shared, tree: tree ?? placeholder, node: null, vars: [{ name: '$', value, iface: false }], depth: 0 };
  if (tree === undefined || tree.root === null) errorf(s, `${quote(input.name)} is an incomplete or empty template`);
  try {
    walk(s, value, false, tree.root as ListNode);
  } catch (e) {
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      errorf(s, `exceeded maximum template depth (JavaScript stack exhausted)`);
    }
    throw e;
  }
  return shared.out.join('');
}

