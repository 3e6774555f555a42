// Turns the AST into plain values following Go's hcl.Unmarshal into interface{} (decoder.go) rule by rule:
// an object inside a map becomes a list of maps, inside a list it stays a map; keys with labels are grouped
// (case-insensitively, as Go's Filter does); repeated keys merge into the first value's Go type.

import { nodeOffset, type Node, type ObjectItem, type ObjectList, type Token } from './ast.js';
import { errorAt, type ErrorSite } from './error.js';
import { heredocValue } from './heredoc.js';
import { parseGoFloat, parseGoInt } from './numbers.js';
import type { HclObject, HclValue } from './types.js';
import { unquoteGo, unquoteHcl } from './unquote.js';

/** Called once per (object, key) with the offset of the key's first occurrence. */
export type KeyRecorder = (obj: HclObject, key: string, offset: number) => void;

/** The Go type a decoded value has; it decides how a repeated key is merged into it. */
type GoKind = 'int' | 'float' | 'bool' | 'string' | 'list' | 'maplist' | 'map';

interface Decoded {
  value: HclValue;
  kind: GoKind;
}

const KIND_NAMES: Record<GoKind, string> = {
  int: 'an integer', float: 'a float', bool: 'a boolean', string: 'a string',
  list: 'a list', maplist: 'a block or object', map: 'an object',
};

