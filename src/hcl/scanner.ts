// HCL tokenizer: a line-by-line port of Go's hcl/scanner, so we accept and reject exactly the same text.
// Comments are skipped here; the first lexical error is thrown as an HclError (Go records it and fails later).

import type { Token, TokenType } from './ast.js';
import { codePointAt, digitVal, isDecimal, isDigit, isHexadecimal, isLetter, isWhitespace, utf8Length } from './chars.js';
import { errorAt, type ErrorSite } from './error.js';

const EOF = -1;

/** Returns a function that yields the next non-comment token of src on each call. */
export function hclScanner(src: string, site: ErrorSite): () => Token {
  const len = src.length;
  let pos = 0; // offset of the next character
  let prev = 0; // offset of the character the last next() returned (for unread)

  const fail = (offset: number, reason: string): never => {
    throw errorAt(site, offset, reason);
  };

  const checkChar = (ch: number, offset: number): void => {
    if (ch === 0) fail(offset, 'unexpected null character (0x00)');
    if (ch === 0xe123) fail(offset, 'character U+E123 is reserved by HCL for internal use');
  };

  const next = (): number => {
    if (pos >= len) return EOF;
    prev = pos;
    const c = src.charCodeAt(pos);
    if (c > 0 && c < 0xd800) {
      pos++;
      return c;
    }
    const ch = codePointAt(src, pos);
    pos += ch > 0xffff ? 2 : 1;
    checkChar(ch, prev);
    return ch;
  };
  const unread = (): void => {
    pos = prev;
  };
  const peek = (): number => (pos >= len ? EOF : codePointAt(src, pos));

  /** Checks raw text skipped in bulk (comments, heredoc bodies) for characters next() would reject. */
  const checkRange = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const c = src.charCodeAt(i);
      if (c === 0 || c === 0xe123) checkChar(c, i);
    }
  };

  const scanIdentifier = (): void => {
    let ch = next();
    while (isLetter(ch) || isDigit(ch) || ch === 45 /* - */ || ch === 46 /* . */) ch = next();
    if (ch !== EOF) unread();
  };

  const scanMantissa = (ch: number): number => {
    let scanned = false;
    while (isDecimal(ch)) {
      ch = next();
      scanned = true;
    }
    if (scanned && ch !== EOF) unread();
    return ch;
  };

  const scanFraction = (ch: number): number => {
    if (ch === 46) {
      ch = peek();
      ch = scanMantissa(ch);
    }
    return ch;
  };

  const scanExponent = (ch: number): number => {
    if (ch === 101 || ch === 69) {
      ch = next();
      if (ch === 45 || ch === 43) ch = next();
      ch = scanMantissa(ch);
    }
    return ch;
  };

  const scanNumber = (ch: number, start: number): TokenType => {
    if (ch === 48 /* 0 */) {
      ch = next();
      if (ch === 120 || ch === 88) {
        ch = next();
        let found = false;
        while (isHexadecimal(ch)) {
          ch = next();
          found = true;
        }
        if (!found) fail(start, 'invalid hexadecimal number: expected digits after "0x"');
        if (ch !== EOF) unread();
        return 'NUMBER';
      }
      let illegalOctal = false;
      while (isDecimal(ch)) {
        ch = next();
        if (ch === 56 || ch === 57) illegalOctal = true;
      }
      if (ch === 101 || ch === 69) {
        scanExponent(ch);
        return 'FLOAT';
      }
      if (ch === 46) {
        ch = scanFraction(ch);
        if (ch === 101 || ch === 69) {
          ch = next();
          scanExponent(ch);
        }
        return 'FLOAT';
      }
      if (illegalOctal) fail(start, 'invalid octal number: a number starting with 0 is octal and cannot contain 8 or 9');
      if (ch !== EOF) unread();
      return 'NUMBER';
    }
    scanMantissa(ch);
    ch = next();
    if (ch === 101 || ch === 69) {
      scanExponent(ch);
      return 'FLOAT';
    }
    if (ch === 46) {
      ch = scanFraction(ch);
      if (ch === 101 || ch === 69) {
        ch = next();
        scanExponent(ch);
      }
      return 'FLOAT';
    }
    if (ch !== EOF) unread();
    return 'NUMBER';
  };

  const scanDigits = (ch: number, base: number, n: number, escape: number): void => {
    const start = n;
    while (n > 0 && digitVal(ch) < base) {
      ch = next();
      if (ch === EOF) break;
      n--;
    }
    if (n > 0) fail(escape, `invalid escape sequence in string: expected ${start} ${base === 8 ? 'octal' : 'hexadecimal'} digits`);
    if (n !== start && ch !== EOF) unread();
  };

  const scanEscape = (stringStart: number): void => {
    const escape = prev;
    const ch = next();
    switch (ch) {
      case 97: case 98: case 102: case 110: case 114: case 116: case 118: case 92: case 34: // a b f n r t v \ "
        return;
      case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55:
        return scanDigits(ch, 8, 3, escape);
      case 120: // x
        return scanDigits(next(), 16, 2, escape);
      case 117: // u
        return scanDigits(next(), 16, 4, escape);
      case 85: // U
        return scanDigits(next(), 16, 8, escape);
      case EOF:
        fail(stringStart, 'unterminated string: the file ends before the closing quote');
        return;
      default:
        fail(escape, `invalid escape sequence "\\${String.fromCodePoint(ch)}" in string (valid: \\n \\t \\r \\" \\\\ \\uXXXX ...)`);
    }
  };

  const scanString = (start: number): void => {
    let braces = 0;
    for (;;) {
      // fast path over ordinary characters
      while (pos < len) {
        const c = src.charCodeAt(pos);
        if (c === 34 || c === 92 || c === 36 || c === 123 || c === 125 || c === 10 || c === 0 || c >= 0xd800) break;
        pos++;
      }
      const ch = next();
      if ((ch === 10 && braces === 0) || ch === EOF) {
        fail(start, ch === EOF
          ? 'unterminated string: the file ends before the closing quote'
          : 'unterminated string: a quoted string must end on the line it starts (use a heredoc <<EOT for several lines)');
      }
      if (ch === 34 && braces === 0) break;
      if (braces === 0 && ch === 36 && peek() === 123) {
        braces++;
        next();
      } else if (braces > 0 && ch === 123) braces++;
      if (braces > 0 && ch === 125) braces--;
      if (ch === 92) scanEscape(start);
    }
  };

  const scanComment = (ch: number, start: number): void => {
    if (ch === 35 || (ch === 47 && peek() !== 42)) {
      if (ch === 47 && peek() !== 47) fail(start, "unexpected '/': comments start with '#', '//' or '/*'");
      let end = src.indexOf('\n', pos);
      if (end === -1) end = len;
      checkRange(pos, end);
      pos = end; // the newline itself is left for the next token
      return;
    }
    const end = src.indexOf('*/', start + 2);
    if (end === -1) fail(start, "unterminated comment: '/*' without a closing '*/'");
    checkRange(start + 2, end);
    pos = end + 2;
  };

  const scanHeredoc = (start: number): void => {
    if (next() !== 60) fail(start, "unexpected '<': a heredoc starts with '<<', e.g. <<EOT");
    const offs = pos;
    let ch = next();
    if (ch === 45) ch = next();
    while (isLetter(ch) || isDigit(ch)) ch = next();
    if (ch === EOF) fail(start, 'unterminated heredoc: the file ends after its anchor');
    if (ch === 13 && peek() === 10) ch = next();
    if (ch !== 10) fail(start, 'invalid heredoc anchor: <<NAME (or <<-NAME) must be followed directly by a newline');
    const ident = src.slice(offs, prev);
    if (ident === '' || ident === '-') fail(start, 'heredoc anchor is empty: write <<EOT (or <<-EOT)');
    const anchor = ident.charCodeAt(0) === 45 ? ident.slice(1) : ident;
    // Go matches ^[[:space:]]*ANCHOR\r*\z and, oddly, only on lines at least as long (in bytes) as "-ANCHOR" for <<-.
    const identBytes = utf8Length(ident);
    const terminator = new RegExp(`^[\\t\\n\\v\\f\\r ]*${anchor.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}\\r*$`);
    let lineStart = pos;
    let unindentedEnd = false;
    for (;;) {
      const nl = src.indexOf('\n', lineStart);
      if (nl === -1) {
        checkRange(offs, len);
        const hint = unindentedEnd
          ? ` (with <<-${anchor} the closing "${anchor}" must be indented by at least one space or tab)`
          : ` (the closing "${anchor}" line must also end with a newline)`;
        fail(start, `unterminated heredoc: no line "${anchor}" ends it${hint}`);
      }
      const line = src.slice(lineStart, nl);
      const longEnough = line.length >= identBytes || utf8Length(line) >= identBytes;
      if (!longEnough && terminator.test(line)) unindentedEnd = true;
      if (longEnough && terminator.test(line)) {
        checkRange(offs, nl);
        prev = nl;
        pos = nl + 1;
        return;
      }
      lineStart = nl + 1;
    }
  };

  return function scan(): Token {
    for (;;) {
      let ch = next();
      while (isWhitespace(ch)) ch = next();
      const start = ch === EOF ? pos : prev;
      let type: TokenType;
      let withText = true;
      if (isLetter(ch)) {
        scanIdentifier();
        const text = src.slice(start, pos);
        return { type: text === 'true' || text === 'false' ? 'BOOL' : 'IDENT', offset: start, text, json: false };
      } else if (isDecimal(ch)) {
        type = scanNumber(ch, start);
      } else {
        withText = false;
        switch (ch) {
          case EOF: type = 'EOF'; break;
          case 34: type = 'STRING'; withText = true; scanString(start); break;
          case 35: case 47: scanComment(ch, start); continue;
          case 46:
            type = 'PERIOD';
            ch = peek();
            if (isDecimal(ch)) {
              type = 'FLOAT';
              withText = true;
              ch = scanMantissa(ch);
              scanExponent(ch);
            }
            break;
          case 60: type = 'HEREDOC'; withText = true; scanHeredoc(start); break;
          case 91: type = 'LBRACK'; break;
          case 93: type = 'RBRACK'; break;
          case 123: type = 'LBRACE'; break;
          case 125: type = 'RBRACE'; break;
          case 44: type = 'COMMA'; break;
          case 61: type = 'ASSIGN'; break;
          case 43: type = 'ADD'; break;
          case 45:
            if (isDecimal(peek())) {
              withText = true;
              type = scanNumber(next(), start);
            } else type = 'SUB';
            break;
          default:
            return fail(start, describeIllegal(ch));
        }
      }
      return { type, offset: start, text: withText ? src.slice(start, pos) : '', json: false };
    }
  };
}

function describeIllegal(ch: number): string {
  if (ch === 0xfeff) return 'unexpected byte order mark (U+FEFF): save the file as UTF-8 without BOM';
  const shown = ch < 32 || ch === 127 ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(ch)}'`;
  return `unexpected character ${shown}`;
}
