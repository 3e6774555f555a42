// The fake's test knobs and its TLS: latency before every response (to trip client timeouts),
// injected TokenReview failures, the TokenReview counter, a CA-verified certificate, and close().

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startFakeKube, type FakeKube, type Status, type TokenReview } from '../support/fake-kube/index.js';
import { kubeRequest, tokenReviewBody, TOKENREVIEWS } from './client.js';

describe('fake kube-apiserver: knobs and TLS', () => {
  let kube: FakeKube;
  let reviewer: string;
  let subject: string;

  before(async () => {
    kube = await startFakeKube();
    kube.createServiceAccount('default', 'vault-auth');
    kube.bindAuthDelegator('default', 'vault-auth');
    reviewer = kube.legacyToken('default', 'vault-auth');
    subject = kube.projectedToken('default', 'vault-auth');
  });
  after(() => kube.close());

  const review = <T = TokenReview>(timeoutMs?: number) => kubeRequest<T>(kube, TOKENREVIEWS, { method: 'POST', bearer: reviewer, body: tokenReviewBody(subject), timeoutMs });

  test('the serving certificate is for 127.0.0.1 and localhost, signed by caPem', async () => {
    assert.equal(readFileSync(kube.caFile, 'utf8'), kube.caPem);
    assert.match(kube.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = new X509Certificate(kube.caPem);
    assert.equal(ca.ca, true);
    await assert.rejects(kubeRequest(kube, '/version', { ca: null }), /self.signed|unable to (get|verify)/i);
    assert.equal((await kubeRequest(kube, '/healthz')).body, 'ok');
  });

  test('setLatencyMs delays responses enough to trip a client timeout', async () => {
    kube.setLatencyMs(300);
    try {
      const t0 = Date.now();
      assert.equal((await review()).status, 201);
      assert.ok(Date.now() - t0 >= 290, 'the response waited for the latency');
      await assert.rejects(review(100), /client timeout/);
    } finally {
      kube.setLatencyMs(0);
    }
    assert.equal((await review(1000)).status, 201);
  });

  test('failTokenReviews answers TokenReview with the given status until cleared', async () => {
    kube.failTokenReviews(500);
    try {
      const res = await review<Status>();
      assert.equal(res.status, 500);
      assert.equal(res.body.kind, 'Status');
      assert.equal(res.body.reason, 'InternalError');
      assert.equal(res.body.code, 500);
      kube.failTokenReviews(503);
      assert.equal((await review()).status, 503);
      const ns = await kubeRequest(kube, '/api/v1/namespaces/default', { bearer: reviewer });
      assert.equal(ns.status, 200, 'only TokenReview fails');
    } finally {
      kube.failTokenReviews(null);
    }
    assert.equal((await review()).status, 201);
  });

  test('tokenReviewCount counts every TokenReview POST, failed or not', async () => {
    const before = kube.tokenReviewCount;
    await review();
    await kubeRequest(kube, TOKENREVIEWS, { method: 'POST', bearer: 'bad', body: tokenReviewBody(subject) });
    kube.failTokenReviews(500);
    await review();
    kube.failTokenReviews(null);
    await kubeRequest(kube, '/api/v1/namespaces/default', { bearer: reviewer });
    assert.equal(kube.tokenReviewCount, before + 3);
  });

  test('close() returns promptly even with a delayed response in flight, and frees the port', async () => {
    const other = await startFakeKube();
    other.createServiceAccount('default', 'r');
    other.bindAuthDelegator('default', 'r');
    other.setLatencyMs(10_000);
    const pending = kubeRequest(other, '/api/v1/namespaces/default', { bearer: other.legacyToken('default', 'r') });
    await new Promise((r) => setTimeout(r, 100));
    // close() must not wait for the 10 s delayed answer: the watchdog (far longer than a prompt
    // close, far shorter than the latency) fails the test if it does.
    await Promise.race([other.close(), new Promise((_, reject) => setTimeout(() => reject(new Error('close() waited for the delayed response')), 8000).unref())]);
    await assert.rejects(pending);
    await assert.rejects(kubeRequest(other, '/version'), /ECONNREFUSED/);
  });
});
