// Local signature check of a service-account JWT against the configured pem_keys (RSA or ECDSA
// public keys or certificates), with the algorithms Kubernetes signs with (RS/PS/ES 256-512).
// node:crypto does this directly, so no JWT library is needed for it.

import { constants, createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { DecodedJwt } from './jwt.js';

const HASH: Record<string, string> = {
  RS256: 'sha256', RS384: 'sha384', RS512: 'sha512',
  PS256: 'sha256', PS384: 'sha384', PS512: 'sha512',
  ES256: 'sha256', ES384: 'sha384', ES512: 'sha512',
};
const EC_CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

export const ALLOWED_ALGS = Object.keys(HASH);

/** Parses one pem_keys entry (public key or certificate); throws a message fit for a 400. */
export function parsePublicKeyPem(pem: string): KeyObject {
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
  if (!label) throw new Error('data does not contain any valid RSA or ECDSA public keys (no PEM block found)');
  if (label.includes('PRIVATE')) throw new Error('it is a private key; give the public key or certificate instead');
  let key: KeyObject;
  try {
    key = label === 'CERTIFICATE' ? new X509Certificate(pem).publicKey : createPublicKey(pem);
  } catch (e) {
    throw new Error(`data does not contain any valid RSA or ECDSA public keys (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec' && key.asymmetricKeyType !== 'rsa-pss') {
    throw new Error(`data does not contain any valid RSA or ECDSA public keys (found a ${key.asymmetricKeyType ?? 'unknown'} key)`);
  }
  return key;
}

function verifyWith(key: KeyObject, alg: string, jwt: DecodedJwt): boolean {
  const hash = HASH[alg]!;
  const data = Buffer.from(jwt.signingInput, 'ascii');
  try {
    if (alg.startsWith('ES')) {
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== EC_CURVE[alg]) return false;
      return verify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, jwt.signature);
    }
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') return false;
    if (alg.startsWith('PS')) {
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, jwt.signature);
    }
    return verify(hash, data, key, jwt.signature);
  } catch {
    return false;
  }
}

/** Returns null when some key verifies the signature, else the reason it does not. */
export function verifySignature(jwt: DecodedJwt, keys: KeyObject[]): string | null {
  const alg = typeof jwt.header.alg === 'string' ? jwt.header.alg : '';
  if (!HASH[alg]) return `its signing algorithm "${alg || 'none'}" is not one Kubernetes uses (${ALLOWED_ALGS.join(', ')})`;
  for (const key of keys) if (verifyWith(key, alg, jwt)) return null;
  return `its ${alg} signature does not verify against any of the ${keys.length} key(s) in pem_keys (a forged token, or one signed by another cluster's key)`;
}
