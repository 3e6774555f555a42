// Go's encoding/json Marshal / MarshalIndent for template values (sorted keys,
// HTML-safe escaping of < > &, U+2028/U+2029 escaped, Go's float format).

import { formatFloat } from '../floatfmt.js';
import { kindOf, sortedKeys, toNumber, typeName, type MapValue } from '../value.js';

const HEX = '0123456789abcdef';

function isHTMLSafeASCII(c: number, escapeHTML: boolean): boolean {
  if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  if (escapeHTML && (c === 0x3c || c === 0x3e || c === 0x26)) return false;
  return true;
}

export function jsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (isHTMLSafeASCII(c, escapeHTML)) {
        out += s[i];
        continue;
      }
      switch (c) {
        case 0x5c:
        case 0x22:
          out += '\\' + s[i];
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        default:
          out += '\\u00' + HEX[c >> 4] + HEX[c & 0xf];
      }
      continue;
    }
    if (c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      out += '\\ufffd';
      continue;
    }
    out += s[i];
  }
  return out + '"';
}

function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1)}`);
  const abs = Math.abs(f);
  const fmt = abs !== 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
  let s = formatFloat(f, fmt, -1);
  if (fmt === 'e') s = s.replace(/e-0(\d)$/, 'e-$1');
  return s;
}

function encode(v: unknown, indent: string | null, depth: number, escapeHTML: boolean): string {
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return String(toNumber(v));
    case 'float':
      return jsonFloat(toNumber(v));
    case 'string':
      return jsonString(v as string, escapeHTML);
    case 'slice': {
      const s = v as readonly unknown[];
      if (s.length === 0) return '[]';
      const items = s.map((e) => encode(e, indent, depth + 1, escapeHTML));
      return join('[', ']', items, indent, depth);
    }
    case 'map': {
      const m = v as MapValue;
      const keys = sortedKeys(m);
      if (keys.length === 0) return '{}';
      const sep = indent === null ? ':' : ': ';
      const items = keys.map((k) => jsonString(k, escapeHTML) + sep + encode(m[k], indent, depth + 1, escapeHTML));
      return join('{', '}', items, indent, depth);
    }
    case 'func':
      throw new Error(`json: unsupported type: ${typeName(v)}`);
  }
}

function join(open: string, close: string, items: string[], indent: string | null, depth: number): string {
  if (indent === null) return open + items.join(',') + close;
  const inner = '\n' + indent.repeat(depth + 1);
  return open + inner + items.join(',' + inner) + '\n' + indent.repeat(depth) + close;
}

/** json.Marshal (escapeHTML: json.Encoder's SetEscapeHTML). */
export function marshal(v: unknown, escapeHTML = true): string {
  return encode(v, null, 0, escapeHTML);
}

/** json.MarshalIndent(v, "", indent). */
export function marshalIndent(v: unknown, indent: string, escapeHTML = true): string {
  return encode(v, indent, 0, escapeHTML);
}
