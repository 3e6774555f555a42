// Reads a compact JWS without verifying it: header, claims, and the service-account identity in
// either claim layout (legacy secret tokens' `kubernetes.io/serviceaccount/*`, or projected tokens'
// `kubernetes.io: {namespace, serviceaccount: {name, uid}}`), as path_login.go's serviceAccount does.
// Errors never include the token.

import type { ServiceAccountClaims } from './types.js';

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** `<header>.<payload>`, the bytes the signature covers */
  signingInput: string;
  signature: Buffer;
}

export class JwtFormatError extends Error {}

const B64URL = /^[A-Za-z0-9_-]*$/;

function decodePart(part: string, what: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new JwtFormatError(`its ${what} is not base64url`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new JwtFormatError(`its ${what} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new JwtFormatError(`its ${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new JwtFormatError(`it has ${parts.length} dot-separated parts, a signed JWT has 3`);
  const [h, p, s] = parts as [string, string, string];
  if (!B64URL.test(s) || s === '') throw new JwtFormatError('its signature is missing or not base64url');
  return { header: decodePart(h, 'header'), claims: decodePart(p, 'payload'), signingInput: `${h}.${p}`, signature: Buffer.from(s, 'base64url') };
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

export function audiences(claims: Record<string, unknown>): string[] {
  const aud = claims.aud;
  if (typeof aud === 'string') return aud === '' ? [] : [aud];
  if (Array.isArray(aud)) return aud.filter((a): a is string => typeof a === 'string');
  return [];
}

/** The identity a Kubernetes service-account JWT claims; projected-token claims win, as in Vault. */
export function serviceAccountClaims(claims: Record<string, unknown>): ServiceAccountClaims {
  const k8s = obj(claims['kubernetes.io']);
  const sa = obj(k8s?.serviceaccount);
  return {
    name: sa ? str(sa.name) : str(claims['kubernetes.io/serviceaccount/service-account.name']),
    uid: sa ? str(sa.uid) : str(claims['kubernetes.io/serviceaccount/service-account.uid']),
    namespace: k8s ? str(k8s.namespace) : str(claims['kubernetes.io/serviceaccount/namespace']),
    secretName: str(claims['kubernetes.io/serviceaccount/secret.name']),
    audiences: audiences(claims),
    issuer: str(claims.iss),
    exp: num(claims.exp),
    nbf: num(claims.nbf),
  };
}

/** `ns/name` of a service-account token, or null when the token is not one (or not a JWT at all). */
export function serviceAccountOf(token: string): { namespace: string; name: string } | null {
  try {
    const { claims } = decodeJwt(token);
    const sa = serviceAccountClaims(claims);
    if (sa.namespace && sa.name) return { namespace: sa.namespace, name: sa.name };
    const sub = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(str(claims.sub));
    return sub ? { namespace: sub[1]!, name: sub[2]! } : null;
  } catch {
    return null;
  }
}
