// JSON parser: a port of Go's hcl/json/parser. It is far more forgiving than JSON (and drops some values,
// e.g. booleans inside lists) exactly like Go's; the tree is then flattened into HCL's block shape.

import type { ListType, LiteralType, Node, ObjectItem, ObjectList, ObjectType, Token } from './ast.js';
import { describeToken } from './describe.js';
import { errorAt, type ErrorSite } from './error.js';
import { flattenObjects } from './json-flatten.js';
import { jsonScanner } from './json-scanner.js';

interface Failure { kind: 'fail'; offset: number; reason: string }
interface End { kind: 'end' }
type Err = Failure | End;

const END: End = { kind: 'end' };
const fail = (offset: number, reason: string): Failure => ({ kind: 'fail', offset, reason });
const isErr = (x: Node | Err): x is Err => x.kind === 'fail' || x.kind === 'end';

/** Parses JSON source into the root object list (flattened as Go does); throws HclError. */
export function parseJsonAst(src: string, site: ErrorSite): ObjectList {
  const next = jsonScanner(src, site);
  let tok: Token = { type: 'EOF', offset: 0, text: '', json: true };
  const scan = (): Token => (tok = next());

  function objectList(): { node: ObjectList; err?: Failure } {
    const node: ObjectList = { kind: 'items', items: [] };
    for (;;) {
      const item = objectItem();
      if (item.kind === 'end') break;
      if (item.kind === 'fail') return { node, err: item };
      node.items.push(item);
      if (scan().type !== 'COMMA') break;
    }
    return { node };
  }

  function objectItem(): ObjectItem | Err {
    const keys: Token[] = [];
    for (;;) {
      const t = scan();
      if (t.type === 'EOF') return END;
      if (t.type === 'STRING') {
        keys.push(t);
        continue;
      }
      if (t.type === 'COLON' && keys.length > 0) break;
      return fail(t.offset, `expected a string key${keys.length > 0 ? " or ':'" : ''}, found ${describeToken(t)}`);
    }
    const val = objectValue();
    if (isErr(val)) return val;
    return { kind: 'item', keys, val };
  }

  function objectValue(): Node | Err {
    const t = scan();
    switch (t.type) {
      case 'NUMBER': case 'FLOAT': case 'BOOL': case 'STRING':
        return literal(t);
      case 'NULL':
        return literal({ type: 'STRING', offset: t.offset, text: '', json: true }); // Go decodes null as ""
      case 'LBRACE':
        return objectType();
      case 'LBRACK':
        return listType();
      case 'EOF':
        return END;
      default:
        return fail(t.offset, `expected a value, found ${describeToken(t)}`);
    }
  }

  function objectType(): ObjectType | Err {
    const offset = tok.offset;
    const { node, err } = objectList();
    // Like Go: an error is forgiven if the current token is '}', and no closing '}' is required at all.
    if (err !== undefined && tok.type !== 'RBRACE') return err;
    return { kind: 'object', offset, list: node };
  }

  function listType(): ListType | Err {
    const list: ListType = { kind: 'list', offset: tok.offset, elems: [] };
    for (;;) {
      const t = scan();
      switch (t.type) {
        case 'NUMBER': case 'FLOAT': case 'STRING':
          list.elems.push(literal(t));
          break;
        case 'COMMA':
        case 'BOOL': // Go drops booleans in JSON lists
        case 'LBRACK': // and ignores '[' of nested lists
          break;
        case 'LBRACE': {
          const node = objectType();
          if (isErr(node)) return node;
          list.elems.push(node);
          break;
        }
        case 'RBRACK':
          return list;
        default:
          return fail(t.offset, t.type === 'EOF' ? 'unterminated list' : `unexpected ${describeToken(t)} in list`);
      }
    }
  }

  const first = scan();
  if (first.type !== 'LBRACE') throw errorAt(site, first.offset, `expected '{', found ${describeToken(first)}`);
  const root = objectType();
  if (root.kind === 'fail') throw errorAt(site, root.offset, root.reason);
  if (root.kind === 'end') throw errorAt(site, tok.offset, 'unexpected end of file');
  flattenObjects(root.list);
  return root.list;
}

function literal(token: Token): LiteralType {
  return { kind: 'literal', token };
}
