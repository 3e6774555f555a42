// `login` {role, jwt}, in path_login.go's order: role and CIDR checks, then the JWT's claims
// (signature only when pem_keys is set, issuer, audience, expiry), the name and namespace bindings,
// one TokenReview, optional SA annotations, and the auth block. Unlike Vault, every 403 says which
// check failed; none echoes the JWT.

import {
  CofferError,
  authFromTokenParams,
  badRequest,
  ipInCidrs,
  permissionDenied,
  type Clock,
  type Logger,
  type PathDef,
} from '../../framework/index.js';
import type { KeyObject } from 'node:crypto';
import { checkName, checkNamespace } from './bindings.js';
import { resolveTarget } from './connection.js';
import { decodeJwt, JwtFormatError, serviceAccountClaims } from './jwt.js';
import { parsePublicKeyPem, verifySignature } from './jwt_verify.js';
import type { NamespaceLookup, ServiceAccountLookup } from './kube_lookups.js';
import type { LocalServiceAccount } from './local_sa.js';
import { readConfig } from './path_config.js';
import { readRole } from './path_role.js';
import { redact } from './redact.js';
import type { TokenReviewer } from './token_review.js';
import type { KubeConfig, KubeRole, ServiceAccountClaims } from './types.js';

export interface LoginDeps {
  clock: Clock;
  logger: Logger;
  local: LocalServiceAccount;
  reviewer: TokenReviewer;
  namespaces: NamespaceLookup;
  serviceAccounts: ServiceAccountLookup;
}

/** cap/jwt's default clock-skew leeway for exp and nbf, which Vault's validator uses. */
export const LEEWAY_SECONDS = 150;
const ANNOTATION_PREFIX = 'vault.hashicorp.com/alias-metadata-';
const RESERVED_METADATA = ['service_account_uid', 'service_account_name', 'service_account_namespace', 'service_account_secret_name'];

