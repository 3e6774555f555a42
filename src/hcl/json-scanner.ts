// JSON tokenizer: a port of Go's hcl/json/scanner (HCL1 reads a file starting with '{' as JSON).
// Like Go, a NUL character reads as end of input; the first lexical error is thrown as an HclError.

import type { Token, TokenType } from './ast.js';
import { codePointAt, digitVal, isDecimal, isDigit, isLetter, isWhitespace } from './chars.js';
import { errorAt, type ErrorSite } from './error.js';

const EOF = 0; // Go uses rune 0 both for end of input and for a NUL character

/** Returns a function that yields the next token of src on each call. */
export function jsonScanner(src: string, site: ErrorSite): () => Token {
  const len = src.length;
  let pos = 0;
  let prev = 0;
  let hitEnd = false; // the last next() found no more input

  const fail = (offset: number, reason: string): never => {
    throw errorAt(site, offset, reason);
  };

  const next = (): number => {
    if (pos >= len) {
      hitEnd = true;
      return EOF;
    }
    hitEnd = false;
    prev = pos;
    const ch = codePointAt(src, pos);
    pos += ch > 0xffff ? 2 : 1;
    return ch;
  };
  const unread = (): void => {
    pos = prev;
  };
  const peek = (): number => (pos >= len ? EOF : codePointAt(src, pos));

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
    const zero = ch === 48;
    const afterFirst = pos;
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
    if (zero && afterFirst !== pos) fail(start, 'invalid number: JSON numbers cannot start with 0');
    return 'NUMBER';
  };

  const scanDigits = (ch: number, base: number, n: number, escape: number, stringStart: number): void => {
    const want = n;
    while (n > 0 && digitVal(ch) < base) {
      ch = next();
      n--;
    }
    if (n > 0) fail(escape, `invalid escape sequence in string: expected ${want} ${base === 8 ? 'octal' : 'hexadecimal'} digits`);
    if (hitEnd) fail(stringStart, 'unterminated string: the file ends before the closing quote'); // Go panics here
    unread();
  };

  const scanEscape = (stringStart: number): void => {
    const escape = prev;
    const ch = next();
    switch (ch) {
      case 97: case 98: case 102: case 110: case 114: case 116: case 118: case 92: case 34:
        return;
      case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55:
        return scanDigits(ch, 8, 3, escape, stringStart);
      case 120:
        return scanDigits(next(), 16, 2, escape, stringStart);
      case 117:
        return scanDigits(next(), 16, 4, escape, stringStart);
      case 85:
        return scanDigits(next(), 16, 8, escape, stringStart);
      default:
        if (ch === EOF) fail(stringStart, 'unterminated string: the file ends before the closing quote');
        fail(escape, `invalid escape sequence "\\${String.fromCodePoint(ch)}" in string${ch === 47 ? ' (HCL does not accept "\\/"; write "/")' : ''}`);
    }
  };

  const scanString = (start: number): void => {
    let braces = 0;
    for (;;) {
      const ch = next();
      if (ch === 10 || ch === EOF) {
        fail(start, ch === EOF ? 'unterminated string: the file ends before the closing quote' : 'unterminated string: newline before the closing quote');
      }
      if (ch === 34) break;
      if (braces === 0 && ch === 36 && peek() === 123) {
        braces++;
        next();
      } else if (braces > 0 && ch === 123) braces++;
      if (braces > 0 && ch === 125) braces--;
      if (ch === 92) scanEscape(start);
    }
  };

  return function scan(): Token {
    let ch = next();
    while (isWhitespace(ch)) ch = next();
    const start = hitEnd ? pos : prev;
    let type: TokenType;
    let withText = false;
    if (isLetter(ch)) {
      let c = next();
      while (isLetter(c) || isDigit(c) || c === 45) c = next();
      if (c !== EOF) unread();
      const lit = src.slice(start, pos);
      if (lit === 'true' || lit === 'false') return { type: 'BOOL', offset: start, text: lit, json: true };
      if (lit === 'null') return { type: 'NULL', offset: start, text: lit, json: true };
      return fail(start, `unexpected "${lit}": JSON values are strings, numbers, objects, lists, true, false or null`);
    }
    if (isDecimal(ch)) {
      type = scanNumber(ch, start);
      withText = true;
    } else {
      switch (ch) {
        case EOF: type = 'EOF'; break;
        case 34: type = 'STRING'; withText = true; scanString(start); break;
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
        case 91: type = 'LBRACK'; break;
        case 93: type = 'RBRACK'; break;
        case 123: type = 'LBRACE'; break;
        case 125: type = 'RBRACE'; break;
        case 44: type = 'COMMA'; break;
        case 58: type = 'COLON'; break;
        case 45:
          if (isDecimal(peek())) {
            type = scanNumber(next(), start);
            withText = true;
          } else return fail(start, "unexpected '-'");
          break;
        default:
          return fail(start, `unexpected character '${String.fromCodePoint(ch)}' in JSON`);
      }
    }
    return { type, offset: start, text: withText ? src.slice(start, pos) : '', json: true };
  };
}
