// The HTTP side (TokenReview, namespace and service-account reads) against the fake kube-apiserver
// over real TLS: success, RBAC 403 with the ClusterRoleBinding to create, 401 reviewer, CA
// mismatch, timeout, refused connection, and an API error.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { join } from 'node:path';
import { CofferError } from '../../../../src/server/framework/index.js';
import { KubeHttp } from '../../../../src/server/auth/kubernetes/kube_http.js';
import { KubeLookupsApi } from '../../../../src/server/auth/kubernetes/kube_lookups.js';
import { TokenReviewApi } from '../../../../src/server/auth/kubernetes/token_review.js';
import type { KubeTarget } from '../../../../src/server/auth/kubernetes/types.js';
import { startFakeKube, type FakeKube } from '../../../support/fake-kube/index.js';
import { freePort } from '../../../support/server.js';
import { makeTestPki } from '../../../support/tls.js';
import { tempDir } from '../../../support/tmp.js';

let kube: FakeKube;
const http = new KubeHttp();
const reviewer = new TokenReviewApi(http);
const lookups = new KubeLookupsApi(http);
let reviewerJwt: string;
let target: KubeTarget;

before(async () => {
  kube = await startFakeKube();
  kube.createNamespace('app-namespace', { team: 'payments' });
  kube.createServiceAccount('app-namespace', 'my-sa', { 'vault.hashicorp.com/alias-metadata-team': 'payments' });
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
  kube.createServiceAccount('default', 'unbound');
  reviewerJwt = kube.legacyToken('default', 'vault-auth');
  target = { baseUrl: kube.url, caPem: kube.caPem, caSource: 'kubernetes_ca_cert from auth/kubernetes/config', bearer: reviewerJwt, bearerSource: 'token_reviewer_jwt', timeoutMs: 5000, mountPoint: 'auth/kubernetes/' };
});
after(async () => {
  http.close();
  await kube.close();
});

const rejects = async (p: Promise<unknown>, status: number, re: RegExp): Promise<CofferError> => {
  let err: unknown;
  await assert.rejects(p, (e) => ((err = e), true));
  assert.ok(err instanceof CofferError, String(err));
  assert.equal(err.status, status, err.message);
  assert.match(err.message, re);
  return err;
};

describe('TokenReview over TLS', () => {
  it('reviews a projected token with the requested audiences', async () => {
    const jwt = kube.projectedToken('app-namespace', 'my-sa', { audiences: ['vault'] });
    const r = await reviewer.review(target, jwt, ['vault']);
    assert.equal(r.namespace, 'app-namespace');
    assert.equal(r.name, 'my-sa');
    assert.deepEqual(r.audiences, ['vault']);
    await rejects(reviewer.review(target, jwt, ['other']), 403, /did not authenticate the JWT: \[invalid bearer token, token audiences \["vault"\] is invalid for the target audiences \["other"\]\]/);
  });

  it('names the ClusterRoleBinding to create when the reviewer lacks system:auth-delegator', async () => {
    const jwt = kube.projectedToken('app-namespace', 'my-sa');
    const e = await rejects(reviewer.review({ ...target, bearer: kube.legacyToken('default', 'unbound') }, jwt, []), 403, /Kubernetes refused the TokenReview \(403 Forbidden\)/);
    assert.match(e.message, /service account default\/unbound may not create tokenreviews, because it lacks the ClusterRole system:auth-delegator/);
    assert.match(e.message, /kubectl create clusterrolebinding coffer-tokenreview-default-unbound --clusterrole=system:auth-delegator --serviceaccount=default:unbound/);
    assert.match(e.message, /the bearer was the token_reviewer_jwt set in auth\/kubernetes\/config/);
    const c = await rejects(reviewer.review({ ...target, bearer: jwt, bearerSource: 'client' }, jwt, []), 403, /--serviceaccount=app-namespace:my-sa/);
    assert.match(c.message, /the client's own JWT was the bearer: with that setup every client service account needs system:auth-delegator/);
  });

  it('says the reviewer token is dead on a 401', async () => {
    kube.createServiceAccount('default', 'short-lived');
    kube.bindAuthDelegator('default', 'short-lived');
    const dead = kube.legacyToken('default', 'short-lived');
    kube.deleteServiceAccount('default', 'short-lived');
    await rejects(reviewer.review({ ...target, bearer: dead }, kube.projectedToken('app-namespace', 'my-sa'), []), 403, /Kubernetes rejected the reviewer's bearer token \(401 Unauthorized\): the token_reviewer_jwt in auth\/kubernetes\/config has expired/);
  });

  it('reports a CA mismatch as a certificate problem naming kubernetes_ca_cert', async () => {
    const other = makeTestPki(tempDir('coffer-other-ca-'));
    const e = await rejects(reviewer.review({ ...target, caPem: other.ca }, 'x.y.z', []), 500, /TLS certificate verification failed for the Kubernetes API at https:\/\/127.0.0.1:\d+ \(/);
    assert.match(e.message, /the CA used was kubernetes_ca_cert from auth\/kubernetes\/config: set kubernetes_ca_cert in auth\/kubernetes\/config to the CA that signed/);
    await rejects(reviewer.review({ ...target, caPem: undefined, caSource: 'the system trust store (kubernetes_ca_cert is not set)' }, 'x.y.z', []), 500, /the CA used was the system trust store/);
  });

  it('gives up after the timeout instead of hanging', async () => {
    kube.setLatencyMs(3000);
    try {
      await rejects(reviewer.review({ ...target, timeoutMs: 300 }, 'x.y.z', []), 500, /the Kubernetes API did not answer POST https:\/\/127.0.0.1:\d+\/apis\/authentication.k8s.io\/v1\/tokenreviews within 0.3s \(kubernetes_request_timeout in auth\/kubernetes\/config\)/);
    } finally {
      kube.setLatencyMs(0);
    }
  });

  it('reports a refused connection and API errors', async () => {
    const port = await freePort();
    await rejects(reviewer.review({ ...target, baseUrl: `https://127.0.0.1:${port}` }, 'x.y.z', []), 500, /could not reach the Kubernetes API at https:\/\/127.0.0.1:\d+ \(ECONNREFUSED\); check kubernetes_host/);
    kube.failTokenReviews(503);
    try {
      await rejects(reviewer.review(target, 'x.y.z', []), 500, /the Kubernetes TokenReview API answered 503: Internal error occurred: fake-kube: injected TokenReview failure/);
    } finally {
      kube.failTokenReviews(null);
    }
  });

  it('reads namespace labels and service-account annotations, with an RBAC hint when refused', async () => {
    assert.deepEqual(await lookups.labels(target, 'app-namespace'), { team: 'payments', 'kubernetes.io/metadata.name': 'app-namespace' });
    assert.equal(await lookups.labels(target, 'nope'), null);
    assert.equal((await lookups.annotations(target, 'app-namespace', 'my-sa'))['vault.hashicorp.com/alias-metadata-team'], 'payments');
    await rejects(lookups.labels({ ...target, bearer: kube.legacyToken('default', 'unbound') }, 'app-namespace'), 403, /read namespaces \(403 Forbidden\), which bound_service_account_namespace_selector needs.*kubectl create clusterrole coffer-namespaces-reader --verb=get --resource=namespaces/);
  });
});