/** json: the tree came from JSON input (only changes error wording). */
export function decodeRoot(root: ObjectList, site: ErrorSite, json: boolean, record?: KeyRecorder): HclObject {
  const fail = (node: Node, reason: string): never => {
    throw errorAt(site, nodeOffset(node), reason);
  };

  const stringValue = (tok: Token): string => {
    if (tok.type === 'IDENT') return tok.text;
    if (tok.type === 'HEREDOC') return heredocValue(tok.text);
    if (tok.json && tok.text === '') return ''; // JSON null
    const v = tok.json ? unquoteGo(tok.text) : unquoteHcl(tok.text);
    if (v === undefined) {
      const why = tok.json ? ' (\\u escapes must not be surrogates; write the character itself)' : ' (octal escapes go up to \\377, \\U up to \\U0010FFFF)';
      throw errorAt(site, tok.offset, `invalid string literal ${tok.text.split('\n', 1)[0]}${why}`);
    }
    return v;
  };

  const mismatch = (name: string, was: GoKind, node: Node): never => {
    if (node.kind === 'items') return mixedLabels(name, node);
    return fail(node, `"${name}" is repeated with ${describeNode(node)} after ${KIND_NAMES[was]}; Go's HCL cannot merge them`);
  };
  const mixedLabels = (name: string, node: Node): never =>
    fail(node, json
      ? `"${name}" mixes objects whose members are all objects (read as labeled blocks) with other values; Go's HCL cannot decode that`
      : `"${name}" is used both as a block with labels (${name} "label" { ... }) and without labels; use one form`);

  const numberError = (node: Node, text: string, res: 'syntax' | 'range'): never =>
    fail(node, res === 'range'
      ? `number ${text.trim()} is out of range (${/^[+-]?(0x[0-9a-f_]+|[0-9_]+)$/i.test(text.trim()) ? 'integers must fit in 64 bits' : 'beyond a 64-bit float'})`
      : `invalid number ${text.trim()}${/^-?0[0-9]/.test(text) ? ' (a leading 0 makes a number octal)' : ''}`);

  function decodeInt(name: string, node: Node): Decoded {
    if (node.kind === 'literal' && (node.token.type === 'NUMBER' || node.token.type === 'STRING')) {
      const text = node.token.type === 'NUMBER' ? node.token.text : stringValue(node.token);
      const v = parseGoInt(text);
      if (typeof v !== 'number') return numberError(node, text, v);
      return { value: v, kind: 'int' };
    }
    return mismatch(name, 'int', node);
  }

  function decodeFloat(name: string, node: Node): Decoded {
    if (node.kind === 'literal' && (node.token.type === 'FLOAT' || node.token.type === 'NUMBER')) {
      const v = parseGoFloat(node.token.text);
      if (typeof v !== 'number') return numberError(node, node.token.text, v);
      return { value: v, kind: 'float' };
    }
    return mismatch(name, 'float', node);
  }

  function decodeBool(name: string, node: Node): Decoded {
    if (node.kind === 'literal' && node.token.type === 'BOOL') return { value: node.token.text === 'true', kind: 'bool' };
    return mismatch(name, 'bool', node);
  }

  function decodeString(name: string, node: Node): Decoded {
    if (node.kind === 'literal') {
      const t = node.token.type;
      if (t === 'NUMBER') return { value: node.token.text, kind: 'string' };
      if (t === 'STRING' || t === 'HEREDOC') return { value: stringValue(node.token), kind: 'string' };
    }
    return mismatch(name, 'string', node);
  }

  /** Go's decodeInterface: picks the Go type from the node; objects in a map become lists of maps. */
  function decodeInterface(name: string, node: Node, inSlice: boolean): Decoded {
    const test = node.kind === 'object' ? node.list : node;
    switch (test.kind) {
      case 'items':
        return inSlice
          ? { value: decodeMap(name, node), kind: 'map' }
          : { value: decodeSlice(name, node, true, []), kind: 'maplist' };
      case 'list':
        return { value: decodeSlice(name, node, false, []), kind: 'list' };
      case 'literal':
        switch (test.token.type) {
          case 'BOOL': return decodeBool(name, node);
          case 'FLOAT': return decodeFloat(name, node);
          case 'NUMBER': return decodeInt(name, node);
          case 'STRING': case 'HEREDOC': return decodeString(name, node);
          default: return fail(node, `"${name}": unexpected ${test.token.type}`);
        }
      default:
        return mixedLabels(name, node);
    }
  }

  /** Go's decodeSlice: appends the node's elements to arr (a []map[string]interface{} when ofMaps). */
  function decodeSlice(name: string, node: Node, ofMaps: boolean, arr: HclValue[]): HclValue[] {
    let elems: Node[];
    if (node.kind === 'items') elems = node.items;
    else if (node.kind === 'object') elems = [node];
    else if (node.kind === 'list') elems = node.elems;
    else return fail(node, `"${name}" is repeated with ${describeNode(node)} after a list; Go's HCL cannot merge them`);
    for (const elem of elems) arr.push(ofMaps ? decodeMap(name, elem) : decodeInterface(name, elem, true).value);
    return arr;
  }

  /** Go's decodeMap: one entry per distinct key; keys with labels take every item of that key (Filter). */
  function decodeMap(name: string, node: Node): HclObject {
    let list: ObjectList;
    if (node.kind === 'item') list = { kind: 'items', items: [node] };
    else if (node.kind === 'object') list = node.list;
    else if (node.kind === 'items') list = node;
    else return fail(node, `"${name}" is repeated with ${describeNode(node)} after a block or object; Go's HCL cannot merge them`);

    const result: HclObject = {};
    // Go types of the entries, to merge repeated keys; not needed (and not allocated) for one-item maps.
    const kinds = list.items.length > 1 ? new Map<string, GoKind>() : undefined;
    let done: Set<string> | undefined; // keys with labels, already decoded with all their items
    for (const item of list.items) {
      if (item.keys.length === 0) return mixedLabels(name, item.val);
      const keyTok = item.keys[0];
      const key = stringValue(keyTok);
      if (done?.has(key)) continue;
      let val: Node = item.val;
      if (item.keys.length > 1) {
        val = filter(list, key);
        (done ??= new Set()).add(key);
      }
      const was = kinds?.get(key);
      let decoded: Decoded;
      if (was === undefined) {
        decoded = decodeInterface(key, val, false);
        record?.(result, key, keyTok.offset);
      } else {
        decoded = decodeInto(key, val, was, result[key]);
      }
      setKey(result, key, decoded.value);
      kinds?.set(key, decoded.kind);
    }
    return result;
  }

  /** Decoding into a map entry that already holds a value of Go type `was`. */
  function decodeInto(name: string, node: Node, was: GoKind, old: HclValue): Decoded {
    switch (was) {
      case 'int': return decodeInt(name, node);
      case 'float': return decodeFloat(name, node);
      case 'bool': return decodeBool(name, node);
      case 'string': return decodeString(name, node);
      case 'list': return { value: decodeSlice(name, node, false, old as HclValue[]), kind: 'list' };
      case 'maplist': return { value: decodeSlice(name, node, true, old as HclValue[]), kind: 'maplist' };
      case 'map': return mismatch(name, was, node); // map entries are never maps in Go's decoder
    }
  }

  /** Go's ObjectList.Filter(key): items whose first key matches (case-insensitively), with that key removed. */
  function filter(list: ObjectList, key: string): ObjectList {
    const items: ObjectItem[] = [];
    for (const item of list.items) {
      if (item.keys.length === 0) continue;
      const k = stringValue(item.keys[0]);
      if (k === key || equalFold(k, key)) items.push({ kind: 'item', keys: item.keys.slice(1), val: item.val });
    }
    return { kind: 'items', items };
  }

  return decodeMap('', root);
}

function setKey(obj: HclObject, key: string, value: HclValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

function describeNode(node: Node): string {
  switch (node.kind) {
    case 'literal': {
      const t = node.token;
      if (t.type === 'HEREDOC') return 'a heredoc';
      if (t.type === 'STRING') return 'a string';
      return t.type === 'BOOL' ? 'a boolean' : `the number ${t.text.trim()}`;
    }
    case 'list': return 'a list';
    case 'object': return 'a block or object';
    default: return 'labeled blocks';
  }
}

/** Go's strings.EqualFold (simple case folding), code point by code point. */
function equalFold(a: string, b: string): boolean {
  const ascii = /^[\x00-\x7f]*$/;
  if (ascii.test(a) && ascii.test(b)) return a.length === b.length && a.toLowerCase() === b.toLowerCase();
  const ca = Array.from(a);
  const cb = Array.from(b);
  if (ca.length !== cb.length) return false;
  return ca.every((x, i) => x === cb[i] || sameSingle(x.toLowerCase(), cb[i].toLowerCase()) || sameSingle(x.toUpperCase(), cb[i].toUpperCase()));
}

/** Equal case mappings that are still one code point (so "ß" and "ss" do not match via "SS"). */
function sameSingle(x: string, y: string): boolean {
  return x === y && Array.from(x).length === 1;
}
