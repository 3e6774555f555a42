// Human-readable names of tokens and keys for error messages.

import type { Token } from './ast.js';

const PUNCTUATION: Partial<Record<Token['type'], string>> = {
  LBRACK: "'['", RBRACK: "']'", LBRACE: "'{'", RBRACE: "'}'", COMMA: "','", PERIOD: "'.'",
  ASSIGN: "'='", ADD: "'+'", SUB: "'-'", COLON: "':'",
};

export function describeToken(tok: Token): string {
  switch (tok.type) {
    case 'EOF': return 'end of file';
    case 'IDENT': return `identifier "${tok.text}"`;
    case 'STRING': return tok.json && tok.text === '' ? 'null' : `string ${clip(tok.text)}`;
    case 'NULL': return 'null';
    case 'NUMBER': case 'FLOAT': return `number ${clip(tok.text)}`;
    case 'BOOL': return tok.text;
    case 'HEREDOC': return 'heredoc';
    default: return PUNCTUATION[tok.type] ?? tok.type;
  }
}

/** Keys as written: storage "raft" -> "storage" "raft". */
export function keyNames(keys: Token[]): string {
  return keys.map((k) => (k.type === 'IDENT' ? `"${k.text}"` : clip(k.text))).join(' ');
}

function clip(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 40 ? `${line.slice(0, 37)}...` : line;
}
