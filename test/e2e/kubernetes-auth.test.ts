// The kubernetes auth method end to end: a real `coffer server -dev` process and the fake
// kube-apiserver over TLS. The seed tutorial's flow through the HTTP API (enable at kube-policy,
// config, policy, role, login with my-sa's JWT, read secret/data/myapp/config), then every refusal
// with its message, the namespace selector and globs, the client-JWT-as-bearer mode, and renewal
// re-checking the role.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { makeTestPki } from '../support/tls.js';
import { tempDir } from '../support/tmp.js';

const ROOT = 'k8s-root';
let srv: DevServer;
let kube: FakeKube;
let reviewerJwt: string;

before(async () => {
  // Not in a pod: point the pod service-account directory at nothing.
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-no-sa-'), 'absent');
  kube = await startFakeKube();
  srv = await startDevServer(ROOT);
  kube.createNamespace('app-namespace', { team: 'payments' });
  kube.createServiceAccount('app-namespace', 'my-sa');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
  reviewerJwt = kube.legacyToken('default', 'vault-auth');
});
after(async () => {
  await srv?.stop();
  await kube?.close();
});

const root = (method: string, path: string, body?: unknown) => api(srv.addr, method, path, { token: ROOT, body });

async function mount(path: string, config: Record<string, unknown> = {}, role: Record<string, unknown> = {}): Promise<void> {
  assert.equal((await root('POST', `sys/auth/${path}`, { type: 'kubernetes' })).status, 204);
  const c = await root('POST', `auth/${path}/config`, { token_reviewer_jwt: reviewerJwt, kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem, ...config });
  assert.ok(c.status < 300, c.text);
  const r = await root('POST', `auth/${path}/role/my-role`, { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace', policies: 'myapp-policy', ...role });
  assert.ok(r.status < 300, r.text);
}

const login = (path: string, jwt: string, role = 'my-role') => api(srv.addr, 'POST', `auth/${path}/login`, { body: { role, jwt } });

async function refused(path: string, jwt: string, status: number, re: RegExp): Promise<string> {
  const r = await login(path, jwt);
  assert.equal(r.status, status, r.text);
  const msg: string = r.body.errors[0];
  assert.match(msg, re);
  assert.ok(!r.text.includes(jwt), 'the JWT is never echoed');
  return msg;
}

test("the tutorial's flow: enable, config, policy, role, login, read the secret", async () => {
  await mount('kube-policy');
  const cfg = await root('GET', 'auth/kube-policy/config');
  assert.equal(cfg.body.data.token_reviewer_jwt_set, true);
  assert.ok(!cfg.text.includes(reviewerJwt));
  assert.equal((await root('PUT', 'sys/policies/acl/myapp-policy', { policy: 'path "secret/data/myapp/*" {\n  capabilities = ["read", "list"]\n}\n' })).status, 204);
  assert.equal((await root('PUT', 'secret/data/myapp/config', { data: { aws_access_key_id: 'AKIA123', aws_secret_access_key: 's3cr3t' } })).status, 200);

  const before = kube.tokenReviewCount;
  const jwt = kube.projectedToken('app-namespace', 'my-sa', { podName: 'my-app' });
  const r = await login('kube-policy', jwt);
  assert.equal(r.status, 200, r.text);
  assert.equal(kube.tokenReviewCount, before + 1, 'exactly one TokenReview per login');
  const auth = r.body.auth;
  assert.match(auth.client_token, /^hvs\./);
  assert.deepEqual(auth.policies, ['default', 'myapp-policy']);
  assert.deepEqual(auth.metadata, {
    role: 'my-role',
    service_account_name: 'my-sa',
    service_account_namespace: 'app-namespace',
    service_account_secret_name: '',
    service_account_uid: auth.metadata.service_account_uid,
  });
  assert.match(auth.metadata.service_account_uid, /^[0-9a-f-]{36}$/);
  assert.equal(auth.renewable, true);
  assert.equal(r.body.mount_type, 'kubernetes');

  const secret = await api(srv.addr, 'GET', 'secret/data/myapp/config', { token: auth.client_token });
  assert.equal(secret.status, 200, secret.text);
  assert.equal(secret.body.data.data.aws_access_key_id, 'AKIA123');
  assert.equal((await api(srv.addr, 'GET', 'secret/data/other', { token: auth.client_token })).status, 403);
  const self = await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: auth.client_token });
  assert.equal(self.body.data.display_name, 'kube-policy-app-namespace-my-sa');
  assert.equal(self.body.data.path, 'auth/kube-policy/login');

  const legacy = await login('kube-policy', kube.legacyToken('app-namespace', 'my-sa'));
  assert.equal(legacy.status, 200, legacy.text);
  assert.match(legacy.body.auth.metadata.service_account_secret_name, /^my-sa-token-/);
});

