// Login helpers: what the client sends for kubernetes (JWT given, or read from the service-account
// token file), approle and userpass, recorded by a stub; that the new token becomes the client's
// and the old one is not sent; then real logins against the dev server (userpass, approle, and
// kubernetes with a stub TokenReview API).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, tempDir } from '../support/server.js';
import { Client, VaultError, SERVICE_ACCOUNT_TOKEN_PATH } from '../../src/client/index.js';
import { startStub, type Received } from './stub.js';

const loginAnswer = (token: string) => ({
  status: 200,
  body: { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: { client_token: token, accessor: 'a', policies: ['default', 'app'], token_policies: ['default', 'app'], metadata: { role: 'app' }, lease_duration: 3600, renewable: true } },
});

async function recording(): Promise<{ addr: string; received: Received[]; close: () => Promise<void> }> {
  return startStub((r) => loginAnswer(`hvs.from-${r.url.split('/')[3]}`));
}

test('kubernetes login: sends {role, jwt} to auth/<mount>/login without the old token; sets the new token', async () => {
  const stub = await recording();
  const c = new Client({ address: stub.addr, token: 'old-token', env: {} });
  try {
    const auth = await c.auth.kubernetes.login({ role: 'app', jwt: 'eyJhbGciOi.given.jwt' });
    assert.equal(auth.client_token, 'hvs.from-kubernetes');
    assert.deepEqual(auth.policies, ['default', 'app']);
    assert.equal(c.getToken(), 'hvs.from-kubernetes');
    const r = stub.received[0]!;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/v1/auth/kubernetes/login');
    assert.equal(r.headers['x-vault-token'], undefined, 'the old token is not sent on login');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(r.body), { role: 'app', jwt: 'eyJhbGciOi.given.jwt' });

    // Later calls carry the new token.
    await c.request('GET', 'secret/data/x');
    assert.equal(stub.received[1]!.headers['x-vault-token'], 'hvs.from-kubernetes');
  } finally {
    c.close();
    await stub.close();
  }
});

test('kubernetes login: reads the JWT from the service-account token file (path overridable), custom mount', async () => {
  assert.equal(SERVICE_ACCOUNT_TOKEN_PATH, '/var/run/secrets/kubernetes.io/serviceaccount/token');
  const dir = tempDir();
  const file = join(dir, 'token');
  writeFileSync(file, 'jwt-from-the-file\n');
  const stub = await recording();
  const c = new Client({ address: stub.addr, env: {} });
  try {
    await c.auth.kubernetes.login({ role: 'web', mount: 'kube-prod', jwtPath: file });
    assert.equal(stub.received[0]!.url, '/v1/auth/kube-prod/login');
    assert.deepEqual(JSON.parse(stub.received[0]!.body), { role: 'web', jwt: 'jwt-from-the-file' });
    const missing = await c.auth.kubernetes.login({ role: 'web', jwtPath: join(dir, 'nope') }).catch((e: unknown) => e);
    assert.ok(missing instanceof Error);
    assert.match(missing.message, /cannot read the service-account token at .*nope \(ENOENT\)/);
    assert.equal(stub.received.length, 1, 'nothing sent without a JWT');
  } finally {
    c.close();
    await stub.close();
  }
});

test('approle and userpass login requests', async () => {
  const stub = await recording();
  const c = new Client({ address: stub.addr, env: {} });
  try {
    await c.auth.approle.login({ roleId: 'rid', secretId: 'sid' });
    assert.equal(stub.received[0]!.url, '/v1/auth/approle/login');
    assert.deepEqual(JSON.parse(stub.received[0]!.body), { role_id: 'rid', secret_id: 'sid' });
    await c.auth.approle.login({ roleId: 'rid-only', mount: 'ar2' });
    assert.equal(stub.received[1]!.url, '/v1/auth/ar2/login');
    assert.deepEqual(JSON.parse(stub.received[1]!.body), { role_id: 'rid-only' });
    await c.auth.userpass.login({ username: 'alice smith', password: 'pw' });
    assert.equal(stub.received[2]!.url, '/v1/auth/userpass/login/alice%20smith');
    assert.deepEqual(JSON.parse(stub.received[2]!.body), { password: 'pw' });
    await c.auth.userpass.login({ username: 'bob', password: 'pw', mount: 'people' });
    assert.equal(stub.received[3]!.url, '/v1/auth/people/login/bob');
    assert.equal(c.getToken(), 'hvs.from-people');
    await assert.rejects(c.auth.userpass.login({ username: 'a/b', password: 'x' }), /username/);
  } finally {
    c.close();
    await stub.close();
  }
});

