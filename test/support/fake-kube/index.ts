// A faithful fake of kube-apiserver for what Coffer's Kubernetes auth uses, over real HTTPS:
// TokenReview (authentication.k8s.io/v1), GET namespace / serviceaccount, service account issuer
// discovery (OIDC + JWKS), RS256 service account tokens (legacy Secret and projected), RBAC's
// system:auth-delegator check, and test knobs (latency, injected TokenReview failures, a call counter).
//
// Authorization: only service accounts bound with bindAuthDelegator() may POST tokenreviews or GET
// /api/v1/namespaces/{ns} and /api/v1/namespaces/{ns}/serviceaccounts/{name}; so a reviewer token
// (e.g. legacyToken of an SA you bound) is authorized, and anything else gets Kubernetes' 403 Status.
// MutatingWebhookConfigurations (GET, PATCH) need grant(ns, sa, verb, 'mutatingwebhookconfigurations');
// setVersion() changes what GET /version reports.
// The namespaces default, kube-system, kube-public and kube-node-lease exist from the start.
// Projected tokens get a 60 s expiry leeway, as in Kubernetes; pass `now` to move the clock.

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestPki } from '../tls.js';
import { handleApi } from './api.js';
import type { Verifier } from './authenticate.js';
import { keyIdOf } from './jwt.js';
import { listen } from './server.js';
import { ClusterState } from './state.js';
import { DEFAULT_EXPIRATION_SECONDS, legacyClaims, mint, projectedClaims, PROJECTED_ISSUER, API_AUDIENCES, type Signer } from './tokens.js';
import type { FakeKube, ProjectedTokenOptions, StartOptions } from './types.js';

export type { FakeKube, ProjectedTokenOptions, StartOptions, TokenReview, TokenReviewStatus, Status, Namespace, ServiceAccount, UserInfo, Jwk } from './types.js';
export { API_AUDIENCES, LEGACY_ISSUER, PROJECTED_ISSUER } from './tokens.js';

function newSigner(): Signer & Verifier {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid: keyIdOf(publicKey), privateKey, publicKey };
}

export async function startFakeKube(opts: StartOptions = {}): Promise<FakeKube> {
  const now = opts.now ?? Date.now;
  const dir = mkdtempSync(join(tmpdir(), 'coffer-fake-kube-'));
  const pki = makeTestPki(dir);
  const key = newSigner();
  const forger = newSigner();
  const state = new ClusterState(now);
  let latencyMs = 0;
  let failWith: number | null = null;
  let reviews = 0;
  let baseUrl = '';

  const server = await listen(pki, opts.port ?? 0, {
    latencyMs: () => latencyMs,
    handle: (req) =>
      handleApi(req, { state, verifier: key, nowMs: now(), baseUrl, failTokenReviewsWith: failWith, countTokenReview: () => void (reviews += 1) }),
  });
  baseUrl = `https://127.0.0.1:${server.port}`;

  const requireSa = (namespace: string, name: string) => {
    const sa = state.serviceAccount(namespace, name);
    if (!sa) throw new Error(`fake-kube: serviceaccounts "${name}" not found in namespace "${namespace}"`);
    return sa;
  };
  const projected = (namespace: string, name: string, o: ProjectedTokenOptions, signer: Signer): string => {
    const sa = requireSa(namespace, name);
    const pod = o.podName ? state.ensurePod(namespace, o.podName) : undefined;
    const claims = projectedClaims({ sa, pod, audiences: o.audiences ?? API_AUDIENCES, expirationSeconds: o.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS, nowMs: now() });
    return mint(claims, signer, key.kid);
  };

  return {
    url: baseUrl,
    caPem: pki.ca,
    caFile: pki.caFile,
    issuer: PROJECTED_ISSUER,
    publicKeyPem: key.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    createNamespace: (name, labels) => void state.createNamespace(name, labels),
    setNamespaceLabels: (name, labels) => state.setNamespaceLabels(name, labels),
    createServiceAccount(namespace, name, annotations) {
      const { sa, secret } = state.createServiceAccount(namespace, name, annotations);
      secret.token = mint(legacyClaims(sa, secret), key); // the token controller fills the Secret
      return { uid: sa.uid, secretName: secret.name };
    },
    deleteServiceAccount: (namespace, name) => state.deleteServiceAccount(namespace, name),
    bindAuthDelegator: (namespace, name) => state.bindAuthDelegator(namespace, name),
    grant: (namespace, name, verb, resource) => state.grant(namespace, name, verb, resource),
    applyMutatingWebhookConfiguration: (obj) => void state.putWebhookConfig(obj),
    mutatingWebhookConfiguration: (name) => state.webhookConfig(name),
    setVersion: (major, minor) => void (state.serverVersion = { major, minor }),
    legacyToken(namespace, name) {
      requireSa(namespace, name);
      const secret = state.tokenSecretOf(namespace, name);
      if (!secret) throw new Error(`fake-kube: no token Secret for ${namespace}/${name}`);
      return secret.token;
    },
    projectedToken: (namespace, name, o = {}) => projected(namespace, name, o, key),
    forgedToken: (namespace, name) => projected(namespace, name, {}, forger),
    setLatencyMs: (ms) => void (latencyMs = Math.max(0, ms)),
    failTokenReviews: (status) => void (failWith = status),
    get tokenReviewCount() {
      return reviews;
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
