// HCL parser: a port of Go's hcl/parser, building the Go-shaped AST; quirks (error recovery at '}', `a =` at
// end of file being dropped, no comma needed after a nested list) are kept on purpose so results match Go's.

import type { ListType, LiteralType, Node, ObjectItem, ObjectList, ObjectType, Token } from './ast.js';
import { errorAt, type ErrorSite } from './error.js';
import { hclScanner } from './scanner.js';
import { describeToken, keyNames } from './describe.js';

interface Failure { kind: 'fail'; offset: number; reason: string }
interface End { kind: 'end' }
type Err = Failure | End;

const END: End = { kind: 'end' };
const fail = (offset: number, reason: string): Failure => ({ kind: 'fail', offset, reason });

/** Parses HCL source (already CRLF-normalized) into the root object list; throws HclError. */
export function parseHclAst(src: string, site: ErrorSite): ObjectList {
  const next = hclScanner(src, site);
  let tok: Token = { type: 'EOF', offset: 0, text: '', json: false };
  let buffered = false;

  const scan = (): Token => {
    if (buffered) {
      buffered = false;
      return tok;
    }
    tok = next();
    return tok;
  };
  const unscan = (): void => {
    buffered = true;
  };
  const lineOf = (offset: number): number => site.lines.position(offset).line;

  function objectList(inObject: boolean): { node: ObjectList; err?: Failure } {
    const node: ObjectList = { kind: 'items', items: [] };
    for (;;) {
      if (inObject) {
        const t = scan();
        unscan();
        if (t.type === 'RBRACE') break;
      }
      const item = objectItem();
      if (item.kind === 'end') break;
      if (item.kind === 'fail') return { node, err: item };
      node.items.push(item);
      if (scan().type !== 'COMMA') unscan();
    }
    return { node };
  }

  function objectItem(): ObjectItem | Err {
    const res = objectKey();
    const keys = res.keys;
    let err = res.err;
    if (keys.length > 0 && err === END) err = undefined;
    const found = tok;
    if (keys.length > 0 && err !== undefined && tok.type === 'RBRACE') {
      err = undefined;
      tok = { ...tok, type: 'EOF' };
    }
    if (err !== undefined) return err;

    let val: Node | Err;
    switch (tok.type) {
      case 'ASSIGN':
        val = object();
        break;
      case 'LBRACE':
        val = objectType();
        break;
      default:
        return fail(found.offset, `expected '=' or '{' after key ${keyNames(keys)}, found ${describeToken(found)}`);
    }
    if (val.kind === 'fail' || val.kind === 'end') return val;
    scan(); // Go looks ahead here for a line comment; the look-ahead changes which token is current
    unscan();
    return { kind: 'item', keys, val };
  }

  function objectKey(): { keys: Token[]; err?: Err } {
    const keys: Token[] = [];
    for (;;) {
      const t = scan();
      switch (t.type) {
        case 'EOF':
          return { keys, err: END };
        case 'ASSIGN':
          if (keys.length > 1) {
            return { keys: [], err: fail(t.offset, `'=' cannot follow several keys (${keyNames(keys)}); a block with labels needs '{', e.g. ${keyNames(keys)} { ... }`) };
          }
          if (keys.length === 0) return { keys: [], err: fail(t.offset, "expected a key before '='") };
          return { keys };
        case 'LBRACE':
          if (keys.length === 0) return { keys, err: fail(t.offset, "expected a key before '{'") };
          return { keys };
        case 'IDENT':
        case 'STRING':
          keys.push(t);
          break;
        default:
          return { keys, err: fail(t.offset, keys.length === 0
            ? `expected a key, found ${describeToken(t)}`
            : `expected '=' or '{' after key ${keyNames(keys)}, found ${describeToken(t)}`) };
      }
    }
  }

  function object(): Node | Err {
    const t = scan();
    switch (t.type) {
      case 'NUMBER': case 'FLOAT': case 'BOOL': case 'STRING': case 'HEREDOC':
        return literal(t);
      case 'LBRACE':
        return objectType();
      case 'LBRACK':
        return listType();
      case 'EOF':
        return END;
      default: {
        const hint = t.type === 'IDENT' ? ` (strings must be quoted: "${t.text}")` : '';
        return fail(t.offset, `expected a value (string, number, bool, list or object), found ${describeToken(t)}${hint}`);
      }
    }
  }

  function objectType(): ObjectType | Err {
    const lbrace = tok.offset;
    const { node, err } = objectList(true);
    // Go forgives any error inside the braces when the current token is '}' (keeping the items read so far).
    if (err !== undefined && tok.type !== 'RBRACE') return err;
    const t = scan();
    if (t.type !== 'RBRACE') {
      return fail(t.offset, t.type === 'EOF'
        ? `unterminated block: '{' at line ${lineOf(lbrace)} is never closed`
        : `expected '}' to close the block opened at line ${lineOf(lbrace)}, found ${describeToken(t)}`);
    }
    return { kind: 'object', offset: lbrace, list: node };
  }

  function listType(): ListType | Err {
    const list: ListType = { kind: 'list', offset: tok.offset, elems: [] };
    let needComma = false;
    for (;;) {
      const t = scan();
      if (needComma && t.type !== 'COMMA' && t.type !== 'RBRACK') {
        return fail(t.offset, t.type === 'EOF'
          ? `unterminated list: '[' at line ${lineOf(list.offset)} is never closed`
          : `expected ',' or ']' in the list opened at line ${lineOf(list.offset)}, found ${describeToken(t)}`);
      }
      switch (t.type) {
        case 'BOOL': case 'NUMBER': case 'FLOAT': case 'STRING': case 'HEREDOC':
          list.elems.push(literal(t));
          needComma = true;
          break;
        case 'COMMA':
          scan(); // look-ahead for a line comment, as in Go
          unscan();
          needComma = false;
          break;
        case 'LBRACE': {
          const node = objectType();
          if (node.kind === 'fail' || node.kind === 'end') return node;
          list.elems.push(node);
          needComma = true;
          break;
        }
        case 'LBRACK': {
          const node = listType();
          if (node.kind === 'fail' || node.kind === 'end') return node;
          list.elems.push(node); // Go does not require a comma after a nested list
          break;
        }
        case 'RBRACK':
          return list;
        default:
          return fail(t.offset, t.type === 'EOF'
            ? `unterminated list: '[' at line ${lineOf(list.offset)} is never closed`
            : `unexpected ${describeToken(t)} in list`);
      }
    }
  }

  const { node, err } = objectList(false);
  if (err !== undefined) throw errorAt(site, err.offset, err.reason);
  return node;
}

function literal(token: Token): LiteralType {
  return { kind: 'literal', token };
}
