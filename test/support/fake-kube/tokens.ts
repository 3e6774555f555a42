// Mints service account JWTs with the claims kube-apiserver puts in them
// (kubernetes/kubernetes pkg/serviceaccount/legacy.go and claims.go):
// legacy Secret tokens (iss kubernetes/serviceaccount, flat kubernetes.io/serviceaccount/* claims,
// no exp, no aud) and projected TokenRequest tokens (aud list, exp/iat/nbf, jti, nested kubernetes.io).

import { randomUUID, type KeyObject } from 'node:crypto';
import { signJwt, type JwtPayload } from './jwt.js';
import type { PodRecord, ServiceAccountRecord, TokenSecretRecord } from './state.js';

export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
export const PROJECTED_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** --api-audiences: what the apiserver accepts for itself; defaults to the issuer. */
export const API_AUDIENCES = [PROJECTED_ISSUER];
/** TokenRequest's default spec.expirationSeconds (also `kubectl create token`'s default). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;

export const username = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

export interface Signer {
  kid: string;
  privateKey: KeyObject;
}

export function legacyClaims(sa: ServiceAccountRecord, secret: TokenSecretRecord): JwtPayload {
  return {
    iss: LEGACY_ISSUER,
    'kubernetes.io/serviceaccount/namespace': sa.namespace,
    'kubernetes.io/serviceaccount/secret.name': secret.name,
    'kubernetes.io/serviceaccount/service-account.name': sa.name,
    'kubernetes.io/serviceaccount/service-account.uid': sa.uid,
    sub: username(sa.namespace, sa.name),
  };
}

export interface ProjectedClaimsInput {
  sa: ServiceAccountRecord;
  pod?: PodRecord;
  audiences: string[];
  expirationSeconds: number;
  nowMs: number;
}

export function projectedClaims({ sa, pod, audiences, expirationSeconds, nowMs }: ProjectedClaimsInput): JwtPayload {
  const now = Math.floor(nowMs / 1000);
  const kube: Record<string, unknown> = { namespace: sa.namespace };
  if (pod) kube['pod'] = { name: pod.name, uid: pod.uid };
  kube['serviceaccount'] = { name: sa.name, uid: sa.uid };
  return {
    aud: audiences,
    exp: now + expirationSeconds,
    iat: now,
    iss: PROJECTED_ISSUER,
    jti: randomUUID(),
    'kubernetes.io': kube,
    nbf: now,
    sub: username(sa.namespace, sa.name),
  };
}

/** Signs claims; `kid` may differ from the signing key's own (a forger copies the real kid). */
export function mint(claims: JwtPayload, signer: Signer, kid = signer.kid): string {
  return signJwt({ alg: 'RS256', kid }, claims, signer.privateKey);
}
