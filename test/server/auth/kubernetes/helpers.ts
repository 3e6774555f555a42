// Test helpers for the kubernetes auth method: signing keys and service-account JWTs in both claim
// layouts, a scripted TokenReviewer / namespace / service-account lookup that record their calls,
// and a harness with all of them injected.

import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { CofferError, permissionDenied } from '../../../../src/server/framework/index.js';
import { createKubernetesBackendFactory, type KubernetesBackendOptions } from '../../../../src/server/auth/kubernetes/index.js';
import type { KubeTarget, TokenReviewResult } from '../../../../src/server/auth/kubernetes/types.js';

import { join } from 'node:path';
import { createHarness, type Harness, type HarnessOptions } from '../../../support/backend-harness.js';
import { makeTestPki } from '../../../support/tls.js';
import { tempDir } from '../../../support/tmp.js';

export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
export const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const pemOf = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }).toString();

export function signJwt(claims: Record<string, unknown>, key: KeyObject = rsa.privateKey, alg = key.asymmetricKeyType === 'ec' ? 'ES256' : 'RS256'): string {
  const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg, kid: 'k1', typ: 'JWT' })}.${enc(claims)}`;
  const hash = `sha${alg.slice(2)}`;
  const sig = alg.startsWith('ES') ? sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }) : sign(hash, Buffer.from(input), key);
  return `${input}.${sig.toString('base64url')}`;
}

export interface Sa {
  namespace: string;
  name: string;
  uid: string;
}

export const sa = (namespace: string, name: string, uid: string = randomUUID()): Sa => ({ namespace, name, uid });

export function projectedJwt(s: Sa, o: { aud?: string[]; exp?: number; nowMs?: number; key?: KeyObject; iss?: string } = {}): string {
  const now = Math.floor((o.nowMs ?? Date.now()) / 1000);
  return signJwt(
    {
      aud: o.aud ?? ['https://kubernetes.default.svc.cluster.local'],
      exp: o.exp ?? now + 3600,
      iat: now,
      nbf: now,
      iss: o.iss ?? 'https://kubernetes.default.svc.cluster.local',
      'kubernetes.io': { namespace: s.namespace, serviceaccount: { name: s.name, uid: s.uid } },
      sub: `system:serviceaccount:${s.namespace}:${s.name}`,
    },
    o.key,
  );
}

export function legacyJwt(s: Sa, secretName = `${s.name}-token-abcde`, key?: KeyObject): string {
  return signJwt(
    {
      iss: 'kubernetes/serviceaccount',
      'kubernetes.io/serviceaccount/namespace': s.namespace,
      'kubernetes.io/serviceaccount/secret.name': secretName,
      'kubernetes.io/serviceaccount/service-account.name': s.name,
      'kubernetes.io/serviceaccount/service-account.uid': s.uid,
      sub: `system:serviceaccount:${s.namespace}:${s.name}`,
    },
    key,
  );
}

export const REVIEWER = legacyJwt(sa('default', 'vault-auth'));

export interface ReviewCall {
  target: KubeTarget;
  jwt: string;
  audiences: string[];
}

/** A TokenReviewer that accepts JWTs registered with `accept`, and answers the rest with `refuse`. */
export class ScriptedKube {
  readonly reviews: ReviewCall[] = [];
  readonly labelCalls: string[] = [];
  readonly accepted = new Map<string, TokenReviewResult>();
  refuse: () => Error = () => permissionDenied('Kubernetes TokenReview did not authenticate the JWT: [invalid bearer token, serviceaccounts "x" not found]');
  namespaces = new Map<string, Record<string, string>>();
  annotations: Record<string, string> = {};

  accept(jwt: string, s: Sa, audiences: string[] = []): string {
    this.accepted.set(jwt, { namespace: s.namespace, name: s.name, uid: s.uid, audiences });
    return jwt;
  }

  options(extra: KubernetesBackendOptions = {}): KubernetesBackendOptions {
    return {
      serviceAccountDir: '/nonexistent/coffer-test-sa',
      tokenReviewer: {
        review: async (target, jwt, audiences) => {
          this.reviews.push({ target, jwt, audiences });
          const r = this.accepted.get(jwt);
          if (!r) throw this.refuse();
          return r;
        },
      },
      namespaceLookup: {
        labels: async (_t, ns) => {
          this.labelCalls.push(ns);
          return this.namespaces.get(ns) ?? null;
        },
      },
      serviceAccountLookup: { annotations: async () => this.annotations },
      ...extra,
    };
  }
}

let caPem: string | undefined;
/** A real CA certificate (made once with openssl) for kubernetes_ca_cert. */
export function testCaPem(): string {
  caPem ??= makeTestPki(tempDir('coffer-k8s-unit-')).ca;
  return caPem;
}

export async function kubeHarness(kube: ScriptedKube, extra: KubernetesBackendOptions = {}, opts: HarnessOptions = {}): Promise<Harness> {
  return createHarness(createKubernetesBackendFactory(kube.options(extra)), { mountPoint: 'auth/kubernetes/', ...opts });
}

/** Writes a config (reviewer JWT set, no CA) and a role binding my-sa in app-namespace. */
export async function configured(h: Harness, config: Record<string, unknown> = {}, role: Record<string, unknown> = {}): Promise<void> {
  const c = await h.request('update', 'config', { kubernetes_host: 'https://10.0.0.1:6443', token_reviewer_jwt: REVIEWER, ...config });
  if (c.status >= 300) throw new Error(`config: ${c.status} ${c.error}`);
  const r = await h.request('update', 'role/my-role', {
    bound_service_account_names: ['my-sa'],
    bound_service_account_namespaces: ['app-namespace'],
    token_policies: ['myapp-policy'],
    ...role,
  });
  if (r.status >= 300) throw new Error(`role: ${r.status} ${r.error}`);
}

export function isCoffer(e: unknown, status: number): boolean {
  return e instanceof CofferError && e.status === status;
}
