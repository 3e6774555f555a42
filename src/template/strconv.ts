// Go's strconv quoting rules: Quote, QuoteToASCII, QuoteRune, Unquote, CanBackquote, IsPrint.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const LOWER_HEX = '0123456789abcdef';

/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isPrint(r: number): boolean {
  if (r < 0x20) return false;
  if (r < 0x7f) return true;
  if (r < 0xa1) return false;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

/** Code points of a string; lone surrogates read as U+FFFD. */
export function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.codePointAt(i) ?? 0xfffd;
    if (c > 0xffff) i++;
    out.push(c >= 0xd800 && c <= 0xdfff ? 0xfffd : c);
  }
  return out;
}

function hex(n: number, width: number): string {
  let s = '';
  for (let k = (width - 1) * 4; k >= 0; k -= 4) s += LOWER_HEX[(n >>> k) & 0xf];
  return s;
}

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (asciiOnly) {
    if (r < 0x80 && isPrint(r)) return String.fromCodePoint(r);
  } else if (isPrint(r)) {
    return String.fromCodePoint(r);
  }
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r > 0x10ffff) r = 0xfffd;
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

function quoteWith(s: string, quote: number, asciiOnly: boolean): string {
  let out = String.fromCharCode(quote);
  for (const r of codePoints(s)) out += escapeRune(r, quote, asciiOnly);
  return out + String.fromCharCode(quote);
}

export function quote(s: string): string {
  return quoteWith(s, 0x22, false);
}

export function quoteToASCII(s: string): string {
  return quoteWith(s, 0x22, true);
}

export function quoteRune(r: number, asciiOnly = false): string {
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff) || r < 0) r = 0xfffd;
  return "'" + escapeRune(r, 0x27, asciiOnly) + "'";
}

export function canBackquote(s: string): boolean {
  for (const r of codePoints(s)) {
    if (r === 0xfeff) return false;
    if ((r < 0x20 && r !== 0x09) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

/** Go's strconv.ErrSyntax, as it prints. */
export class SyntaxError extends Error {
  constructor() {
    super('invalid syntax');
  }
}

function utf8Bytes(r: number): number[] {
  return [...Buffer.from(String.fromCodePoint(r), 'utf8')];
}

function isHexDigit(c: string): boolean {
  return /^[0-9a-fA-F]$/.test(c);
}

/**
 * strconv.UnquoteChar on s (a JS string), returning the bytes of the decoded
 * character and the rest of the input.
 */
export function unquoteChar(s: string, quoteChar: string): { bytes: number[]; value: number; tail: string } {
  const c = s[0];
  if (c === undefined) throw new SyntaxError();
  if (c === quoteChar && (quoteChar === "'" || quoteChar === '"')) throw new SyntaxError();
  const cp = s.codePointAt(0) ?? 0;
  if (cp >= 0x80) {
    const w = cp > 0xffff ? 2 : 1;
    return { bytes: utf8Bytes(cp), value: cp, tail: s.slice(w) };
  }
  if (c !== '\\') return { bytes: [cp], value: cp, tail: s.slice(1) };
  if (s.length <= 1) throw new SyntaxError();
  const e = s[1];
  let rest = s.slice(2);
  const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 0x5c };
  if (e in simple) return { bytes: [simple[e]], value: simple[e], tail: rest };
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    if (rest.length < n) throw new SyntaxError();
    let v = 0;
    for (let j = 0; j < n; j++) {
      if (!isHexDigit(rest[j])) throw new SyntaxError();
      v = v * 16 + parseInt(rest[j], 16);
    }
    rest = rest.slice(n);
    if (e === 'x') return { bytes: [v], value: v, tail: rest };
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxError();
    return { bytes: utf8Bytes(v), value: v, tail: rest };
  }
  if (e >= '0' && e <= '7') {
    let v = e.charCodeAt(0) - 48;
    if (rest.length < 2) throw new SyntaxError();
    for (let j = 0; j < 2; j++) {
      const d = rest.charCodeAt(j) - 48;
      if (d < 0 || d > 7) throw new SyntaxError();
      v = v * 8 + d;
    }
    if (v > 255) throw new SyntaxError();
    return { bytes: [v], value: v, tail: rest.slice(2) };
  }
  if (e === "'" || e === '"') {
    if (e !== quoteChar) throw new SyntaxError();
    return { bytes: [e.charCodeAt(0)], value: e.charCodeAt(0), tail: rest };
  }
  throw new SyntaxError();
}

/** strconv.Unquote for "...", `...` and '...' literals. */
export function unquote(s: string): string {
  if (s.length < 2) throw new SyntaxError();
  const q = s[0];
  if (q !== s[s.length - 1]) throw new SyntaxError();
  const body = s.slice(1, -1);
  if (q === '`') {
    if (body.includes('`')) throw new SyntaxError();
    return body.replace(/\r/g, '');
  }
  if (q !== '"' && q !== "'") throw new SyntaxError();
  if (body.includes('\n')) throw new SyntaxError();
  const bytes: number[] = [];
  let rest = body;
  let count = 0;
  while (rest.length > 0) {
    const r = unquoteChar(rest, q);
    bytes.push(...r.bytes);
    rest = r.tail;
    count++;
    if (q === "'" && count > 1) throw new SyntaxError();
  }
  if (q === "'" && count !== 1) throw new SyntaxError();
  return Buffer.from(bytes).toString('utf8');
}
