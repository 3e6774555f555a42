// auth/<mount>/config against path_config.go: required host, CA/JWT/pem_keys validation with
// errors that name the field, Vault's read shape (token_reviewer_jwt_set, never the JWT), and
// whole-config replacement on write.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { ScriptedKube, REVIEWER, kubeHarness, pemOf, rsa, ec, testCaPem } from './helpers.js';

describe('kubernetes config', () => {
  it('reads back in Vault\'s shape, without the reviewer JWT', async () => {
    const h = await kubeHarness(new ScriptedKube());
    assert.equal((await h.request('read', 'config')).status, 404, 'no config yet');
    const w = await h.request('update', 'config', { kubernetes_host: 'https://10.0.0.1:6443', kubernetes_ca_cert: testCaPem(), token_reviewer_jwt: REVIEWER, pem_keys: [pemOf(rsa.publicKey)] });
    assert.equal(w.status, 204, w.error);
    const r = await h.request('read', 'config');
    assert.deepEqual(Object.keys(r.response!.data!).sort(), [
      'disable_iss_validation',
      'disable_local_ca_jwt',
      'issuer',
      'kubernetes_ca_cert',
      'kubernetes_host',
      'kubernetes_request_timeout',
      'pem_keys',
      'token_reviewer_jwt_set',
      'use_annotations_as_alias_metadata',
    ]);
    const d = r.response!.data!;
    assert.equal(d.kubernetes_host, 'https://10.0.0.1:6443');
    assert.equal(d.kubernetes_ca_cert, testCaPem());
    assert.equal(d.token_reviewer_jwt_set, true);
    assert.equal(d.disable_iss_validation, true, "Vault's default");
    assert.equal(d.disable_local_ca_jwt, false);
    assert.equal(d.use_annotations_as_alias_metadata, false);
    assert.equal(d.issuer, '');
    assert.equal(d.kubernetes_request_timeout, 10);
    assert.ok(!JSON.stringify(r.response).includes(REVIEWER), 'the reviewer JWT is never read back');
  });

  it('replaces the whole config on write, as Vault does', async () => {
    const h = await kubeHarness(new ScriptedKube());
    await h.request('update', 'config', { kubernetes_host: 'h1', token_reviewer_jwt: REVIEWER, issuer: 'x' });
    await h.request('update', 'config', { kubernetes_host: 'h2' });
    const d = (await h.request('read', 'config')).response!.data!;
    assert.equal(d.kubernetes_host, 'h2');
    assert.equal(d.token_reviewer_jwt_set, false);
    assert.equal(d.issuer, '');
  });

  it('refuses bad values with 400s that name the field and never echo the JWT', async () => {
    const h = await kubeHarness(new ScriptedKube());
    const bad = async (data: Record<string, unknown>, re: RegExp): Promise<void> => {
      const r = await h.request('update', 'config', data);
      assert.equal(r.status, 400, JSON.stringify(data).slice(0, 80));
      assert.match(r.error!, re);
    };
    await bad({}, /no host provided: "kubernetes_host" is required/);
    await bad({ kubernetes_host: 'ftp://x' }, /invalid "kubernetes_host"/);
    await bad({ kubernetes_host: 'https://x', kubernetes_ca_cert: 'not a pem' }, /invalid "kubernetes_ca_cert": the provided CA PEM data contains no valid certificates/);
    await bad({ kubernetes_host: 'https://x', kubernetes_ca_cert: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, /invalid "kubernetes_ca_cert": certificate 1 does not parse/);
    const secretish = 'not-a-jwt-but-secret-looking-value';
    const r = await h.request('update', 'config', { kubernetes_host: 'https://x', token_reviewer_jwt: secretish });
    assert.equal(r.status, 400);
    assert.match(r.error!, /invalid "token_reviewer_jwt": not a JWT/);
    assert.ok(!r.error!.includes(secretish));
    await bad({ kubernetes_host: 'https://x', pem_keys: ['garbage'] }, /invalid "pem_keys" entry 1: data does not contain any valid RSA or ECDSA public keys/);
    const priv = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await bad({ kubernetes_host: 'https://x', pem_keys: [pemOf(rsa.publicKey), priv] }, /invalid "pem_keys" entry 2: it is a private key/);
    const ed = generateKeyPairSync('ed25519');
    await bad({ kubernetes_host: 'https://x', pem_keys: [pemOf(ed.publicKey)] }, /invalid "pem_keys" entry 1: .*found a ed25519 key/);
    await bad({ kubernetes_host: 'https://x', kubernetes_request_timeout: 'soon' }, /invalid "kubernetes_request_timeout"/);
    await bad({ kubernetes_host: 'https://x', disable_local_ca_jwt: 'maybe' }, /field "disable_local_ca_jwt"/);
    assert.equal((await h.request('read', 'config')).status, 404, 'nothing was stored');
  });

  it('accepts EC keys, certificates, host:port, timeouts in ms, and warns about http', async () => {
    const h = await kubeHarness(new ScriptedKube());
    const ok = await h.request('update', 'config', { kubernetes_host: '10.0.0.1:6443', pem_keys: `${pemOf(ec.publicKey)}`, kubernetes_request_timeout: '750ms' });
    assert.equal(ok.status, 204, ok.error);
    assert.equal((await h.request('read', 'config')).response!.data!.kubernetes_request_timeout, 0.75);
    const cert = await h.request('update', 'config', { kubernetes_host: 'https://x', pem_keys: [testCaPem()] });
    assert.equal(cert.status, 204, cert.error);
    const plain = await h.request('update', 'config', { kubernetes_host: 'http://127.0.0.1:8080' });
    assert.equal(plain.status, 200);
    assert.match(plain.response!.warnings![0]!, /uses http/);
  });
});
