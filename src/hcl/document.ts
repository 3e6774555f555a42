// The entry points: parseHcl (value only) and parseHclDocument (value plus key positions for error messages).

import { isGoSpace, codePointAt } from './chars.js';
import { decodeRoot, type KeyRecorder } from './decode.js';
import { HclError, type ErrorSite } from './error.js';
import { parseJsonAst } from './json-parser.js';
import { lineIndex } from './lines.js';
import { parseHclAst } from './parser.js';
import type { HclObject, HclParseOptions, HclPosition } from './types.js';

/** A parsed file: its value, and where each key of each object in it was written. */
export interface HclDocument {
  value: HclObject;
  filename: string | undefined;
  /** Position of `key` in `obj` (any object inside `value`); for repeated keys, the first occurrence. */
  positionOf(obj: HclObject, key: string): HclPosition | undefined;
  /** "server.hcl:7" for a key (or just the file name if unknown), to prefix messages about that key. */
  where(obj: HclObject, key: string): string;
}

/**
 * Parses HCL version 1 (or JSON, if the text starts with '{') into exactly the value Go's
 * hcl.Unmarshal(text, &interface{}) produces. Throws HclError on anything Go rejects.
 */
export function parseHcl(text: string, options: HclParseOptions = {}): HclObject {
  return parse(text, options.filename, undefined).value;
}

/** Like parseHcl, and also records the position of every key. */
export function parseHclDocument(text: string, options: HclParseOptions = {}): HclDocument {
  const offsets = new WeakMap<HclObject, Map<string, number>>();
  const record: KeyRecorder = (obj, key, offset) => {
    let keys = offsets.get(obj);
    if (keys === undefined) offsets.set(obj, (keys = new Map()));
    if (!keys.has(key)) keys.set(key, offset);
  };
  const { value, site } = parse(text, options.filename, record);
  const positionOf = (obj: HclObject, key: string): HclPosition | undefined => {
    const offset = offsets.get(obj)?.get(key);
    return offset === undefined ? undefined : site.lines.position(offset);
  };
  return {
    value,
    filename: options.filename,
    positionOf,
    where(obj, key) {
      const pos = positionOf(obj, key);
      const file = options.filename ?? '<input>';
      return pos === undefined ? file : `${file}:${pos.line}`;
    },
  };
}

function parse(text: string, filename: string | undefined, record: KeyRecorder | undefined): { value: HclObject; site: ErrorSite } {
  try {
    return parseUnguarded(text, filename, record);
  } catch (err) {
    // The parser and decoder recurse once per nesting level; Go's growable stacks go much deeper.
    if (err instanceof RangeError) throw new HclError('lists/blocks are nested too deeply (more than about a thousand levels)', filename, 1, 1);
    throw err;
  }
}

function parseUnguarded(text: string, filename: string | undefined, record: KeyRecorder | undefined): { value: HclObject; site: ErrorSite } {
  if (isJson(text)) {
    const site: ErrorSite = { filename, lines: lineIndex(text) };
    return { value: decodeRoot(parseJsonAst(text, site), site, true, record), site };
  }
  // Go's HCL parser normalizes CRLF line endings first (its JSON parser does not).
  const src = text.includes('\r\n') ? text.replaceAll('\r\n', '\n') : text;
  const site: ErrorSite = { filename, lines: lineIndex(src) };
  return { value: decodeRoot(parseHclAst(src, site), site, false, record), site };
}

/** Go's lexMode: JSON when the first non-space character is '{'. */
function isJson(text: string): boolean {
  for (let i = 0; i < text.length; ) {
    const ch = codePointAt(text, i);
    if (ch === 123) return true;
    if (!isGoSpace(ch)) return false;
    i += ch > 0xffff ? 2 : 1;
  }
  return false;
}