const keyCache = new Map<string, KeyObject>();
function publicKeys(pems: string[]): KeyObject[] {
  return pems.map((pem) => {
    let k = keyCache.get(pem);
    if (!k) {
      k = parsePublicKeyPem(pem);
      if (keyCache.size > 256) keyCache.clear();
      keyCache.set(pem, k);
    }
    return k;
  });
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString();

/** Claims checks done before any call to Kubernetes; throws the 403 that names the failed check. */
export function checkClaims(jwt: string, roleName: string, role: KubeRole, config: KubeConfig, nowMs: number): ServiceAccountClaims {
  let decoded;
  try {
    decoded = decodeJwt(jwt);
  } catch (e) {
    throw permissionDenied(`the JWT is malformed: ${e instanceof JwtFormatError ? e.message : 'it does not parse'}`);
  }
  if (config.pem_keys.length > 0) {
    const problem = verifySignature(decoded, publicKeys(config.pem_keys));
    if (problem) throw permissionDenied(`the JWT's signature is not valid: ${problem}`);
  }
  const sa = serviceAccountClaims(decoded.claims);
  const now = nowMs / 1000;
  if (sa.exp !== undefined && now > sa.exp + LEEWAY_SECONDS) throw permissionDenied(`the JWT has expired: its exp claim is ${iso(sa.exp)}; read a fresh token from the pod's token file`);
  if (sa.nbf !== undefined && now < sa.nbf - LEEWAY_SECONDS) throw permissionDenied(`the JWT is not valid yet: its nbf claim is ${iso(sa.nbf)}`);
  // As Vault: the issuer is checked only when validation is on and an issuer is configured.
  if (!config.disable_iss_validation && config.issuer !== '' && sa.issuer !== config.issuer) {
    throw permissionDenied(`the JWT's issuer "${sa.issuer}" is not the issuer set in config (set "issuer" to the cluster's service-account issuer, or disable_iss_validation=true)`);
  }
  if (role.audience !== '' && !sa.audiences.includes(role.audience)) {
    const has = sa.audiences.length > 0 ? `its audiences are [${sa.audiences.join(', ')}]` : 'it has no aud claim';
    throw permissionDenied(`audience mismatch: role "${roleName}" requires an audience the JWT does not carry (${has}); request the token with that audience (serviceAccountToken.audience in the pod spec)`);
  }
  if (sa.name === '' || sa.namespace === '') {
    throw permissionDenied('the JWT carries no service-account name and namespace claims: it is not a Kubernetes service-account token');
  }
  if (sa.uid === '') throw permissionDenied('the JWT carries no service-account UID claim: it is not a Kubernetes service-account token');
  return sa;
}

/** Kubernetes' authenticator errors, and what they mean for the person reading the 403. */
const REVIEW_HINTS: [RegExp, (sa: ServiceAccountClaims) => string][] = [
  [/signature|cryptographic primitive|no keys found/i, () => "its signature does not verify against the cluster's keys: the token is forged or was issued by another cluster"],
  [/has expired/i, () => 'the token has expired: clients must re-read the token file, which the kubelet rotates'],
  [/audiences .* is invalid for the target audiences/i, () => "audience mismatch: request the token with the role's audience"],
  [/UID \(.*\) does not match/i, (sa) => `service account ${sa.namespace}/${sa.name} was deleted and recreated since the token was issued: use a new token`],
  [/not found/i, (sa) => `service account ${sa.namespace}/${sa.name} no longer exists: it was deleted`],
  [/invalidated|does not match server's copy/i, () => 'the token was invalidated: its Secret, service account, or the pod it was bound to was deleted'],
];

/** Adds what the refusal means (deleted, expired, forged...) to a TokenReview refusal. */
function explainReviewRefusal(e: CofferError, sa: ServiceAccountClaims, nowMs: number): CofferError {
  const hints: string[] = [];
  const hit = REVIEW_HINTS.find(([re]) => re.test(e.message));
  if (hit) hints.push(hit[1](sa));
  if (sa.exp !== undefined && nowMs / 1000 > sa.exp && !hints.some((h) => h.includes('expired'))) hints.push(`the JWT's exp claim (${iso(sa.exp)}) has passed`);
  return hints.length > 0 ? new CofferError(e.status, `${e.message}; ${hints.join('; ')}`) : e;
}

/**
 * Vault answers a login whose Kubernetes call could not be made (TLS or CA mismatch, timeout, refused
 * connection, a 5xx) with 403 permission denied, as path_login.go turns every lookup error into
 * ErrPermissionDenied; clients catch that (hvac.exceptions.Forbidden). Coffer keeps its reason.
 */
function kubeCallFailed(e: unknown, what: string): unknown {
  if (!(e instanceof CofferError) || e.status === 403) return e;
  return permissionDenied(`${what}: ${e.message}`);
}

export function pathLogin(deps: LoginDeps): PathDef {
  return {
    pattern: 'login',
    unauthenticated: true,
    fields: {
      role: { type: 'string', description: 'Name of the role to log in with' },
      jwt: { type: 'string', description: "The service account's JWT" },
    },
    operations: {
      update: async (req, f) => {
        const roleName = f.get<string>('role');
        if (roleName === '') throw badRequest('missing role');
        const jwt = f.get<string>('jwt').trim();
        if (jwt === '') throw badRequest('missing jwt');
        try {
          const role = await readRole(req.storage, roleName);
          if (!role) throw badRequest(`invalid role name "${roleName}"`);
          if (role.token.boundCidrs.length > 0 && !ipInCidrs(req.remoteAddr, role.token.boundCidrs)) {
            throw permissionDenied(`login from ${req.remoteAddr} is not allowed: the address is outside role "${roleName}"'s token_bound_cidrs`);
          }
          const config = await readConfig(req.storage);
          if (!config) throw new CofferError(500, `could not load backend configuration: write ${req.mountPoint}config (kubernetes_host, kubernetes_ca_cert, token_reviewer_jwt) first`);

          const now = deps.clock.now();
          const sa = checkClaims(jwt, roleName, role, config, now);
          const nameRefusal = checkName(role, roleName, sa.name);
          if (nameRefusal) throw nameRefusal;
          const target = await resolveTarget(config, deps.local, req.mountPoint, jwt);
          const nsRefusal = await checkNamespace(role, roleName, sa.namespace, () =>
            deps.namespaces.labels(target, sa.namespace).catch((e: unknown) => {
              throw kubeCallFailed(e, `namespace not authorized: the labels of namespace "${sa.namespace}" could not be read for role "${roleName}"'s bound_service_account_namespace_selector`);
            }),
          );
          if (nsRefusal) throw nsRefusal;

          const audiences = role.audience !== '' ? [role.audience] : sa.audiences;
          let review;
          try {
            review = await deps.reviewer.review(target, jwt, audiences);
          } catch (e) {
            if (e instanceof CofferError && e.status === 403) throw explainReviewRefusal(e, sa, deps.clock.now());
            if (e instanceof CofferError) deps.logger.warn({ role: roleName, mount: req.mountPoint, reason: redact(e.message, jwt) }, 'kubernetes login: the TokenReview call failed');
            throw kubeCallFailed(e, 'the JWT could not be checked with the Kubernetes TokenReview API');
          }
          if (review.name !== sa.name || review.namespace !== sa.namespace || review.uid !== sa.uid) {
            throw permissionDenied(
              `the JWT's claims (${sa.namespace}/${sa.name}, uid ${sa.uid}) do not match the service account Kubernetes reports for it (${review.namespace}/${review.name}, uid ${review.uid})`,
            );
          }

          let annotations: Record<string, string> = {};
          if (config.use_annotations_as_alias_metadata) {
            const all = await deps.serviceAccounts.annotations(target, sa.namespace, sa.name);
            const reserved: string[] = [];
            for (const [k, v] of Object.entries(all)) {
              if (!k.startsWith(ANNOTATION_PREFIX)) continue;
              const key = k.slice(ANNOTATION_PREFIX.length);
              if (RESERVED_METADATA.includes(key)) reserved.push(key);
              else annotations[key] = v;
            }
            if (reserved.length > 0) {
              throw badRequest(
                `entity alias metadata keys for only internal use found from the client token's associated service account annotations: keys=[${reserved.map((k) => `"${k}"`).join(' ')}]`,
              );
            }
          }

          const saMeta = {
            service_account_uid: sa.uid,
            service_account_name: sa.name,
            service_account_namespace: sa.namespace,
            service_account_secret_name: sa.secretName,
          };
          annotations = { ...annotations, ...saMeta };
          return {
            auth: authFromTokenParams(role.token, {
              metadata: { ...saMeta, role: roleName },
              displayName: `${sa.namespace}-${sa.name}`,
              alias: { name: role.alias_name_source === 'serviceaccount_name' ? `${sa.namespace}/${sa.name}` : sa.uid, metadata: annotations },
              internalData: { role: roleName, service_account_name: sa.name, service_account_namespace: sa.namespace, service_account_uid: sa.uid },
            }),
          };
        } catch (e) {
          if (e instanceof CofferError) {
            const msg = redact(e.message, jwt);
            if (e.status === 403) deps.logger.debug({ role: roleName, mount: req.mountPoint, reason: msg }, 'kubernetes login refused');
            throw msg === e.message ? e : new CofferError(e.status, msg);
          }
          throw e;
        }
      },
    },
    help: 'Authenticates a Kubernetes service account JWT against a role and returns a token.',
  };
}
