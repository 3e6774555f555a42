// String literal decoding: HCL's own Unquote (keeps ${...} verbatim) and Go's strconv.Unquote (used for JSON
// input). Escapes like \xff produce raw bytes; invalid UTF-8 becomes U+FFFD per byte, as Go's JSON encoding does.

import { codePointAt } from './chars.js';

/** Unquotes an HCL "..." token text; undefined where Go's Unquote fails (Go then panics). */
export function unquoteHcl(quoted: string): string | undefined {
  const s = quoted.slice(1, -1);
  if (!s.includes('$') && !s.includes('{') && s.includes('\n')) return undefined;
  if (!s.includes('\\') && !s.includes('"') && !s.includes('$')) return s;
  const out = new Output();
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) === 36 && s.charCodeAt(i + 1) === 123) {
      // ${ ... } is copied as is, up to the matching brace
      let braces = 1;
      let j = i + 2;
      while (j < s.length && braces > 0) {
        const c = codePointAt(s, j);
        if (c === 0xfffd) return undefined;
        j += c > 0xffff ? 2 : 1;
        if (c === 123) braces++;
        else if (c === 125) braces--;
      }
      if (braces !== 0) return undefined;
      out.text(s.slice(i, j));
      i = j;
      continue;
    }
    if (s.charCodeAt(i) === 10) return undefined;
    i = unquoteChar(s, i, out, false);
    if (i < 0) return undefined;
  }
  return out.finish();
}

/** Go's strconv.Unquote of a "..." token text (JSON input); undefined where it fails. */
export function unquoteGo(quoted: string): string | undefined {
  const s = quoted.slice(1, -1);
  if (!s.includes('\\') && !s.includes('\n')) return s.includes('"') ? undefined : s;
  const out = new Output();
  let i = 0;
  while (i < s.length) {
    if (s.charCodeAt(i) === 10) return undefined;
    i = unquoteChar(s, i, out, true);
    if (i < 0) return undefined;
  }
  return out.finish();
}

/**
 * Decodes one character or escape of s at i into out; returns the next index, or -1 on a syntax error.
 * strictRunes: Go's strconv rejects surrogate code points in \u escapes; HCL's copy turns them into U+FFFD.
 */
function unquoteChar(s: string, i: number, out: Output, strictRunes: boolean): number {
  const c = s.charCodeAt(i);
  if (c === 34) return -1;
  if (c !== 92) {
    const cp = codePointAt(s, i);
    out.codePoint(cp);
    return i + (cp > 0xffff ? 2 : 1);
  }
  if (i + 1 >= s.length) return -1;
  const e = s.charCodeAt(i + 1);
  i += 2;
  switch (e) {
    case 97: out.codePoint(7); return i; // \a
    case 98: out.codePoint(8); return i; // \b
    case 102: out.codePoint(12); return i; // \f
    case 110: out.codePoint(10); return i; // \n
    case 114: out.codePoint(13); return i; // \r
    case 116: out.codePoint(9); return i; // \t
    case 118: out.codePoint(11); return i; // \v
    case 92: out.codePoint(92); return i;
    case 34: out.codePoint(34); return i;
    case 120: case 117: case 85: { // \x \u \U
      const n = e === 120 ? 2 : e === 117 ? 4 : 8;
      if (s.length - i < n) return -1;
      let v = 0;
      for (let j = 0; j < n; j++) {
        const h = hexValue(s.charCodeAt(i + j));
        if (h < 0) return -1;
        v = v * 16 + h;
      }
      i += n;
      if (e === 120) {
        out.byte(v);
        return i;
      }
      if (v > 0x10ffff) return -1;
      if (v >= 0xd800 && v <= 0xdfff) {
        if (strictRunes) return -1;
        v = 0xfffd;
      }
      out.codePoint(v);
      return i;
    }
    case 48: case 49: case 50: case 51: case 52: case 53: case 54: case 55: {
      if (s.length - i < 2) return -1;
      let v = e - 48;
      for (let j = 0; j < 2; j++) {
        const d = s.charCodeAt(i + j) - 48;
        if (d < 0 || d > 7) return -1;
        v = (v << 3) | d;
      }
      if (v > 255) return -1;
      out.byte(v);
      return i + 2;
    }
    default:
      return -1;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Collects decoded text; raw bytes >= 0x80 wait in `pending` until they can be decoded as Go would. */
class Output {
  private parts: string[] = [];
  private pending: number[] = [];

  text(t: string): void {
    this.flush();
    this.parts.push(t);
  }
  codePoint(cp: number): void {
    this.flush();
    this.parts.push(String.fromCodePoint(cp));
  }
  byte(b: number): void {
    if (b < 0x80 && this.pending.length === 0) this.parts.push(String.fromCharCode(b));
    else this.pending.push(b);
  }
  finish(): string {
    this.flush();
    return this.parts.join('');
  }
  private flush(): void {
    if (this.pending.length > 0) {
      this.parts.push(decodeUtf8LikeGo(this.pending));
      this.pending = [];
    }
  }
}

/** UTF-8 decoding where every byte that does not start a valid sequence becomes one U+FFFD (Go's rule). */
export function decodeUtf8LikeGo(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  const cont = (k: number): boolean => k < n && (bytes[k] & 0xc0) === 0x80;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let cp = -1;
    let size = 1;
    if (b >= 0xc2 && b <= 0xdf && cont(i + 1)) {
      cp = ((b & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
      size = 2;
    } else if (b >= 0xe0 && b <= 0xef && cont(i + 1) && cont(i + 2)) {
      const b1 = bytes[i + 1];
      const ok = b === 0xe0 ? b1 >= 0xa0 : b === 0xed ? b1 <= 0x9f : true;
      if (ok) {
        cp = ((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
        size = 3;
      }
    } else if (b >= 0xf0 && b <= 0xf4 && cont(i + 1) && cont(i + 2) && cont(i + 3)) {
      const b1 = bytes[i + 1];
      const ok = b === 0xf0 ? b1 >= 0x90 : b === 0xf4 ? b1 <= 0x8f : true;
      if (ok) {
        cp = ((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
        size = 4;
      }
    }
    out += cp < 0 ? '\ufffd' : String.fromCodePoint(cp);
    i += size;
  }
  return out;
}
