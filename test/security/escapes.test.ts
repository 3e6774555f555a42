// The authorization escapes found by trying the server as an attacker would, each replayed against a
// real dev server: use-limited and wrapping tokens under pipelining and concurrency, wrapping-token
// interception through cubbyhole/response, periodic tokens without sudo, max_wrapping_ttl bypasses,
// KV v2 -> v1 downgrade through tune, auth mounts named in unauthenticated 404s, and the minor ones
// (500s on cubbyhole folders, keys named __proto__, ?constructor=).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';
import { concurrent, count, pipelined, tokenWithPolicy } from './support.js';

let srv: DevServer;
const R = 'escapes-root';
const SECRET = 'escape-marker-value-7f3a';

before(async () => {
  srv = await startDevServer(R);
  await api(srv.addr, 'PUT', 'secret/data/w', { token: R, body: { data: { k: SECRET } } });
});
after(async () => {
  await srv.stop();
});

async function useLimitedToken(uses: number): Promise<string> {
  const t = await api(srv.addr, 'POST', 'auth/token/create', { token: R, body: { policies: ['default'], num_uses: uses } });
  assert.equal(t.status, 200, t.text);
  return t.body.auth.client_token;
}

async function wrappedSecret(): Promise<string> {
  const w = await api(srv.addr, 'GET', 'secret/data/w', { token: R, headers: { 'X-Vault-Wrap-TTL': '5m' } });
  assert.equal(w.status, 200, w.text);
  return w.body.wrap_info.token;
}

test('a num_uses=1 token answers exactly one of 8 pipelined requests', async () => {
  const t = await useLimitedToken(1);
  const statuses = await pipelined(srv.addr, Array.from({ length: 8 }, () => ({ method: 'GET', path: 'auth/token/lookup-self', token: t })));
  assert.equal(statuses.length, 8);
  assert.equal(count(statuses, 200), 1, `statuses: ${statuses.join(',')}`);
  assert.equal(count(statuses, 403), 7, `statuses: ${statuses.join(',')}`);
});

test('a num_uses=3 token answers exactly three of 8 concurrent requests', async () => {
  const t = await useLimitedToken(3);
  const statuses = await concurrent(srv.addr, Array.from({ length: 8 }, () => ({ method: 'GET', path: 'auth/token/lookup-self', token: t })));
  assert.equal(count(statuses, 200), 3, `statuses: ${statuses.join(',')}`);
  assert.equal(count(statuses, 403), 5, `statuses: ${statuses.join(',')}`);
});

test('a wrapping token unwraps once under 8 pipelined and 8 concurrent unwraps', async () => {
  const w1 = await wrappedSecret();
  const p = await pipelined(srv.addr, Array.from({ length: 8 }, () => ({ method: 'POST', path: 'sys/wrapping/unwrap', token: w1 })));
  assert.equal(count(p, 200), 1, `pipelined: ${p.join(',')}`);
  assert.equal(count(p, 400), 7, `pipelined: ${p.join(',')}`);
  const w2 = await wrappedSecret();
  const c = await concurrent(srv.addr, Array.from({ length: 8 }, () => ({ method: 'POST', path: 'sys/wrapping/unwrap', body: { token: w2 } })));
  assert.equal(count(c, 200), 1, `concurrent: ${c.join(',')}`);
});

test('an AppRole secret ID with secret_id_num_uses=1 logs in once under 8 concurrent logins', async () => {
  assert.equal((await api(srv.addr, 'POST', 'sys/auth/approle', { token: R, body: { type: 'approle' } })).status, 204);
  await api(srv.addr, 'POST', 'auth/approle/role/once', { token: R, body: { secret_id_num_uses: 1, token_policies: ['default'] } });
  const roleId = (await api(srv.addr, 'GET', 'auth/approle/role/once/role-id', { token: R })).body.data.role_id;
  const secretId = (await api(srv.addr, 'POST', 'auth/approle/role/once/secret-id', { token: R })).body.data.secret_id;
  const statuses = await concurrent(srv.addr, Array.from({ length: 8 }, () => ({ method: 'POST', path: 'auth/approle/login', body: { role_id: roleId, secret_id: secretId } })));
  assert.equal(count(statuses, 200), 1, `statuses: ${statuses.join(',')}`);
});

