// AES-256-GCM sealing of one value. Layout: [term u32 BE][version 0x01][nonce 12][ciphertext][tag 16].
// The storage key is the additional authenticated data, so a value moved to another key fails to open.

import { createCipheriv, createDecipheriv } from 'node:crypto';
import { randomBytesPooled } from '../crypto/random.js';

const VERSION = 1;
const HEADER = 5;
const NONCE = 12;
const TAG = 16;

export function seal(key: Buffer, term: number, plaintext: Buffer, aad: string): Buffer {
  const nonce = randomBytesPooled(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ct = cipher.update(plaintext);
  const final = cipher.final();
  const out = Buffer.allocUnsafe(HEADER + NONCE + ct.length + final.length + TAG);
  out.writeUInt32BE(term, 0);
  out[4] = VERSION;
  nonce.copy(out, HEADER);
  ct.copy(out, HEADER + NONCE);
  final.copy(out, HEADER + NONCE + ct.length);
  cipher.getAuthTag().copy(out, out.length - TAG);
  return out;
}

/** The key term a sealed value was written with, or -1 if it is not a sealed value. */
export function termOf(sealed: Buffer): number {
  return sealed.length >= HEADER + NONCE + TAG && sealed[4] === VERSION ? sealed.readUInt32BE(0) : -1;
}

/** Opens a sealed value; throws if the key is wrong or the value or its key path was tampered with. */
export function open(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (termOf(sealed) < 0) throw new Error('not an encrypted entry');
  const nonce = sealed.subarray(HEADER, HEADER + NONCE);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG));
  const body = decipher.update(sealed.subarray(HEADER + NONCE, sealed.length - TAG));
  const final = decipher.final();
  return final.length === 0 ? body : Buffer.concat([body, final]);
}
