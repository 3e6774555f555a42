// AppRole and userpass against a real dev server over HTTP: enable both at sys/auth/<path>, create a
// role and a user, log in, read the KV v2 secret the policy allows (and get 403 on one it does not),
// renew-self, and see renewal refused once the role or user is deleted. Then the same logins
// through node-vault's approleLogin and userpassLogin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodeVault from 'node-vault';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

const R = 'ar-up-root';
let srv: DevServer;

before(async () => {
  srv = await startDevServer(R);
  for (const [path, type] of [
    ['approle', 'approle'],
    ['userpass', 'userpass'],
  ] as const) {
    const r = await api(srv.addr, 'POST', `sys/auth/${path}`, { token: R, body: { type } });
    assert.equal(r.status, 204, r.text);
  }
  const pol = await api(srv.addr, 'PUT', 'sys/policies/acl/app-read', { token: R, body: { policy: 'path "secret/data/app/*" {\n  capabilities = ["read"]\n}\n' } });
  assert.equal(pol.status, 204, pol.text);
  for (const path of ['secret/data/app/config', 'secret/data/other/config']) {
    const w = await api(srv.addr, 'PUT', path, { token: R, body: { data: { password: `pw-of-${path}` } } });
    assert.equal(w.status, 200, w.text);
  }
});
after(async () => {
  await srv.stop();
});

async function approleCredentials(role: string): Promise<{ roleId: string; secretId: string }> {
  const roleId = (await api(srv.addr, 'GET', `auth/approle/role/${role}/role-id`, { token: R })).body.data.role_id as string;
  const s = await api(srv.addr, 'POST', `auth/approle/role/${role}/secret-id`, { token: R, body: { metadata: '{"env":"test"}' } });
  assert.equal(s.status, 200, s.text);
  return { roleId, secretId: s.body.data.secret_id };
}

async function expectPolicyApplies(token: string): Promise<void> {
  const ok = await api(srv.addr, 'GET', 'secret/data/app/config', { token });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.data.data.password, 'pw-of-secret/data/app/config');
  assert.equal((await api(srv.addr, 'GET', 'secret/data/other/config', { token })).status, 403);
}

test('sys/auth lists both methods by type', async () => {
  const l = await api(srv.addr, 'GET', 'sys/auth', { token: R });
  assert.equal(l.body.data['approle/'].type, 'approle');
  assert.equal(l.body.data['userpass/'].type, 'userpass');
});

