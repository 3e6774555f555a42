// The service account token authenticator, in kube-apiserver's order (pkg/serviceaccount/jwt.go,
// claims.go, legacy.go): issuer claimed -> key by kid -> signature -> audiences -> times (60 s leeway,
// go-jose's DefaultLeeway) -> objects still exist with the same UIDs. Used both for TokenReview's
// spec.token and for the bearer token of every request.
// Error texts follow Kubernetes 1.30+; the "[invalid bearer token, ...]" wrapping is what the
// apiserver's authenticator union reports (as seen in real TokenReview errors and apiserver logs).

import type { KeyObject } from 'node:crypto';
import { decodeJwt, verifyRs256, type JwtPayload } from './jwt.js';
import type { ClusterState } from './state.js';
import { API_AUDIENCES, LEGACY_ISSUER, PROJECTED_ISSUER, username } from './tokens.js';
import type { UserInfo } from './types.js';

export interface Verifier {
  kid: string;
  publicKey: KeyObject;
}

export type AuthResult = { ok: true; user: Required<Pick<UserInfo, 'username' | 'uid' | 'groups'>> & Pick<UserInfo, 'extra'>; audiences: string[] } | { ok: false; error: string };

export interface AuthContext {
  state: ClusterState;
  verifier: Verifier;
  nowMs: number;
}

const LEEWAY_SECONDS = 60;
const fail = (detail: string): AuthResult => ({ ok: false, error: `[invalid bearer token, ${detail}]` });
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const obj = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
/** Go's %q for a []string: ["a" "b"]. */
const goQuote = (list: string[]): string => `[${list.map((s) => JSON.stringify(s)).join(' ')}]`;

function tokenAudiences(payload: JwtPayload): string[] {
  const aud = payload['aud'];
  if (typeof aud === 'string') return aud ? [aud] : [];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

interface SaIdentity {
  namespace: string;
  name: string;
  uid: string;
  extra: Record<string, string[]>;
}

/** legacy.go: the Secret must still exist and hold this token; then the service account and its UID. */
function validateLegacy(token: string, p: JwtPayload, ctx: AuthContext): SaIdentity | string {
  const namespace = str(p['kubernetes.io/serviceaccount/namespace']);
  const secretName = str(p['kubernetes.io/serviceaccount/secret.name']);
  const name = str(p['kubernetes.io/serviceaccount/service-account.name']);
  const uid = str(p['kubernetes.io/serviceaccount/service-account.uid']);
  if (!str(p['sub'])) return 'sub claim is missing';
  if (!namespace) return 'namespace claim is missing';
  if (!secretName) return 'secretName claim is missing';
  if (!name) return 'serviceAccountName claim is missing';
  if (!uid) return 'serviceAccountUID claim is missing';
  if (p['sub'] !== username(namespace, name)) return 'sub claim is invalid';
  const secret = ctx.state.secret(namespace, secretName);
  if (!secret) return 'service account token has been invalidated';
  if (secret.token !== token) return "service account token does not match server's copy";
  const sa = ctx.state.serviceAccount(namespace, name);
  if (!sa) return `serviceaccounts "${name}" not found`;
  if (sa.uid !== uid) return `service account UID (${sa.uid}) does not match claim (${uid})`;
  return { namespace, name, uid, extra: {} };
}

/** claims.go: exp/nbf/iat with leeway, then the service account (and bound pod) by name and UID. */
function validateProjected(p: JwtPayload, ctx: AuthContext): SaIdentity | string {
  const now = Math.floor(ctx.nowMs / 1000);
  const num = (k: string): number | undefined => (typeof p[k] === 'number' ? (p[k] as number) : undefined);
  const exp = num('exp');
  const nbf = num('nbf');
  const iat = num('iat');
  if (exp !== undefined && now > exp + LEEWAY_SECONDS) return 'service account token has expired';
  if (nbf !== undefined && now + LEEWAY_SECONDS < nbf) return 'service account token is not valid yet';
  if (iat !== undefined && now + LEEWAY_SECONDS < iat) return 'service account token is issued in the future';
  const kube = obj(p['kubernetes.io']);
  const namespace = str(kube['namespace']);
  const saRef = obj(kube['serviceaccount']);
  const name = str(saRef['name']);
  const uid = str(saRef['uid']);
  const sa = ctx.state.serviceAccount(namespace, name);
  if (!sa) return `serviceaccounts "${name}" not found`;
  if (sa.uid !== uid) return `service account UID (${sa.uid}) does not match claim (${uid})`;
  const extra: Record<string, string[]> = {};
  const podRef = kube['pod'] === undefined ? undefined : obj(kube['pod']);
  if (podRef) {
    const pod = ctx.state.pod(namespace, str(podRef['name']));
    if (!pod) return 'service account token has been invalidated';
    if (pod.uid !== str(podRef['uid'])) return `pod UID (${pod.uid}) does not match service account pod ref claim (${str(podRef['uid'])})`;
    extra['authentication.kubernetes.io/pod-name'] = [pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [pod.uid];
  }
  const jti = str(p['jti']);
  if (jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${jti}`];
  return { namespace, name, uid, extra };
}

/**
 * Authenticates a service account token for the given requested audiences (undefined or empty means
 * the apiserver's own audiences, as TokenReview and bearer authentication both do).
 */
export function authenticateToken(token: string, requested: string[] | undefined, ctx: AuthContext): AuthResult {
  const jwt = decodeJwt(token);
  const iss = jwt ? jwt.payload['iss'] : undefined;
  // No service account authenticator claims a token that is not a JWT from one of its issuers.
  if (!jwt || (iss !== LEGACY_ISSUER && iss !== PROJECTED_ISSUER)) return { ok: false, error: 'invalid bearer token' };
  const kid = str(jwt.header['kid']);
  if (kid && kid !== ctx.verifier.kid) return fail('invalid signature, no keys found');
  if (!verifyRs256(jwt, ctx.verifier.publicKey)) return fail('go-jose/go-jose: error in cryptographic primitive');

  // jwt.go: a token without audiences (legacy) counts as having the apiserver's own audiences.
  let tokenAuds = tokenAudiences(jwt.payload);
  if (tokenAuds.length === 0) tokenAuds = API_AUDIENCES;
  const wanted = requested && requested.length > 0 ? requested : API_AUDIENCES;
  const audiences = wanted.filter((a) => tokenAuds.includes(a)); // Audiences.Intersect keeps the requested order
  if (audiences.length === 0) return fail(`token audiences ${goQuote(tokenAuds)} is invalid for the target audiences ${goQuote(wanted)}`);

  const id = iss === LEGACY_ISSUER ? validateLegacy(token, jwt.payload, ctx) : validateProjected(jwt.payload, ctx);
  if (typeof id === 'string') return fail(id);
  const user = {
    username: username(id.namespace, id.name),
    uid: id.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${id.namespace}`, 'system:authenticated'],
    ...(Object.keys(id.extra).length > 0 ? { extra: id.extra } : {}),
  };
  return { ok: true, user, audiences };
}