test('refusals say which check failed', async () => {
  await mount('refusals', {}, { audience: '' });
  const before = kube.tokenReviewCount;
  await refused('refusals', kube.projectedToken('app-namespace', 'my-sa').slice(0, 40), 403, /permission denied: the JWT is malformed/);
  kube.createServiceAccount('app-namespace', 'other-sa');
  await refused('refusals', kube.projectedToken('app-namespace', 'other-sa'), 403, /permission denied: service account name not authorized: "other-sa" does not match role "my-role"'s bound_service_account_names/);
  kube.createNamespace('dev');
  kube.createServiceAccount('dev', 'my-sa');
  await refused('refusals', kube.projectedToken('dev', 'my-sa'), 403, /permission denied: namespace not authorized: "dev" does not match role "my-role"'s bound_service_account_namespaces/);
  await refused('refusals', kube.projectedToken('app-namespace', 'my-sa', { expirationSeconds: -1000 }), 403, /permission denied: the JWT has expired: its exp claim is/);
  assert.equal(kube.tokenReviewCount, before, 'claim checks happen before any TokenReview');

  // Refused by Kubernetes itself.
  await refused('refusals', kube.projectedToken('app-namespace', 'my-sa', { expirationSeconds: -100 }), 403, /did not authenticate the JWT: \[invalid bearer token, service account token has expired\]; the token has expired/);
  await refused('refusals', kube.forgedToken('app-namespace', 'my-sa'), 403, /did not authenticate the JWT: .*cryptographic primitive.*; its signature does not verify against the cluster's keys: the token is forged/);
  kube.createServiceAccount('app-namespace', 'doomed');
  await root('POST', 'auth/refusals/role/doomed', { bound_service_account_names: 'doomed', bound_service_account_namespaces: 'app-namespace' });
  const doomedJwt = kube.projectedToken('app-namespace', 'doomed');
  const doomedLegacy = kube.legacyToken('app-namespace', 'doomed');
  kube.deleteServiceAccount('app-namespace', 'doomed');
  for (const jwt of [doomedJwt, doomedLegacy]) {
    const r = await login('refusals', jwt, 'doomed');
    assert.equal(r.status, 403);
    assert.match(r.body.errors[0], /did not authenticate the JWT: .*(not found|invalidated).*(no longer exists: it was deleted|was invalidated)/);
  }
});

test('no TokenReview answer is reused: a login right after the service account is deleted fails', async () => {
  await mount('fresh');
  kube.createServiceAccount('app-namespace', 'brief');
  await root('POST', 'auth/fresh/role/brief', { bound_service_account_names: 'brief', bound_service_account_namespaces: 'app-namespace' });
  const jwt = kube.projectedToken('app-namespace', 'brief');
  const before = kube.tokenReviewCount;
  for (let i = 0; i < 3; i++) assert.equal((await login('fresh', jwt, 'brief')).status, 200);
  assert.equal(kube.tokenReviewCount, before + 3, 'every login, even with the same JWT, asks Kubernetes');
  kube.deleteServiceAccount('app-namespace', 'brief');
  const r = await login('fresh', jwt, 'brief');
  assert.equal(r.status, 403, r.text);
  assert.match(r.body.errors[0], /no longer exists: it was deleted|was invalidated/);
  assert.equal(kube.tokenReviewCount, before + 4);
});

test('audience: a role audience the token lacks is refused', async () => {
  await mount('aud', {}, { audience: 'vault' });
  await refused('aud', kube.projectedToken('app-namespace', 'my-sa'), 403, /audience mismatch: role "my-role" requires an audience the JWT does not carry \(its audiences are \[https:\/\/kubernetes.default.svc.cluster.local\]\)/);
  assert.equal((await login('aud', kube.projectedToken('app-namespace', 'my-sa', { audiences: ['vault'] }))).status, 200);
});

test('pem_keys: forged tokens are refused locally, before TokenReview', async () => {
  await mount('pem', { pem_keys: [kube.publicKeyPem] });
  const before = kube.tokenReviewCount;
  await refused('pem', kube.forgedToken('app-namespace', 'my-sa'), 403, /the JWT's signature is not valid: its RS256 signature does not verify against any of the 1 key\(s\) in pem_keys/);
  assert.equal(kube.tokenReviewCount, before);
  assert.equal((await login('pem', kube.projectedToken('app-namespace', 'my-sa'))).status, 200);
});

test('a reviewer without system:auth-delegator gets the ClusterRoleBinding to create', async () => {
  kube.createServiceAccount('default', 'no-rbac');
  await mount('rbac', { token_reviewer_jwt: kube.legacyToken('default', 'no-rbac') });
  const msg = await refused('rbac', kube.projectedToken('app-namespace', 'my-sa'), 403, /^permission denied: Kubernetes refused the TokenReview \(403 Forbidden\): service account default\/no-rbac may not create tokenreviews/);
  assert.match(msg, /kubectl create clusterrolebinding coffer-tokenreview-default-no-rbac --clusterrole=system:auth-delegator --serviceaccount=default:no-rbac/);
});

test("without a reviewer JWT the client's own JWT is the bearer", async () => {
  await mount('client-bearer', { token_reviewer_jwt: '' });
  const msg = await refused('client-bearer', kube.projectedToken('app-namespace', 'my-sa'), 403, /--serviceaccount=app-namespace:my-sa/);
  assert.match(msg, /the client's own JWT was the bearer/);
  kube.bindAuthDelegator('app-namespace', 'my-sa');
  const r = await login('client-bearer', kube.projectedToken('app-namespace', 'my-sa'));
  assert.equal(r.status, 200, r.text);
});

// Vault answers a login whose TokenReview could not be made with 403 (clients catch Forbidden);
// Coffer gives the same status and keeps saying what went wrong and what to fix.
const REVIEW_FAILED = /^permission denied: the JWT could not be checked with the Kubernetes TokenReview API: /;

test('a CA that did not sign the API server certificate is a 403 with a clear TLS error', async () => {
  const other = makeTestPki(tempDir('coffer-wrong-ca-'));
  await mount('wrong-ca', { kubernetes_ca_cert: other.ca });
  const msg = await refused('wrong-ca', kube.projectedToken('app-namespace', 'my-sa'), 403, /TLS certificate verification failed for the Kubernetes API at https:\/\/127.0.0.1:\d+/);
  assert.match(msg, REVIEW_FAILED);
  assert.match(msg, /set kubernetes_ca_cert in auth\/wrong-ca\/config to the CA that signed the API server's certificate/);
});

test('a slow Kubernetes API gives a 403 timeout error, not a hang', async () => {
  await mount('slow', { kubernetes_request_timeout: '500ms' });
  kube.setLatencyMs(5000);
  try {
    const msg = await refused('slow', kube.projectedToken('app-namespace', 'my-sa'), 403, /the Kubernetes API did not answer POST .*tokenreviews within 0.5s \(kubernetes_request_timeout in auth\/slow\/config\)/);
    assert.match(msg, REVIEW_FAILED);
  } finally {
    kube.setLatencyMs(0);
  }
});

test('a stopped API server is a 403 that says it could not be reached', async () => {
  const gone = await startFakeKube();
  const caPem = gone.caPem;
  const url = gone.url;
  await gone.close();
  await mount('stopped', { kubernetes_host: url, kubernetes_ca_cert: caPem });
  const msg = await refused('stopped', kube.projectedToken('app-namespace', 'my-sa'), 403, /could not reach the Kubernetes API at https:\/\/127.0.0.1:\d+ \(ECONNREFUSED\); check kubernetes_host in auth\/stopped\/config/);
  assert.match(msg, REVIEW_FAILED);
});

test('a 5xx from the TokenReview API is a 403 that quotes it', async () => {
  await mount('five-hundred');
  kube.failTokenReviews(503);
  try {
    const msg = await refused('five-hundred', kube.projectedToken('app-namespace', 'my-sa'), 403, /the Kubernetes TokenReview API answered 503: /);
    assert.match(msg, REVIEW_FAILED);
  } finally {
    kube.failTokenReviews(null);
  }
});

test('namespace selector (ORed with the list) and glob bindings', async () => {
  kube.createNamespace('team-a', { team: 'payments' });
  kube.createServiceAccount('team-a', 'worker-1');
  await mount('selector', {}, { bound_service_account_names: 'worker-*', bound_service_account_namespaces: '', bound_service_account_namespace_selector: 'matchLabels:\n  team: payments\n' });
  const r = await login('selector', kube.projectedToken('team-a', 'worker-1'));
  assert.equal(r.status, 200, r.text);
  kube.setNamespaceLabels('team-a', { team: 'billing' });
  await refused('selector', kube.projectedToken('team-a', 'worker-1'), 403, /namespace not authorized: role "my-role" binds namespaces only by label selector, and the labels of namespace "team-a" do not match its bound_service_account_namespace_selector/);
  await root('POST', 'auth/selector/role/my-role', { bound_service_account_namespaces: 'team-*' });
  assert.equal((await login('selector', kube.projectedToken('team-a', 'worker-1'))).status, 200, 'glob namespace binds without the selector');
});

test('renewal re-checks the role: deleting it makes renew-self fail', async () => {
  await mount('renew');
  const r = await login('renew', kube.projectedToken('app-namespace', 'my-sa'));
  const token: string = r.body.auth.client_token;
  const ok = await api(srv.addr, 'POST', 'auth/token/renew-self', { token, body: {} });
  assert.equal(ok.status, 200, ok.text);
  await root('POST', 'auth/renew/role/my-role', { bound_service_account_names: 'someone-else' });
  const unbound = await api(srv.addr, 'POST', 'auth/token/renew-self', { token, body: {} });
  assert.equal(unbound.status, 403);
  assert.match(unbound.body.errors[0], /"my-sa" does not match role "my-role"'s bound_service_account_names any more/);
  await root('DELETE', 'auth/renew/role/my-role');
  const gone = await api(srv.addr, 'POST', 'auth/token/renew-self', { token, body: {} });
  assert.equal(gone.status, 403);
  assert.match(gone.body.errors[0], /role "my-role" no longer exists in auth\/renew\/, so its tokens cannot be renewed/);
});