test('approle: role, role-id, secret-id, login, policy, renew-self, and no renewal after the role is deleted', async () => {
  const w = await api(srv.addr, 'POST', 'auth/approle/role/web', { token: R, body: { token_policies: ['app-read'], token_ttl: '10m', token_max_ttl: '1h', secret_id_num_uses: 5 } });
  assert.equal(w.status, 204, w.text);
  assert.deepEqual((await api(srv.addr, 'LIST', 'auth/approle/role', { token: R })).body.data.keys, ['web']);
  const { roleId, secretId } = await approleCredentials('web');

  const l = await api(srv.addr, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.body.auth.policies, ['app-read', 'default']);
  assert.deepEqual(l.body.auth.metadata, { env: 'test', role_name: 'web' });
  assert.equal(l.body.auth.lease_duration, 600);
  assert.equal(l.body.auth.renewable, true);
  const token = l.body.auth.client_token as string;
  assert.match(token, /^hvs\./);

  const self = await api(srv.addr, 'GET', 'auth/token/lookup-self', { token });
  assert.equal(self.body.data.display_name, 'approle');
  assert.equal(self.body.data.path, 'auth/approle/login');
  await expectPolicyApplies(token);

  const renew = await api(srv.addr, 'POST', 'auth/token/renew-self', { token, body: { increment: '30m' } });
  assert.equal(renew.status, 200, renew.text);
  assert.equal(renew.body.auth.client_token, token);

  const look = await api(srv.addr, 'POST', 'auth/approle/role/web/secret-id/lookup', { token: R, body: { secret_id: secretId } });
  assert.equal(look.body.data.secret_id_num_uses, 4, 'one use consumed');

  assert.equal((await api(srv.addr, 'DELETE', 'auth/approle/role/web', { token: R })).status, 204);
  const refused = await api(srv.addr, 'POST', 'auth/token/renew-self', { token });
  assert.equal(refused.status, 400);
  assert.match(refused.body.errors[0], /role "web" does not exist during renewal/);
  const again = await api(srv.addr, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
  assert.equal(again.status, 400);
  assert.deepEqual(again.body.errors, ['invalid role or secret ID']);
});

test('approle over HTTP: bad input is a 400 naming the field; CIDR-bound secret IDs are refused from elsewhere', async () => {
  const bad = await api(srv.addr, 'POST', 'auth/approle/role/strict', { token: R, body: { secret_id_ttl: 'forever' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.errors[0], /"secret_id_ttl"/);
  await api(srv.addr, 'POST', 'auth/approle/role/strict', { token: R, body: { token_policies: 'app-read' } });
  const roleId = (await api(srv.addr, 'GET', 'auth/approle/role/strict/role-id', { token: R })).body.data.role_id as string;
  const far = await api(srv.addr, 'POST', 'auth/approle/role/strict/secret-id', { token: R, body: { cidr_list: ['10.0.0.0/8'] } });
  const r = await api(srv.addr, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: far.body.data.secret_id } });
  assert.equal(r.status, 400);
  assert.match(r.body.errors[0], /unauthorized through CIDR restrictions on the secret ID/);
  const acc = await api(srv.addr, 'LIST', 'auth/approle/role/strict/secret-id', { token: R });
  assert.deepEqual(acc.body.data.keys, [far.body.data.secret_id_accessor]);
  assert.equal((await api(srv.addr, 'POST', 'auth/approle/login', { body: {} })).status, 400);
});

test('userpass: user, login, policy, renew-self, and no renewal after the user is deleted', async () => {
  const w = await api(srv.addr, 'POST', 'auth/userpass/users/Alice', { token: R, body: { password: 'correct horse', token_policies: 'app-read', token_ttl: '10m' } });
  assert.equal(w.status, 204, w.text);
  assert.deepEqual((await api(srv.addr, 'LIST', 'auth/userpass/users', { token: R })).body.data.keys, ['alice']);

  for (const [name, password] of [
    ['alice', 'wrong'],
    ['nobody', 'correct horse'],
  ]) {
    const bad = await api(srv.addr, 'POST', `auth/userpass/login/${name}`, { body: { password } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors, ['invalid username or password']);
  }

  const l = await api(srv.addr, 'POST', 'auth/userpass/login/ALICE', { body: { password: 'correct horse' } });
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.body.auth.metadata, { username: 'alice' });
  assert.deepEqual(l.body.auth.policies, ['app-read', 'default']);
  assert.equal(l.body.auth.lease_duration, 600);
  const token = l.body.auth.client_token as string;
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token })).body.data.display_name, 'userpass-alice');
  await expectPolicyApplies(token);

  const renew = await api(srv.addr, 'POST', 'auth/token/renew-self', { token });
  assert.equal(renew.status, 200, renew.text);

  assert.equal((await api(srv.addr, 'POST', 'auth/userpass/users/alice/password', { token: R, body: { password: 'battery staple' } })).status, 204);
  assert.equal((await api(srv.addr, 'POST', 'auth/userpass/login/alice', { body: { password: 'correct horse' } })).status, 400);
  assert.equal((await api(srv.addr, 'POST', 'auth/userpass/login/alice', { body: { password: 'battery staple' } })).status, 200);

  assert.equal((await api(srv.addr, 'DELETE', 'auth/userpass/users/alice', { token: R })).status, 204);
  const refused = await api(srv.addr, 'POST', 'auth/token/renew-self', { token });
  assert.equal(refused.status, 400);
  assert.match(refused.body.errors[0], /user "alice" no longer exists/);
});

test('node-vault: approleLogin and userpassLogin set the client token, which reads what the policy allows', async () => {
  const admin = nodeVault({ apiVersion: 'v1', endpoint: srv.addr, token: R });
  await admin.addApproleRole({ role_name: 'nv', policies: 'app-read' });
  const roleId = (await admin.getApproleRoleId({ role_name: 'nv' })).data.role_id as string;
  const secretId = (await admin.getApproleRoleSecret({ role_name: 'nv' })).data.secret_id as string;

  const app = nodeVault({ apiVersion: 'v1', endpoint: srv.addr });
  const res = await app.approleLogin({ role_id: roleId, secret_id: secretId });
  assert.equal(app.token, res.auth.client_token);
  assert.equal(res.auth.metadata.role_name, 'nv');
  assert.equal((await app.read('secret/data/app/config')).data.data.password, 'pw-of-secret/data/app/config');
  await assert.rejects(app.read('secret/data/other/config'), (e: Error & { response?: { statusCode: number } }) => e.response?.statusCode === 403);

  await admin.write('auth/userpass/users/bob', { password: 'pw', token_policies: 'app-read' });
  const user = nodeVault({ apiVersion: 'v1', endpoint: srv.addr });
  const u = await user.userpassLogin({ username: 'bob', password: 'pw' });
  assert.equal(user.token, u.auth.client_token);
  assert.equal(u.auth.metadata.username, 'bob');
  assert.equal((await user.read('secret/data/app/config')).data.data.password, 'pw-of-secret/data/app/config');
  await assert.rejects(user.userpassLogin({ username: 'bob', password: 'nope' }), /invalid username or password/);
});
