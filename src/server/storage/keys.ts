// Key rules shared by every physical backend: validation, byte-order comparison, and
// Vault's (parent_path, path, key) split used by the SQL layouts.

/** Longest key accepted, in UTF-8 bytes; keeps SQL index entries well under PostgreSQL's ~2.7 KB limit. */
export const MAX_KEY_BYTES = 2048;

/** Thrown for a key or prefix the storage layer refuses; the caller's input was wrong (HTTP 400, not 500). */
export class InvalidKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidKeyError';
  }
}

// In /u mode a surrogate pair is one code point, so only unpaired halves match.
const LONE_SURROGATE = /\p{Cs}/u;

function describe(key: string): string {
  const shown = key.length > 80 ? `${key.slice(0, 80)}...` : key;
  return JSON.stringify(shown);
}

function checkText(what: string, text: unknown): asserts text is string {
  if (typeof text !== 'string') {
    throw new InvalidKeyError(`storage ${what} must be a string, got ${typeof text}`);
  }
  if (text.includes('\0')) {
    throw new InvalidKeyError(`storage ${what} ${describe(text)} contains a NUL character, which is not allowed`);
  }
  if (LONE_SURROGATE.test(text)) {
    throw new InvalidKeyError(`storage ${what} ${describe(text)} is not valid Unicode (lone surrogate)`);
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidKeyError(`storage ${what} ${describe(text)} is longer than ${MAX_KEY_BYTES} bytes`);
  }
}

/** A key is a non-empty, well-formed string without NUL, not ending in '/', at most MAX_KEY_BYTES long. */
export function validateKey(key: unknown): asserts key is string {
  checkText('key', key);
  if (key === '') {
    throw new InvalidKeyError('storage key must not be empty');
  }
  if (key.endsWith('/')) {
    throw new InvalidKeyError(`storage key ${describe(key)} must not end with '/' (that names a folder)`);
  }
}

/** A list prefix is '' (the root) or a folder name ending in '/'. */
export function validatePrefix(prefix: unknown): asserts prefix is string {
  checkText('list prefix', prefix);
  if (prefix !== '' && !prefix.endsWith('/')) {
    throw new InvalidKeyError(`storage list prefix ${describe(prefix)} must be '' or end with '/'`);
  }
}

export function validateValue(value: unknown): asserts value is Buffer {
  if (!Buffer.isBuffer(value)) {
    throw new TypeError('storage value must be a Buffer');
  }
}

/**
 * Orders strings by their UTF-8 bytes (= code point order), as SQLite's BINARY and
 * PostgreSQL's "C" collation do. JS's `<` compares UTF-16 units, which puts U+10000..
 * (surrogate pairs) before U+E000..U+FFFF; shifting the units fixes that.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x < 0xe000 ? x + 0x2000 : x - 0x800;
      y = y < 0xe000 ? y + 0x2000 : y - 0x800;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The smallest string greater than every string that starts with `folder` (which ends
 * in '/'): '/' is 0x2F, so replacing it with '0' (0x30) bounds the folder's range.
 */
export function folderUpperBound(folder: string): string {
  return `${folder.slice(0, -1)}0`;
}

export interface SplitKey {
  /** The folder above `path`, '/'-wrapped ('' for a root key, '/' for one level down). */
  parentPath: string;
  /** The key's folder, '/'-wrapped: '/' for a root key, '/a/b/' for 'a/b/c'. */
  path: string;
  /** The last segment. */
  key: string;
}

/** Vault's PostgreSQL split: 'a/b/c' -> { parentPath: '/a/', path: '/a/b/', key: 'c' }. */
export function splitKey(fullKey: string): SplitKey {
  const pieces = fullKey.split('/');
  const key = pieces[pieces.length - 1] ?? '';
  if (pieces.length === 1) return { parentPath: '', path: '/', key };
  const path = `/${pieces.slice(0, -1).join('/')}/`;
  const parentPath = pieces.length === 2 ? '/' : `/${pieces.slice(0, -2).join('/')}/`;
  return { parentPath, path, key };
}

/** The SQL `path` value that a list prefix's direct leaves have: '' -> '/', 'a/' -> '/a/'. */
export function prefixToPath(prefix: string): string {
  return `/${prefix}`;
}

/** The first segment of `rest` as a folder name: 'b/c/' -> 'b/'. */
export function firstFolder(rest: string): string {
  return `${rest.slice(0, rest.indexOf('/'))}/`;
}

/** Rejects use after close() with the same message in every backend. */
export function assertOpen(closed: boolean, backend: string): void {
  if (closed) throw new Error(`${backend} storage is closed`);
}
