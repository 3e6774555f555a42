// The syntax tree both parsers (HCL and JSON) build; it has the shape of Go's hcl/ast so the decoder can follow Go's rules.

export type TokenType =
  | 'EOF' | 'IDENT' | 'NUMBER' | 'FLOAT' | 'BOOL' | 'STRING' | 'HEREDOC' | 'NULL'
  | 'LBRACK' | 'RBRACK' | 'LBRACE' | 'RBRACE' | 'COMMA' | 'PERIOD' | 'ASSIGN' | 'ADD' | 'SUB' | 'COLON';

export interface Token {
  type: TokenType;
  /** Offset of the first character in the (CRLF-normalized) source. */
  offset: number;
  /** Source text; only set for IDENT and literal tokens. For JSON null it is "" and type is STRING. */
  text: string;
  /** STRING from JSON input: unquoted with Go's strconv rules instead of HCL's. */
  json: boolean;
}

/** A key/value entry: `a = 1` has one key, `storage "raft" { }` has two. */
export interface ObjectItem {
  kind: 'item';
  keys: Token[];
  val: Node;
}

/** The entries of a file or of one `{ }`. */
export interface ObjectList {
  kind: 'items';
  items: ObjectItem[];
}

export interface ObjectType {
  kind: 'object';
  offset: number;
  list: ObjectList;
}

export interface ListType {
  kind: 'list';
  offset: number;
  elems: Node[];
}

export interface LiteralType {
  kind: 'literal';
  token: Token;
}

export type Node = ObjectItem | ObjectList | ObjectType | ListType | LiteralType;

/** Offset of a node, for error messages. */
export function nodeOffset(node: Node): number {
  switch (node.kind) {
    case 'item':
      return node.keys.length > 0 ? node.keys[0].offset : nodeOffset(node.val);
    case 'items':
      return node.items.length > 0 ? nodeOffset(node.items[0]) : 0;
    case 'object':
    case 'list':
      return node.offset;
    case 'literal':
      return node.token.offset;
  }
}
