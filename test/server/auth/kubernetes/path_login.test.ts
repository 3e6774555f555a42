// auth/<mount>/login against path_login.go with the Kubernetes calls scripted: the auth block Vault
// returns, every refusal (each 403 naming its check, none echoing the JWT), pem_keys verification,
// which bearer and CA are used (reviewer, pod files re-read on rotation, client JWT), the namespace
// selector, alias metadata from annotations, and renewal re-checking the role.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CofferError, permissionDenied } from '../../../../src/server/framework/index.js';
import { DEFAULT_START } from '../../../support/backend-harness.js';
import { ScriptedKube, REVIEWER, configured, ec, kubeHarness, legacyJwt, otherRsa, pemOf, projectedJwt, rsa, sa, signJwt, testCaPem } from './helpers.js';
import { tempDir } from '../../../support/tmp.js';

const NOW = DEFAULT_START;
const mySa = sa('app-namespace', 'my-sa', '11111111-2222-3333-4444-555555555555');

async function setup(config: Record<string, unknown> = {}, role: Record<string, unknown> = {}) {
  const kube = new ScriptedKube();
  const h = await kubeHarness(kube);
  await configured(h, config, role);
  return { kube, h };
}

describe('kubernetes login', () => {
  it("returns Vault's auth block and calls TokenReview once with the reviewer JWT", async () => {
    const { kube, h } = await setup({ kubernetes_ca_cert: testCaPem() });
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    const r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(r.status, 200, r.error);
    const auth = r.response!.auth!;
    assert.deepEqual(auth.policies, ['myapp-policy']);
    assert.deepEqual(auth.metadata, {
      role: 'my-role',
      service_account_name: 'my-sa',
      service_account_namespace: 'app-namespace',
      service_account_secret_name: '',
      service_account_uid: mySa.uid,
    });
    assert.equal(auth.displayName, 'app-namespace-my-sa', 'the core adds the mount prefix');
    assert.equal(auth.alias!.name, mySa.uid);
    assert.equal(auth.alias!.metadata!.service_account_name, 'my-sa');
    assert.equal(auth.renewable, true);
    assert.deepEqual(auth.internalData, { role: 'my-role', service_account_name: 'my-sa', service_account_namespace: 'app-namespace', service_account_uid: mySa.uid });
    assert.equal(kube.reviews.length, 1);
    const call = kube.reviews[0]!;
    assert.equal(call.target.bearer, REVIEWER);
    assert.equal(call.target.bearerSource, 'token_reviewer_jwt');
    assert.equal(call.target.caPem, testCaPem());
    assert.equal(call.target.baseUrl, 'https://10.0.0.1:6443');
    assert.equal(call.target.timeoutMs, 10_000);
    assert.deepEqual(call.audiences, ['https://kubernetes.default.svc.cluster.local'], "without a role audience, the token's own");
  });

  it('handles legacy secret tokens, globs, the role audience and alias by name', async () => {
    const { kube, h } = await setup({}, { bound_service_account_names: 'my-*', bound_service_account_namespaces: '*-namespace', audience: 'vault', alias_name_source: 'serviceaccount_name' });
    const legacy = kube.accept(legacyJwt(mySa), mySa);
    await h.request('update', 'role/legacy', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace' });
    const l = await h.request('update', 'login', { role: 'legacy', jwt: legacy });
    assert.equal(l.status, 200, l.error);
    assert.equal(l.response!.auth!.metadata.service_account_secret_name, 'my-sa-token-abcde');
    const jwt = kube.accept(projectedJwt(mySa, { aud: ['vault', 'other'], nowMs: NOW }), mySa);
    const r = await h.request('update', 'login', { role: 'MY-ROLE', jwt });
    assert.equal(r.status, 200, r.error);
    assert.equal(r.response!.auth!.alias!.name, 'app-namespace/my-sa');
    assert.deepEqual(kube.reviews.at(-1)!.audiences, ['vault']);
  });

  it('refuses, naming the failed check, before calling Kubernetes when the claims say no', async () => {
    const { kube, h } = await setup({}, { audience: 'vault' });
    const refused = async (data: Record<string, unknown>, status: number, re: RegExp): Promise<void> => {
      const r = await h.request('update', 'login', data);
      assert.equal(r.status, status, `${JSON.stringify(data).slice(0, 60)}: ${r.error}`);
      assert.match(r.error!, re);
      if (typeof data.jwt === 'string' && data.jwt.length > 10) assert.ok(!r.error!.includes(data.jwt), 'never echoes the JWT');
    };
    const good = { aud: ['vault'], nowMs: NOW };
    await refused({ jwt: 'x' }, 400, /^missing role$/);
    await refused({ role: 'my-role' }, 400, /^missing jwt$/);
    await refused({ role: 'nope', jwt: projectedJwt(mySa, good) }, 400, /^invalid role name "nope"$/);
    await refused({ role: 'my-role', jwt: 'abc.def' }, 403, /permission denied: the JWT is malformed: it has 2 dot-separated parts/);
    await refused({ role: 'my-role', jwt: projectedJwt(sa('app-namespace', 'other-sa'), good) }, 403, /service account name not authorized: "other-sa" does not match role "my-role"'s bound_service_account_names/);
    await refused({ role: 'my-role', jwt: projectedJwt(sa('dev', 'my-sa'), good) }, 403, /namespace not authorized: "dev" does not match role "my-role"'s bound_service_account_namespaces/);
    await refused({ role: 'my-role', jwt: projectedJwt(mySa, { nowMs: NOW }) }, 403, /audience mismatch: role "my-role" requires an audience the JWT does not carry \(its audiences are \[https:\/\/kubernetes.default.svc.cluster.local\]\)/);
    await refused({ role: 'my-role', jwt: projectedJwt(mySa, { ...good, exp: NOW / 1000 - 3600 }) }, 403, /the JWT has expired: its exp claim is 2024-01-02T02:04:05/);
    await refused({ role: 'my-role', jwt: signJwt({ aud: ['vault'], sub: 'someone' }) }, 403, /carries no service-account name and namespace claims/);
    assert.equal(kube.reviews.length, 0, 'none of these reached Kubernetes');
  });

  it('refuses a login from outside token_bound_cidrs', async () => {
    const { kube, h } = await setup({}, { token_bound_cidrs: '10.0.0.0/8' });
    const r = await h.request('update', 'login', { role: 'my-role', jwt: kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa) });
    assert.equal(r.status, 403);
    assert.match(r.error!, /login from 127.0.0.1 is not allowed: the address is outside role "my-role"'s token_bound_cidrs/);
  });

  it('passes TokenReview refusals through with what they mean, and checks the reviewed identity', async () => {
    const { kube, h } = await setup();
    const jwt = projectedJwt(mySa, { nowMs: NOW });
    kube.refuse = () => permissionDenied(`Kubernetes TokenReview did not authenticate the JWT: [invalid bearer token, serviceaccounts "my-sa" not found] ${jwt}`);
    let r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(r.status, 403);
    assert.match(r.error!, /not found\] <redacted>; service account app-namespace\/my-sa no longer exists: it was deleted/);
    kube.refuse = () => permissionDenied('Kubernetes TokenReview did not authenticate the JWT: [invalid bearer token, go-jose/go-jose: error in cryptographic primitive]');
    r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.match(r.error!, /the token is forged or was issued by another cluster/);
    kube.refuse = () => new CofferError(500, 'could not reach the Kubernetes API at https://10.0.0.1:6443 (ECONNREFUSED); check kubernetes_host in auth/kubernetes/config');
    r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(r.status, 403, 'Vault answers a TokenReview that could not be made with 403');
    assert.match(r.error!, /^permission denied: the JWT could not be checked with the Kubernetes TokenReview API: could not reach the Kubernetes API at https:\/\/10.0.0.1:6443 \(ECONNREFUSED\)/);
    kube.accepted.set(jwt, { namespace: 'app-namespace', name: 'my-sa', uid: 'another-uid', audiences: [] });
    r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(r.status, 403);
    assert.match(r.error!, /the JWT's claims \(app-namespace\/my-sa, uid 1111.*\) do not match the service account Kubernetes reports for it \(app-namespace\/my-sa, uid another-uid\)/);
  });

  it('verifies signatures locally when pem_keys is set (RS256 and ES256)', async () => {
    const { kube, h } = await setup({ pem_keys: [pemOf(otherRsa.publicKey), pemOf(rsa.publicKey), pemOf(ec.publicKey)] });
    const good = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    assert.equal((await h.request('update', 'login', { role: 'my-role', jwt: good })).status, 200);
    const ecJwt = kube.accept(projectedJwt(mySa, { nowMs: NOW, key: ec.privateKey }), mySa);
    assert.equal((await h.request('update', 'login', { role: 'my-role', jwt: ecJwt })).status, 200);
    const forger = (await import('node:crypto')).generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = kube.accept(projectedJwt(mySa, { nowMs: NOW, key: forger.privateKey }), mySa);
    const before = kube.reviews.length;
    const r = await h.request('update', 'login', { role: 'my-role', jwt: forged });
    assert.equal(r.status, 403);
    assert.match(r.error!, /the JWT's signature is not valid: its RS256 signature does not verify against any of the 3 key\(s\) in pem_keys/);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${forged.split('.')[1]}.AAAA`;
    assert.match((await h.request('update', 'login', { role: 'my-role', jwt: none })).error!, /signing algorithm "none" is not one Kubernetes uses/);
    assert.equal(kube.reviews.length, before, 'forged tokens never reach TokenReview');
  });

  it('checks the issuer only when validation is on and an issuer is set', async () => {
    const { kube, h } = await setup({ disable_iss_validation: false, issuer: 'https://issuer.example' });
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    const r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(r.status, 403);
    assert.match(r.error!, /the JWT's issuer "https:\/\/kubernetes.default.svc.cluster.local" is not the issuer set in config/);
    await h.request('update', 'config', { kubernetes_host: 'https://x', token_reviewer_jwt: REVIEWER, disable_iss_validation: false });
    assert.equal((await h.request('update', 'login', { role: 'my-role', jwt })).status, 200, "as Vault: no issuer configured, no check");
  });

  it("uses the client's own JWT as the bearer when no reviewer is configured", async () => {
    const { kube, h } = await setup({ token_reviewer_jwt: '' });
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    assert.equal((await h.request('update', 'login', { role: 'my-role', jwt })).status, 200);
    assert.equal(kube.reviews[0]!.target.bearer, jwt);
    assert.equal(kube.reviews[0]!.target.bearerSource, 'client');
    assert.match(kube.reviews[0]!.target.caSource, /system trust store/);
  });

  it("uses the pod's token and CA files, re-reading the token after a minute", async () => {
    const dir = tempDir('coffer-sa-');
    writeFileSync(join(dir, 'token'), 'pod-token-1\n');
    writeFileSync(join(dir, 'ca.crt'), testCaPem());
    const kube = new ScriptedKube();
    const h = await kubeHarness(kube, { serviceAccountDir: dir });
    await configured(h, { token_reviewer_jwt: '' });
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(kube.reviews[0]!.target.bearer, 'pod-token-1');
    assert.equal(kube.reviews[0]!.target.bearerSource, 'local');
    assert.equal(kube.reviews[0]!.target.caPem, testCaPem().trim());
    assert.match(kube.reviews[0]!.target.caSource, /the pod's CA file .*ca\.crt/);
    writeFileSync(join(dir, 'token'), 'pod-token-2\n');
    await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(kube.reviews[1]!.target.bearer, 'pod-token-1', 'cached within the minute');
    h.clock.advance(61_000);
    await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(kube.reviews[2]!.target.bearer, 'pod-token-2', 'rotated token picked up');
    await h.request('update', 'config', { kubernetes_host: 'https://x', disable_local_ca_jwt: true });
    await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(kube.reviews[3]!.target.bearerSource, 'client', 'disable_local_ca_jwt ignores the pod files');
    assert.equal(kube.reviews[3]!.target.caPem, undefined);
  });

  it('binds namespaces by label selector (ORed with the list), with the lookup only when needed', async () => {
    const { kube, h } = await setup({}, { bound_service_account_namespaces: 'static-ns', bound_service_account_namespace_selector: 'matchLabels:\n  team: payments\n' });
    kube.namespaces.set('app-namespace', { team: 'payments' });
    kube.namespaces.set('other', { team: 'billing' });
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    assert.equal((await h.request('update', 'login', { role: 'my-role', jwt })).status, 200);
    assert.deepEqual(kube.labelCalls, ['app-namespace']);
    const st = sa('static-ns', 'my-sa');
    assert.equal((await h.request('update', 'login', { role: 'my-role', jwt: kube.accept(projectedJwt(st, { nowMs: NOW }), st) })).status, 200);
    assert.deepEqual(kube.labelCalls, ['app-namespace'], 'a list match needs no lookup');
    const other = sa('other', 'my-sa');
    const r = await h.request('update', 'login', { role: 'my-role', jwt: kube.accept(projectedJwt(other, { nowMs: NOW }), other) });
    assert.equal(r.status, 403);
    assert.match(r.error!, /namespace not authorized: "other" does not match role "my-role"'s bound_service_account_namespaces, and the labels of namespace "other" do not match its bound_service_account_namespace_selector/);
    const gone = sa('gone', 'my-sa');
    const g = await h.request('update', 'login', { role: 'my-role', jwt: projectedJwt(gone, { nowMs: NOW }) });
    assert.match(g.error!, /namespace "gone" does not exist in Kubernetes/);
  });

  it('copies vault.hashicorp.com/alias-metadata-* annotations into alias metadata, refusing reserved keys', async () => {
    const { kube, h } = await setup({ use_annotations_as_alias_metadata: true });
    kube.annotations = { 'vault.hashicorp.com/alias-metadata-team': 'payments', 'other/annotation': 'x' };
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    const r = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(r.status, 200, r.error);
    assert.equal(r.response!.auth!.alias!.metadata!.team, 'payments');
    assert.equal(r.response!.auth!.alias!.metadata!['other/annotation'], undefined);
    assert.equal(r.response!.auth!.metadata.team, undefined, 'token metadata stays the SA fields');
    kube.annotations = { 'vault.hashicorp.com/alias-metadata-service_account_name': 'spoof' };
    const bad = await h.request('update', 'login', { role: 'my-role', jwt });
    assert.equal(bad.status, 400);
    assert.match(bad.error!, /entity alias metadata keys for only internal use found .* keys=\["service_account_name"\]/);
  });

  it('renewal re-checks that the role exists and still binds the service account', async () => {
    const { kube, h } = await setup();
    const jwt = kube.accept(projectedJwt(mySa, { nowMs: NOW }), mySa);
    const internal = (await h.request('update', 'login', { role: 'my-role', jwt })).response!.auth!.internalData!;
    await h.backend.renewAuth!(internal);
    await h.request('update', 'role/my-role', { bound_service_account_names: 'someone-else' });
    await assert.rejects(h.backend.renewAuth!(internal), (e: CofferError) => e.status === 403 && /"my-sa" does not match role "my-role"'s bound_service_account_names any more/.test(e.message));
    await h.request('update', 'role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'elsewhere' });
    await assert.rejects(h.backend.renewAuth!(internal), (e: CofferError) => e.status === 403 && /namespace not authorized/.test(e.message));
    await h.request('delete', 'role/my-role');
    await assert.rejects(h.backend.renewAuth!(internal), (e: CofferError) => e.status === 403 && /role "my-role" no longer exists/.test(e.message));
  });

  it('answers 500 with what to do when the mount has no config', async () => {
    const kube = new ScriptedKube();
    const h = await kubeHarness(kube);
    await h.request('update', 'role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace' });
    const r = await h.request('update', 'login', { role: 'my-role', jwt: projectedJwt(mySa, { nowMs: NOW }) });
    assert.equal(r.status, 500);
    assert.match(r.error!, /could not load backend configuration: write auth\/kubernetes\/config/);
  });
});
