// Strict UTF-8 decoding (a leaf: imports nothing of ours). Vault (Go's encoding/json) silently turns
// invalid bytes into U+FFFD, so the secret it stores differs from the one sent; Coffer never alters a
// secret, so the HTTP handler (request bodies) and the CLI (@file and stdin values) refuse text that
// is not valid UTF-8, naming the byte offset of the first bad sequence. Valid input pays only the
// decode; the offset is searched for only after the decoder has failed.

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class InvalidUtf8 extends Error {
  constructor(readonly offset: number) {
    super(`invalid UTF-8 byte sequence at byte offset ${offset} (counting from 0)`);
    this.name = 'InvalidUtf8';
  }
}

/** The bytes as text; throws InvalidUtf8 when they are not well-formed UTF-8 (a BOM is kept). */
export function decodeUtf8(buf: Uint8Array): string {
  try {
    return decoder.decode(buf);
  } catch {
    throw new InvalidUtf8(firstInvalidUtf8(buf));
  }
}

/**
 * Offset of the first byte that starts an ill-formed sequence (Unicode's "maximal subpart" rule:
 * overlong forms, surrogates, code points above U+10FFFF, stray continuation bytes and truncated
 * sequences), or -1 when `buf` is well-formed.
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  const n = buf.length;
  let i = 0;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // no overlong 3-byte forms
      if (b === 0xed) hi = 0x9f; // no UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // no overlong 4-byte forms
      if (b === 0xf4) hi = 0x8f; // nothing above U+10FFFF
    } else return i; // 0x80-0xc1 (stray continuation, overlong 2-byte lead) or 0xf5-0xff
    if (i + need >= n) return i; // truncated at the end of the body
    const second = buf[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = buf[i + k]!;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
