// Service account issuer discovery: the OIDC document names the projected issuer and this fake's
// JWKS, and the JWK there verifies the fake's tokens (and not forged ones) with plain node:crypto.

import assert from 'node:assert/strict';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startFakeKube, type FakeKube, type Jwk } from '../support/fake-kube/index.js';
import { kubeRequest } from './client.js';

function verifiesWith(jwk: Jwk, token: string): boolean {
  const [h, p, s] = token.split('.') as [string, string, string];
  const key = createPublicKey({ key: jwk as unknown as JsonWebKey, format: 'jwk' });
  return verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
}

const headerOf = (token: string): { alg: string; kid: string } => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()) as { alg: string; kid: string };

describe('fake kube-apiserver: OIDC discovery and JWKS', () => {
  let kube: FakeKube;

  before(async () => {
    kube = await startFakeKube();
    kube.createServiceAccount('default', 'my-sa');
  });
  after(() => kube.close());

  test('the discovery document points at the projected issuer and the JWKS', async () => {
    const res = await kubeRequest<{ issuer: string; jwks_uri: string; id_token_signing_alg_values_supported: string[] }>(kube, '/.well-known/openid-configuration');
    assert.equal(res.status, 200);
    assert.equal(res.body.issuer, kube.issuer);
    assert.equal(kube.issuer, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(res.body.jwks_uri, `${kube.url}/openid/v1/jwks`);
    assert.deepEqual(res.body.id_token_signing_alg_values_supported, ['RS256']);
  });

  test("the JWK verifies legacy and projected tokens by kid, and not a forged one", async () => {
    const res = await kubeRequest<{ keys: Jwk[] }>(kube, '/openid/v1/jwks');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/jwk-set+json');
    assert.equal(res.body.keys.length, 1);
    const jwk = res.body.keys[0]!;
    assert.equal(jwk.kty, 'RSA');
    assert.equal(jwk.alg, 'RS256');
    assert.equal(jwk.use, 'sig');

    const projected = kube.projectedToken('default', 'my-sa');
    const legacy = kube.legacyToken('default', 'my-sa');
    for (const token of [projected, legacy]) {
      assert.deepEqual(headerOf(token), { alg: 'RS256', kid: jwk.kid });
      assert.equal(verifiesWith(jwk, token), true);
    }
    const forged = kube.forgedToken('default', 'my-sa');
    assert.equal(headerOf(forged).kid, jwk.kid, 'the forger copies the real kid');
    assert.equal(verifiesWith(jwk, forged), false);
  });

  test('publicKeyPem is the same key as the JWK', async () => {
    const res = await kubeRequest<{ keys: Jwk[] }>(kube, '/openid/v1/jwks');
    const fromPem = createPublicKey(kube.publicKeyPem).export({ format: 'jwk' });
    assert.equal(fromPem.n, res.body.keys[0]!.n);
    assert.equal(fromPem.e, res.body.keys[0]!.e);
  });
});
