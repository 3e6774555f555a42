// Character classes exactly as Go's HCL scanners and lexMode define them.

const LETTER = /\p{L}/u;
const DECIMAL_DIGIT = /\p{Nd}/u;

/** Go scanner isLetter: ASCII letters, '_' or any Unicode letter. */
export function isLetter(ch: number): boolean {
  return (ch >= 97 && ch <= 122) || (ch >= 65 && ch <= 90) || ch === 95 || (ch >= 0x80 && LETTER.test(String.fromCodePoint(ch)));
}

/** Go scanner isDigit: ASCII digits or any Unicode decimal digit. */
export function isDigit(ch: number): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 0x80 && DECIMAL_DIGIT.test(String.fromCodePoint(ch)));
}

export function isDecimal(ch: number): boolean {
  return ch >= 48 && ch <= 57;
}

export function isHexadecimal(ch: number): boolean {
  return (ch >= 48 && ch <= 57) || (ch >= 97 && ch <= 102) || (ch >= 65 && ch <= 70);
}

/** Whitespace between tokens: space, tab, newline, carriage return. */
export function isWhitespace(ch: number): boolean {
  return ch === 32 || ch === 9 || ch === 10 || ch === 13;
}

/** Go's digitVal: value of a hex digit, 16 for anything else. */
export function digitVal(ch: number): number {
  if (ch >= 48 && ch <= 57) return ch - 48;
  if (ch >= 97 && ch <= 102) return ch - 87;
  if (ch >= 65 && ch <= 70) return ch - 55;
  return 16;
}

/** Go's unicode.IsSpace (used to decide whether the input is JSON). */
export function isGoSpace(ch: number): boolean {
  switch (ch) {
    case 9: case 10: case 11: case 12: case 13: case 32: case 0x85: case 0xa0:
    case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return true;
    default:
      return ch >= 0x2000 && ch <= 0x200a;
  }
}

/** Code point at offset i (a lone surrogate is returned as is). */
export function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** Number of bytes the text takes in UTF-8 (lone surrogates count 3, as U+FFFD). */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
