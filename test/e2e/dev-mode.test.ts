// `coffer server -dev` as a user meets it: the banner, a fixed root token, KV v2 at secret/, and the
// tutorial's basic flow through the HTTP API (policy, token with that policy, read allowed, write denied).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

let srv: DevServer;
before(async () => {
  srv = await startDevServer('dev-root');
});
after(async () => {
  await srv.stop();
});

test('the banner prints VAULT_ADDR, the unseal key and the fixed root token', () => {
  const out = srv.output();
  assert.match(out, new RegExp(`export VAULT_ADDR='${srv.addr}'`));
  assert.match(out, /Unseal Key: [A-Za-z0-9+/=]{40,}/);
  assert.match(out, /Root Token: dev-root/);
});

test('the server is initialized, unsealed and healthy', async () => {
  const h = await api(srv.addr, 'GET', 'sys/health');
  assert.equal(h.status, 200);
  assert.equal(h.body.initialized, true);
  assert.equal(h.body.sealed, false);
  assert.equal(h.headers['content-type'], 'application/json');
  const s = await api(srv.addr, 'GET', 'sys/seal-status');
  assert.deepEqual([s.body.sealed, s.body.t, s.body.n, s.body.type], [false, 1, 1, 'shamir']);
});

test('secret/ is KV version 2 and the root token works', async () => {
  const mounts = await api(srv.addr, 'GET', 'sys/mounts', { token: 'dev-root' });
  assert.equal(mounts.status, 200);
  assert.equal(mounts.body.data['secret/'].type, 'kv');
  assert.deepEqual(mounts.body.data['secret/'].options, { version: '2' });
  // Vault repeats sys/ data keys at the top level for older clients.
  assert.equal(mounts.body['secret/'].type, 'kv');
  const self = await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: 'dev-root' });
  assert.deepEqual(self.body.data.policies, ['root']);
  assert.equal(self.body.data.expire_time, null);
});

test('a token with a read-only policy reads the secret and cannot write it', async () => {
  const put = await api(srv.addr, 'PUT', 'secret/data/myapp/config', { token: 'dev-root', body: { data: { aws_access_key_id: 'AKIA123', aws_secret_access_key: 's3cr3t' } } });
  assert.equal(put.status, 200);
  assert.equal(put.body.data.version, 1);
  const pol = await api(srv.addr, 'PUT', 'sys/policies/acl/myapp', { token: 'dev-root', body: { policy: 'path "secret/data/myapp/*" {\n  capabilities = ["read", "list"]\n}\n' } });
  assert.equal(pol.status, 204, pol.text);
  const tok = await api(srv.addr, 'POST', 'auth/token/create', { token: 'dev-root', body: { policies: ['myapp'], ttl: '1h' } });
  assert.equal(tok.status, 200, tok.text);
  const t = tok.body.auth.client_token as string;
  assert.match(t, /^hvs\.[A-Za-z0-9]{24}$/);
  assert.deepEqual(tok.body.auth.policies, ['default', 'myapp']);
  assert.equal(tok.body.auth.lease_duration, 3600);
  const read = await api(srv.addr, 'GET', 'secret/data/myapp/config', { token: t });
  assert.equal(read.status, 200);
  assert.equal(read.body.data.data.aws_access_key_id, 'AKIA123');
  assert.equal(read.body.data.metadata.version, 1);
  const write = await api(srv.addr, 'PUT', 'secret/data/myapp/config', { token: t, body: { data: { x: '1' } } });
  assert.equal(write.status, 403);
  assert.deepEqual(write.body, { errors: ['permission denied'] });
  const other = await api(srv.addr, 'GET', 'secret/data/other', { token: t });
  assert.equal(other.status, 403);
});

test('no token, a bad token, and a sealed path answer as Vault does', async () => {
  const none = await api(srv.addr, 'GET', 'secret/data/myapp/config');
  assert.equal(none.status, 403);
  const bad = await api(srv.addr, 'GET', 'secret/data/myapp/config', { token: 'hvs.nope' });
  assert.equal(bad.status, 403);
  const bearer = await api(srv.addr, 'GET', 'secret/data/myapp/config', { headers: { Authorization: 'Bearer dev-root' } });
  assert.equal(bearer.status, 200);
});

test('sys/seal needs sudo, seals the server, and the printed unseal key opens it again', async () => {
  const t = (await api(srv.addr, 'POST', 'auth/token/create', { token: 'dev-root', body: { policies: ['myapp'] } })).body.auth.client_token;
  assert.equal((await api(srv.addr, 'PUT', 'sys/seal', { token: t })).status, 403);
  assert.equal((await api(srv.addr, 'PUT', 'sys/seal', { token: 'dev-root' })).status, 204);
  // The 204 comes once the core is sealed: the very next request sees it sealed.
  const st = await api(srv.addr, 'GET', 'sys/seal-status');
  assert.equal(st.body.sealed, true);
  assert.equal((await api(srv.addr, 'GET', 'secret/data/myapp/config', { token: 'dev-root' })).status, 503);
  const un = await api(srv.addr, 'PUT', 'sys/unseal', { body: { key: srv.unsealKey } });
  assert.equal(un.body.sealed, false, un.text);
  const read = await api(srv.addr, 'GET', 'secret/data/myapp/config', { token: t });
  assert.equal(read.body.data.data.aws_access_key_id, 'AKIA123');
});
