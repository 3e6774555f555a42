// Response wrapping (X-Vault-Wrap-TTL on any read, sys/wrapping/wrap, lookup, unwrap once, rewrap)
// and cubbyhole (private per token, gone when the token is revoked).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

let srv: DevServer;
const R = 'wrap-root';
before(async () => {
  srv = await startDevServer(R);
  await api(srv.addr, 'PUT', 'secret/data/w', { token: R, body: { data: { k: 'wrapped-value' } } });
});
after(async () => {
  await srv.stop();
});

test('a wrapped KV read returns only wrap_info; unwrap gives the data once', async () => {
  const w = await api(srv.addr, 'GET', 'secret/data/w', { token: R, headers: { 'X-Vault-Wrap-TTL': '5m' } });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.body.data, null);
  const info = w.body.wrap_info;
  assert.equal(info.ttl, 300);
  assert.equal(info.creation_path, 'secret/data/w');
  assert.match(info.token, /^hvs\./);
  assert.ok(!w.text.includes('wrapped-value'));
  const look = await api(srv.addr, 'POST', 'sys/wrapping/lookup', { body: { token: info.token } });
  assert.equal(look.status, 200, look.text);
  assert.equal(look.body.data.creation_path, 'secret/data/w');
  assert.equal(look.body.data.creation_ttl, 300);
  const u = await api(srv.addr, 'POST', 'sys/wrapping/unwrap', { token: info.token });
  assert.equal(u.status, 200, u.text);
  assert.equal(u.body.data.data.k, 'wrapped-value');
  const again = await api(srv.addr, 'POST', 'sys/wrapping/unwrap', { token: info.token });
  assert.equal(again.status, 400);
});

test('sys/wrapping/wrap, rewrap, and unwrap with the token in the body', async () => {
  const w = await api(srv.addr, 'POST', 'sys/wrapping/wrap', { token: R, body: { a: 'b' }, headers: { 'X-Vault-Wrap-TTL': '60' } });
  assert.equal(w.status, 200, w.text);
  const t1 = w.body.wrap_info.token as string;
  assert.equal(w.body.wrap_info.creation_path, 'sys/wrapping/wrap');
  const rw = await api(srv.addr, 'POST', 'sys/wrapping/rewrap', { token: R, body: { token: t1 } });
  assert.equal(rw.status, 200, rw.text);
  const t2 = rw.body.wrap_info.token as string;
  assert.notEqual(t1, t2);
  assert.equal((await api(srv.addr, 'POST', 'sys/wrapping/unwrap', { token: R, body: { token: t1 } })).status, 400);
  const u = await api(srv.addr, 'POST', 'sys/wrapping/unwrap', { token: R, body: { token: t2 } });
  assert.deepEqual(u.body.data, { a: 'b' });
  const noTtl = await api(srv.addr, 'POST', 'sys/wrapping/wrap', { token: R, body: { a: 'b' } });
  assert.equal(noTtl.status, 400);
});

test('a wrapped token create hands the new token over on unwrap', async () => {
  const w = await api(srv.addr, 'POST', 'auth/token/create', { token: R, body: { policies: ['default'] }, headers: { 'X-Vault-Wrap-TTL': '2m' } });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.body.auth, null);
  assert.ok(w.body.wrap_info.wrapped_accessor);
  const u = await api(srv.addr, 'POST', 'sys/wrapping/unwrap', { token: w.body.wrap_info.token });
  const t = u.body.auth.client_token as string;
  assert.equal(u.body.auth.accessor, w.body.wrap_info.wrapped_accessor);
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: t })).status, 200);
});

test('cubbyhole is private to each token and dies with it', async () => {
  const mk = async () => (await api(srv.addr, 'POST', 'auth/token/create', { token: R, body: { policies: ['default'] } })).body.auth.client_token as string;
  const a = await mk();
  const b = await mk();
  assert.equal((await api(srv.addr, 'PUT', 'cubbyhole/note', { token: a, body: { msg: 'only-a' } })).status, 204);
  const ra = await api(srv.addr, 'GET', 'cubbyhole/note', { token: a });
  assert.equal(ra.body.data.msg, 'only-a');
  assert.equal((await api(srv.addr, 'GET', 'cubbyhole/note', { token: b })).status, 404);
  assert.deepEqual((await api(srv.addr, 'LIST', 'cubbyhole/', { token: a })).body.data.keys, ['note']);
  await api(srv.addr, 'POST', 'auth/token/revoke-self', { token: a });
  const a2 = await mk();
  assert.equal((await api(srv.addr, 'GET', 'cubbyhole/note', { token: a2 })).status, 404);
});
