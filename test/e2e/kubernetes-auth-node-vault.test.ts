// Compatibility with a client none of us wrote: node-vault's kubernetesLogin (the mount given as
// kubernetesPath, or mount_point) and getKubernetesRole, against a real dev server and the fake
// kube-apiserver.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import nodeVault from 'node-vault';
import { startDevServer, type DevServer } from '../support/server.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { tempDir } from '../support/tmp.js';

/** node-vault reads `kubernetesPath` (src/index.js) but its typings do not declare it. */
const client = (o: nodeVault.VaultOptions & { kubernetesPath: string }): nodeVault.client => nodeVault(o);

let srv: DevServer;
let kube: FakeKube;

before(async () => {
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-no-sa-'), 'absent');
  kube = await startFakeKube();
  srv = await startDevServer('nvk-root');
  kube.createNamespace('app-namespace');
  kube.createServiceAccount('app-namespace', 'my-sa');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
});
after(async () => {
  await srv?.stop();
  await kube?.close();
});

test('node-vault kubernetesLogin against a mount at kube-policy', async () => {
  const admin = client({ apiVersion: 'v1', endpoint: srv.addr, token: 'nvk-root', kubernetesPath: 'kube-policy' });
  await admin.write('sys/auth/kube-policy', { type: 'kubernetes' }); // node-vault's enableAuth trips over its own schema
  await admin.write('auth/kube-policy/config', { kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem, token_reviewer_jwt: kube.legacyToken('default', 'vault-auth') });
  await admin.addPolicy({ name: 'myapp-policy', rules: 'path "secret/data/myapp/*" { capabilities = ["read"] }' });
  await admin.write('secret/data/myapp/config', { data: { password: 'pw' } });
  // node-vault's addKubernetesRole trips over its own schema (no `properties`); a plain write it is.
  await admin.write('auth/kube-policy/role/my-role', { bound_service_account_names: ['my-sa'], bound_service_account_namespaces: ['app-namespace'], policies: ['myapp-policy'] });
  const role = await admin.getKubernetesRole({ role_name: 'my-role', kubernetesPath: 'kube-policy' });
  assert.deepEqual(role.data.bound_service_account_names, ['my-sa']);

  const app = client({ apiVersion: 'v1', endpoint: srv.addr, kubernetesPath: 'kube-policy' });
  // node-vault 0.12 stores the constructor's kubernetesPath but renders the path from the call's
  // arguments, so the mount goes in both places (or as mount_point).
  const res = await app.kubernetesLogin({ role: 'my-role', jwt: kube.projectedToken('app-namespace', 'my-sa'), kubernetesPath: 'kube-policy' });
  assert.match(res.auth.client_token, /^hvs\./);
  assert.equal(res.auth.metadata.service_account_name, 'my-sa');
  assert.equal(app.token, res.auth.client_token, 'node-vault adopts the token from the login');
  assert.equal((await app.read('secret/data/myapp/config')).data.data.password, 'pw');

  const other = client({ apiVersion: 'v1', endpoint: srv.addr, kubernetesPath: 'kube-policy' });
  kube.createServiceAccount('app-namespace', 'intruder');
  await assert.rejects(other.kubernetesLogin({ role: 'my-role', jwt: kube.projectedToken('app-namespace', 'intruder'), mount_point: 'kube-policy' }), (e: Error & { response?: { statusCode: number } }) => {
    assert.equal(e.response?.statusCode, 403);
    assert.match(e.message, /service account name not authorized: "intruder"/);
    return true;
  });
});
