// Encoding and hashing helpers: base64 (std and URL, with Go's decoder errors),
// sha256Hex, md5sum, hmacSHA256Hex.

import { createHash, createHmac } from 'node:crypto';

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class CorruptInputError extends Error {
  constructor(offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

/** encoding/base64 Encoding.DecodeString with '=' padding (non-strict), including its error offsets. */
function decode(s: string, alphabet: string): Buffer {
  const map = new Int16Array(256).fill(-1);
  for (let i = 0; i < alphabet.length; i++) map[alphabet.charCodeAt(i)] = i;
  const src = Buffer.from(s, 'utf8');
  const out: number[] = [];
  let si = 0;
  for (;;) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let err: Error | null = null;
    let j = 0;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw new CorruptInputError(si - j);
      }
      const c = src[si++];
      const v = map[c];
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (c === 0x0a || c === 0x0d) {
        j--;
        continue;
      }
      if (c !== 0x3d) throw new CorruptInputError(si - 1);
      if (j === 0 || j === 1) throw new CorruptInputError(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== 0x3d) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === 0x0a || src[si] === 0x0d)) si++;
      if (si < src.length) err = new CorruptInputError(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (err) throw err;
    if (dlen < 4) return Buffer.from(out);
  }
}

function encode(s: string, url: boolean): string {
  const b64 = Buffer.from(s, 'utf8').toString('base64');
  return url ? b64.replace(/\+/g, '-').replace(/\//g, '_') : b64;
}

export const base64Encode = (s: string): string => encode(s, false);
export const base64URLEncode = (s: string): string => encode(s, true);
export const base64DecodeBytes = (s: string): Buffer => decode(s, STD);
export const base64URLDecodeBytes = (s: string): Buffer => decode(s, URL);

export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
export const md5sum = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
export const hmacSHA256Hex = (message: string, key: string): string => createHmac('sha256', key).update(message, 'utf8').digest('hex');
