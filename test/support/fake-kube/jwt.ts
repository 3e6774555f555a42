// RS256 compact JWTs with node:crypto (jose is not installed): sign, split/decode without trusting,
// verify against a public key, and the key ID Kubernetes derives (base64url SHA-256 of the SPKI DER).

import { createHash, sign, verify, type KeyObject } from 'node:crypto';

export interface JwtHeader {
  alg: 'RS256';
  kid: string;
  typ?: 'JWT';
}

export type JwtPayload = Record<string, unknown>;

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: JwtPayload;
  signingInput: string;
  signature: Buffer;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url');
}

export function signJwt(header: JwtHeader, payload: JwtPayload, privateKey: KeyObject): string {
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), privateKey))}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Splits and parses a compact JWT; returns null if it is not one. Nothing here is verified. */
export function decodeJwt(token: string): DecodedJwt | null {
  const parts = token.split('.');
  if (parts.length !== 3 || token.trimStart().startsWith('{')) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return null;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
  } catch {
    return null;
  }
}

export function verifyRs256(jwt: DecodedJwt, publicKey: KeyObject): boolean {
  return jwt.header['alg'] === 'RS256' && verify('sha256', Buffer.from(jwt.signingInput), publicKey, jwt.signature);
}