test('reading cubbyhole/response with a wrapping token uses it up: the later unwrap fails (interception shows)', async () => {
  const w = await wrappedSecret();
  const peek = await api(srv.addr, 'GET', 'cubbyhole/response', { token: w });
  assert.equal(peek.status, 200, peek.text);
  const u = await api(srv.addr, 'POST', 'sys/wrapping/unwrap', { token: w });
  assert.equal(u.status, 400, u.text);
  assert.ok(!u.text.includes(SECRET));
  // And the wrapping token can be used for nothing else either.
  assert.equal((await api(srv.addr, 'GET', 'cubbyhole/response', { token: w })).status, 403);
});

test('periodic tokens need root or sudo on the create path', async () => {
  const plain = await tokenWithPolicy(srv.addr, R, 'creator', 'path "auth/token/create*" { capabilities = ["update"] }');
  for (const path of ['auth/token/create', 'auth/token/create-orphan']) {
    const r = await api(srv.addr, 'POST', path, { token: plain, body: { period: '1h', policies: ['default'] } });
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.match(r.body.errors[0], /root or sudo privileges required to create periodic token/);
  }
  // Without period the same token may still create children.
  assert.equal((await api(srv.addr, 'POST', 'auth/token/create', { token: plain, body: { policies: ['default'] } })).status, 200);
  const sudo = await tokenWithPolicy(srv.addr, R, 'creator-sudo', 'path "auth/token/create*" { capabilities = ["update", "sudo"] }');
  const ok = await api(srv.addr, 'POST', 'auth/token/create', { token: sudo, body: { period: '1h', policies: ['default'] } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.auth.lease_duration, 3600);
  assert.equal((await api(srv.addr, 'POST', 'auth/token/create', { token: R, body: { period: '1h' } })).status, 200);
});

test('max_wrapping_ttl cannot be bypassed with a zero, negative or sub-second wrap TTL', async () => {
  const t = await tokenWithPolicy(srv.addr, R, 'must-wrap', 'path "secret/data/w" {\n  capabilities = ["read"]\n  max_wrapping_ttl = "1h"\n}');
  for (const ttl of ['0', '-1', '-1h', '+0', '500ms', '0s', undefined]) {
    const r = await api(srv.addr, 'GET', 'secret/data/w', { token: t, headers: ttl === undefined ? {} : { 'X-Vault-Wrap-TTL': ttl } });
    assert.ok(r.status === 400 || r.status === 403, `wrap TTL ${String(ttl)}: ${r.status} ${r.text}`);
    assert.ok(!r.text.includes(SECRET), `wrap TTL ${String(ttl)} leaked the secret`);
  }
  for (const ttl of ['-1', '-1h']) {
    const r = await api(srv.addr, 'GET', 'secret/data/w', { token: R, headers: { 'X-Vault-Wrap-TTL': ttl } });
    assert.equal(r.status, 400, `a negative wrap TTL (${ttl}) is a bad request even for root: ${r.text}`);
  }
  const wrapped = await api(srv.addr, 'GET', 'secret/data/w', { token: t, headers: { 'X-Vault-Wrap-TTL': '5m' } });
  assert.equal(wrapped.status, 200, wrapped.text);
  assert.equal(wrapped.body.data, null);
  assert.ok(!wrapped.text.includes(SECRET));
  assert.equal((await api(srv.addr, 'GET', 'secret/data/w', { token: t, headers: { 'X-Vault-Wrap-TTL': '2h' } })).status, 403);
});

test('a KV v2 mount cannot be downgraded to v1 through tune (not even by root)', async () => {
  const t = await tokenWithPolicy(srv.addr, R, 'tuner', 'path "sys/mounts/secret/tune" { capabilities = ["update", "read"] }');
  for (const tok of [t, R]) {
    const r = await api(srv.addr, 'POST', 'sys/mounts/secret/tune', { token: tok, body: { options: { version: '1' } } });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.errors[0], /cannot downgrade mount from version 2/);
  }
  const tune = await api(srv.addr, 'GET', 'sys/mounts/secret/tune', { token: R });
  assert.equal(tune.body.data.options.version, '2');
  const read = await api(srv.addr, 'GET', 'secret/data/w', { token: R });
  assert.equal(read.body.data.data.k, SECRET);
  // Raw version blobs stay out of reach of a v1-style read.
  assert.equal((await api(srv.addr, 'GET', 'secret/w', { token: R })).status, 404);
});