test('a refused login throws VaultError and keeps the previous token', async () => {
  const stub = await startStub(() => ({ status: 400, body: { errors: ['invalid username or password'] } }));
  const c = new Client({ address: stub.addr, token: 'keep-me', env: {} });
  try {
    const e = await c.auth.userpass.login({ username: 'u', password: 'wrong-password-here' }).catch((x: unknown) => x);
    assert.ok(e instanceof VaultError && e.status === 400);
    assert.ok(!e.message.includes('wrong-password-here'));
    assert.equal(c.getToken(), 'keep-me');
  } finally {
    c.close();
    await stub.close();
  }
});

test('real server: userpass, approle and kubernetes logins', async (t) => {
  const srv = await startDevServer('root-token-auth');
  const root = new Client({ address: srv.addr, token: srv.rootToken, env: {} });
  const kube = await startStub((r) => {
    if (r.url !== '/apis/authentication.k8s.io/v1/tokenreviews') return { status: 404, body: {} };
    return { status: 201, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', status: { authenticated: true, user: { username: 'system:serviceaccount:default:app', uid: 'uid-1' } } } };
  });
  try {
    await t.test('userpass', async (st) => {
      try {
        await root.sys.auth.enable('userpass', { type: 'userpass' });
      } catch (e) {
        return st.skip(`sys/auth does not accept userpass yet: ${String(e)}`);
      }
      await root.write('auth/userpass/users/alice', { password: 'pw-alice', token_policies: ['default'] });
      const c = new Client({ address: srv.addr, env: {} });
      const auth = await c.auth.userpass.login({ username: 'alice', password: 'pw-alice' });
      assert.match(auth.client_token, /^hvs\./);
      assert.equal((await c.token.lookupSelf()).display_name, 'userpass-alice');
      await assert.rejects(c.auth.userpass.login({ username: 'alice', password: 'nope' }), (e: unknown) => e instanceof VaultError && e.status >= 400);
      c.close();
    });
    await t.test('approle', async (st) => {
      try {
        await root.sys.auth.enable('approle', { type: 'approle' });
      } catch (e) {
        return st.skip(`sys/auth does not accept approle yet: ${String(e)}`);
      }
      await root.write('auth/approle/role/ci', { token_policies: ['default'] });
      const roleId = (await root.read<{ role_id: string }>('auth/approle/role/ci/role-id'))?.data?.role_id;
      const secretId = (await root.write<{ secret_id: string }>('auth/approle/role/ci/secret-id', {}))?.data?.secret_id;
      assert.ok(roleId && secretId);
      const c = new Client({ address: srv.addr, env: {} });
      const auth = await c.auth.approle.login({ roleId, secretId });
      assert.ok(auth.policies?.includes('default'));
      assert.equal(c.getToken(), auth.client_token);
      c.close();
    });
    await t.test('kubernetes (TokenReview answered by a stub API server)', async (st) => {
      try {
        await root.sys.auth.enable('kubernetes', { type: 'kubernetes' });
      } catch (e) {
        return st.skip(`sys/auth does not accept kubernetes yet: ${String(e)}`);
      }
      await root.write('auth/kubernetes/config', { kubernetes_host: kube.addr, disable_local_ca_jwt: true });
      await root.write('auth/kubernetes/role/app', { bound_service_account_names: ['app'], bound_service_account_namespaces: ['default'], token_policies: ['default'] });
      const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
      const now = Math.floor(Date.now() / 1000);
      const jwt = `${b64({ alg: 'RS256', kid: 'k' })}.${b64({
        iss: 'kubernetes/serviceaccount',
        sub: 'system:serviceaccount:default:app',
        iat: now,
        'kubernetes.io/serviceaccount/namespace': 'default',
        'kubernetes.io/serviceaccount/service-account.name': 'app',
        'kubernetes.io/serviceaccount/service-account.uid': 'uid-1',
        'kubernetes.io/serviceaccount/secret.name': 'app-token',
      })}.c2ln`;
      const dir = tempDir();
      writeFileSync(join(dir, 'token'), jwt);
      const c = new Client({ address: srv.addr, env: {} });
      const auth = await c.auth.kubernetes.login({ role: 'app', jwtPath: join(dir, 'token') });
      assert.match(auth.client_token, /^hvs\./);
      assert.equal(auth.metadata?.service_account_name, 'app');
      assert.equal(kube.received.length, 1);
      assert.equal(JSON.parse(kube.received[0]!.body).spec.token, jwt);
      assert.ok((await c.token.lookupSelf()).policies.includes('default'));
      c.close();
    });
  } finally {
    root.close();
    await kube.close();
    await srv.stop();
  }
});
