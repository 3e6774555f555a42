// TokenReview against the fake over real HTTPS: legacy and projected tokens, audiences, deleted and
// recreated service accounts, expiry (with Kubernetes' 60 s leeway), forged signatures, pod binding.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeKube, type FakeKube, type TokenReview } from '../support/fake-kube/index.js';
import { kubeRequest, tokenReviewBody, TOKENREVIEWS } from './client.js';

const API_AUD = 'https://kubernetes.default.svc.cluster.local';

describe('fake kube-apiserver: TokenReview', () => {
  let kube: FakeKube;
  let clock = Date.now();
  let reviewer: string;

  before(async () => {
    kube = await startFakeKube({ now: () => clock });
    kube.createNamespace('app-namespace', { team: 'payments' });
    kube.createServiceAccount('default', 'vault-auth');
    kube.bindAuthDelegator('default', 'vault-auth');
    reviewer = kube.legacyToken('default', 'vault-auth');
  });
  after(() => kube.close());

  const review = async (token: string, audiences?: string[]) => {
    const res = await kubeRequest<TokenReview>(kube, TOKENREVIEWS, { method: 'POST', bearer: reviewer, body: tokenReviewBody(token, audiences) });
    assert.equal(res.status, 201);
    assert.equal(res.body.kind, 'TokenReview');
    assert.equal(res.body.apiVersion, 'authentication.k8s.io/v1');
    assert.equal(res.body.spec.token, token);
    return res.body.status;
  };
  const refused = (status: TokenReview['status'], pattern: RegExp) => {
    assert.equal('authenticated' in status, false, 'like Go omitempty: no authenticated field when false');
    assert.deepEqual(status.user, {});
    assert.match(status.error ?? '', pattern);
  };

  test('a legacy Secret token is authenticated for the apiserver audience only', async () => {
    const { uid, secretName } = kube.createServiceAccount('app-namespace', 'legacy-sa');
    assert.match(secretName, /^legacy-sa-token-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const token = kube.legacyToken('app-namespace', 'legacy-sa');
    const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    assert.equal(payload['iss'], 'kubernetes/serviceaccount');
    assert.equal(payload['kubernetes.io/serviceaccount/secret.name'], secretName);
    assert.equal(payload['exp'], undefined);

    const status = await review(token);
    assert.equal(status.authenticated, true);
    assert.deepEqual(status.user, {
      username: 'system:serviceaccount:app-namespace:legacy-sa',
      uid,
      groups: ['system:serviceaccounts', 'system:serviceaccounts:app-namespace', 'system:authenticated'],
    });
    assert.deepEqual(status.audiences, [API_AUD]);
    assert.equal((await review(token, ['vault', API_AUD])).authenticated, true);
    refused(await review(token, ['vault']), /token audiences \["https:\/\/kubernetes\.default\.svc\.cluster\.local"\] is invalid for the target audiences \["vault"\]/);
  });

  test('a projected token: default audience, explicit audience match and mismatch', async () => {
    const { uid } = kube.createServiceAccount('app-namespace', 'my-sa');
    const plain = kube.projectedToken('app-namespace', 'my-sa');
    const status = await review(plain);
    assert.equal(status.authenticated, true);
    assert.equal(status.user.username, 'system:serviceaccount:app-namespace:my-sa');
    assert.equal(status.user.uid, uid);
    assert.deepEqual(status.audiences, [API_AUD]);
    assert.match(status.user.extra?.['authentication.kubernetes.io/credential-id']?.[0] ?? '', /^JTI=[0-9a-f-]{36}$/);

    const vault = kube.projectedToken('app-namespace', 'my-sa', { audiences: ['vault', 'other'] });
    const ok = await review(vault, ['nope', 'vault']);
    assert.equal(ok.authenticated, true);
    assert.deepEqual(ok.audiences, ['vault']);
    refused(await review(vault, ['nope']), /^\[invalid bearer token, token audiences \["vault" "other"\] is invalid for the target audiences \["nope"\]\]$/);
    refused(await review(vault), /is invalid for the target audiences \["https:\/\/kubernetes\.default\.svc\.cluster\.local"\]/);
  });

  test('a pod-bound projected token carries the pod in user.extra', async () => {
    kube.createServiceAccount('app-namespace', 'pod-sa');
    const token = kube.projectedToken('app-namespace', 'pod-sa', { podName: 'web-0' });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { 'kubernetes.io': { pod: { name: string; uid: string } } };
    const status = await review(token);
    assert.equal(status.authenticated, true);
    assert.deepEqual(status.user.extra?.['authentication.kubernetes.io/pod-name'], ['web-0']);
    assert.deepEqual(status.user.extra?.['authentication.kubernetes.io/pod-uid'], [claims['kubernetes.io'].pod.uid]);
  });

  test('tokens of a deleted service account are refused', async () => {
    kube.createServiceAccount('app-namespace', 'gone');
    const projected = kube.projectedToken('app-namespace', 'gone');
    const legacy = kube.legacyToken('app-namespace', 'gone');
    kube.deleteServiceAccount('app-namespace', 'gone');
    refused(await review(projected), /serviceaccounts "gone" not found/);
    refused(await review(legacy), /service account token has been invalidated/);
    assert.throws(() => kube.projectedToken('app-namespace', 'gone'), /not found/);
  });

  test('a recreated service account (new UID) invalidates old tokens, new ones work', async () => {
    const first = kube.createServiceAccount('app-namespace', 'again');
    const oldProjected = kube.projectedToken('app-namespace', 'again');
    const oldLegacy = kube.legacyToken('app-namespace', 'again');
    kube.deleteServiceAccount('app-namespace', 'again');
    const second = kube.createServiceAccount('app-namespace', 'again');
    assert.notEqual(first.uid, second.uid);
    refused(await review(oldProjected), new RegExp(`service account UID \\(${second.uid}\\) does not match claim \\(${first.uid}\\)`));
    refused(await review(oldLegacy), /service account token has been invalidated/);
    assert.equal((await review(kube.projectedToken('app-namespace', 'again'))).authenticated, true);
    assert.equal((await review(kube.legacyToken('app-namespace', 'again'))).authenticated, true);
  });

  test('an expired projected token is refused once past the 60 s leeway', async () => {
    kube.createServiceAccount('app-namespace', 'short');
    const token = kube.projectedToken('app-namespace', 'short', { expirationSeconds: 600 });
    const start = clock;
    try {
      clock = start + 630_000; // 30 s past exp: inside go-jose's leeway, still valid
      assert.equal((await review(token)).authenticated, true);
      clock = start + 661_000;
      refused(await review(token), /^\[invalid bearer token, service account token has expired\]$/);
    } finally {
      clock = start;
    }
    refused(await review(kube.projectedToken('app-namespace', 'short', { expirationSeconds: -120 })), /has expired/);
  });

  test('a forged token (same claims, another key) is refused', async () => {
    kube.createServiceAccount('app-namespace', 'victim');
    refused(await review(kube.forgedToken('app-namespace', 'victim')), /error in cryptographic primitive/);
    const good = kube.projectedToken('app-namespace', 'victim').split('.');
    const tampered = [good[0], Buffer.from(Buffer.from(good[1]!, 'base64url').toString().replace('victim', 'victin')).toString('base64url'), good[2]].join('.');
    refused(await review(tampered), /error in cryptographic primitive/);
    refused(await review('not-a-jwt'), /^invalid bearer token$/);
  });

  test('a TokenReview without spec.token is a 400 Status', async () => {
    const res = await kubeRequest<{ kind: string; reason: string; code: number }>(kube, TOKENREVIEWS, { method: 'POST', bearer: reviewer, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: {} } });
    assert.equal(res.status, 400);
    assert.equal(res.body.kind, 'Status');
    assert.equal(res.body.reason, 'BadRequest');
  });
});