test('an unauthenticated 404 under auth/ names no auth mounts; a caller who may read sys/auth gets the hint', async () => {
  assert.equal((await api(srv.addr, 'POST', 'sys/auth/hidden-corp-sso', { token: R, body: { type: 'userpass' } })).status, 204);
  const anon = await api(srv.addr, 'POST', 'auth/nope/login', { body: { password: 'x' } });
  assert.equal(anon.status, 404);
  assert.ok(!anon.text.includes('hidden-corp-sso'), anon.text);
  const bad = await api(srv.addr, 'POST', 'auth/nope/login', { token: 'hvs.not-a-real-token', body: { password: 'x' } });
  assert.ok(!bad.text.includes('hidden-corp-sso'), bad.text);
  const low = await useLimitedToken(0);
  assert.ok(!(await api(srv.addr, 'GET', 'auth/nope/login', { token: low })).text.includes('hidden-corp-sso'));
  const admin = await api(srv.addr, 'GET', 'auth/nope/login', { token: R });
  assert.equal(admin.status, 404);
  assert.match(admin.text, /auth\/hidden-corp-sso/);
});

test('cubbyhole: a write to the mount root or a folder is a 400, not a 500, and logs nothing', async () => {
  const before = srv.output().length;
  for (const path of ['cubbyhole', 'cubbyhole/a/']) {
    const r = await api(srv.addr, 'POST', path, { token: R, body: { a: 1 } });
    assert.equal(r.status, 400, `${path}: ${r.text}`);
  }
  assert.equal((await api(srv.addr, 'GET', 'cubbyhole/a/', { token: R })).status, 404);
  assert.equal(srv.output().slice(before), '', 'no error line (and no token hash) in the server log');
});

test('data keys named __proto__ are stored and read back (KV v2, KV v1 and cubbyhole)', async () => {
  assert.equal((await api(srv.addr, 'POST', 'secret/data/proto', { token: R, rawBody: '{"data":{"__proto__":"p","constructor":"c","plain":1}}' })).status, 200);
  assert.match((await api(srv.addr, 'GET', 'secret/data/proto', { token: R })).text, /"data":\{"__proto__":"p","constructor":"c","plain":1\}/);
  assert.equal((await api(srv.addr, 'POST', 'cubbyhole/proto', { token: R, rawBody: '{"__proto__":"p","x":1}' })).status, 204);
  assert.match((await api(srv.addr, 'GET', 'cubbyhole/proto', { token: R })).text, /"__proto__":"p"/);
  assert.equal((await api(srv.addr, 'POST', 'sys/mounts/kv1', { token: R, body: { type: 'kv' } })).status, 204);
  assert.equal((await api(srv.addr, 'POST', 'kv1/proto', { token: R, rawBody: '{"__proto__":{"deep":1},"x":1}' })).status, 204);
  assert.match((await api(srv.addr, 'GET', 'kv1/proto', { token: R })).text, /"__proto__":\{"deep":1\}/);
});

test('query parameters named like Object.prototype members are plain values', async () => {
  const w = await api(srv.addr, 'POST', 'cubbyhole/q?constructor=x&toString=y&hasOwnProperty=z');
  assert.equal(w.status, 403);
  assert.equal((await api(srv.addr, 'POST', 'cubbyhole/q?constructor=x&toString=y&__proto__=z', { token: R })).status, 204);
  const r = await api(srv.addr, 'GET', 'cubbyhole/q', { token: R });
  assert.deepEqual(r.body.data, JSON.parse('{"__proto__":"z","constructor":"x","toString":"y"}'));
});
