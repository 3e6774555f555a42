// Who may call the fake: the bearer must be a valid service account token (else 401) bound to
// system:auth-delegator (else Kubernetes' RBAC 403 Status); with no bearer you are system:anonymous.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeKube, type FakeKube, type Status, type TokenReview } from '../support/fake-kube/index.js';
import { kubeRequest, tokenReviewBody, TOKENREVIEWS } from './client.js';

describe('fake kube-apiserver: authenticating and authorizing the bearer', () => {
  let kube: FakeKube;
  let subject: string;

  before(async () => {
    kube = await startFakeKube();
    kube.createNamespace('app-namespace');
    kube.createServiceAccount('app-namespace', 'my-sa');
    kube.createServiceAccount('default', 'vault-auth');
    kube.bindAuthDelegator('default', 'vault-auth');
    subject = kube.projectedToken('app-namespace', 'my-sa');
  });
  after(() => kube.close());

  const post = (bearer: string | undefined) => kubeRequest<Status>(kube, TOKENREVIEWS, { method: 'POST', bearer, body: tokenReviewBody(subject) });

  test('a bearer without system:auth-delegator gets the exact RBAC 403 Status', async () => {
    const res = await post(kube.projectedToken('app-namespace', 'my-sa'));
    assert.equal(res.status, 403);
    assert.equal(
      JSON.stringify(res.body),
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"tokenreviews.authentication.k8s.io is forbidden: User \\"system:serviceaccount:app-namespace:my-sa\\" cannot create resource \\"tokenreviews\\" in API group \\"authentication.k8s.io\\" at the cluster scope","reason":"Forbidden","details":{"group":"authentication.k8s.io","kind":"tokenreviews"},"code":403}',
    );
  });

  test('an invalid bearer is 401 Unauthorized', async () => {
    for (const bearer of ['garbage', kube.forgedToken('default', 'vault-auth'), kube.projectedToken('default', 'vault-auth', { audiences: ['vault'] })]) {
      const res = await post(bearer);
      assert.equal(res.status, 401);
      assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  test('no bearer is system:anonymous, which is forbidden', async () => {
    const res = await post(undefined);
    assert.equal(res.status, 403);
    assert.match(res.body.message, /User "system:anonymous" cannot create resource "tokenreviews"/);
  });

  test('the bound reviewer (legacy or projected) may review; deleting it makes it 401', async () => {
    kube.createServiceAccount('default', 'temp-reviewer');
    kube.bindAuthDelegator('default', 'temp-reviewer');
    for (const bearer of [kube.legacyToken('default', 'temp-reviewer'), kube.projectedToken('default', 'temp-reviewer')]) {
      const res = await kubeRequest<TokenReview>(kube, TOKENREVIEWS, { method: 'POST', bearer, body: tokenReviewBody(subject) });
      assert.equal(res.status, 201);
      assert.equal(res.body.status.authenticated, true);
    }
    const legacy = kube.legacyToken('default', 'temp-reviewer');
    kube.deleteServiceAccount('default', 'temp-reviewer');
    assert.equal((await post(legacy)).status, 401);
  });

  test('a client JWT bound to auth-delegator can review itself (no reviewer configured)', async () => {
    kube.createServiceAccount('app-namespace', 'self');
    kube.bindAuthDelegator('app-namespace', 'self');
    const own = kube.projectedToken('app-namespace', 'self');
    const res = await kubeRequest<TokenReview>(kube, TOKENREVIEWS, { method: 'POST', bearer: own, body: tokenReviewBody(own) });
    assert.equal(res.status, 201);
    assert.equal(res.body.status.user.username, 'system:serviceaccount:app-namespace:self');
  });

  test('GET on tokenreviews is 405', async () => {
    const res = await kubeRequest<Status>(kube, TOKENREVIEWS, { bearer: kube.legacyToken('default', 'vault-auth') });
    assert.equal(res.status, 405);
    assert.equal(res.body.reason, 'MethodNotAllowed');
  });
});
