// Policies and mounts through the HTTP API: both policy APIs, HCL and JSON policies, capabilities
// (-self, -accessor), sudo-protected paths, parameter constraints, sys/internal/ui/mounts answering
// only for reachable mounts, and mount enable / tune / disable with their errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

let srv: DevServer;
const R = 'pol-root';
const tokenWith = async (...policies: string[]): Promise<string> =>
  (await api(srv.addr, 'POST', 'auth/token/create', { token: R, body: { policies } })).body.auth.client_token;
before(async () => {
  srv = await startDevServer(R);
});
after(async () => {
  await srv.stop();
});

test('sys/policy and sys/policies/acl: write, read, list, delete; bad policies are 400 with the reason', async () => {
  const hcl = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n';
  assert.equal((await api(srv.addr, 'PUT', 'sys/policies/acl/App', { token: R, body: { policy: hcl } })).status, 204);
  const r = await api(srv.addr, 'GET', 'sys/policies/acl/app', { token: R });
  assert.deepEqual(r.body.data, { name: 'app', policy: hcl });
  const old = await api(srv.addr, 'GET', 'sys/policy/app', { token: R });
  assert.equal(old.body.rules, hcl);
  assert.equal(old.body.data.name, 'app');
  const json = JSON.stringify({ path: { 'secret/data/json/*': { capabilities: ['read'] } } });
  assert.equal((await api(srv.addr, 'PUT', 'sys/policy/jsonpol', { token: R, body: { policy: json } })).status, 204);
  const list = await api(srv.addr, 'LIST', 'sys/policies/acl', { token: R });
  assert.deepEqual(list.body.data.keys, ['app', 'default', 'jsonpol', 'root']);
  const bad = await api(srv.addr, 'PUT', 'sys/policies/acl/bad', { token: R, body: { policy: 'path "x" { capabilites = ["read"] }' } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.errors[0], /capabilites/);
  const badCap = await api(srv.addr, 'PUT', 'sys/policies/acl/bad', { token: R, body: { policy: 'path "x" { capabilities = ["reed"] }' } });
  assert.equal(badCap.status, 400);
  assert.match(badCap.body.errors[0], /reed/);
  assert.equal((await api(srv.addr, 'PUT', 'sys/policies/acl/root', { token: R, body: { policy: hcl } })).status, 400);
  assert.equal((await api(srv.addr, 'DELETE', 'sys/policies/acl/default', { token: R })).status, 400);
  assert.equal((await api(srv.addr, 'DELETE', 'sys/policies/acl/jsonpol', { token: R })).status, 204);
  assert.equal((await api(srv.addr, 'GET', 'sys/policies/acl/jsonpol', { token: R })).status, 404);
});

test('capabilities, capabilities-self and capabilities-accessor', async () => {
  await api(srv.addr, 'PUT', 'sys/policy/caps', { token: R, body: { policy: 'path "secret/data/+/cfg" { capabilities = ["read"] }\npath "secret/data/team/*" { capabilities = ["create", "update"] }\npath "secret/data/team/locked" { capabilities = ["deny"] }' } });
  const t = await tokenWith('caps');
  const self = await api(srv.addr, 'POST', 'sys/capabilities-self', { token: t, body: { paths: ['secret/data/team/x', 'secret/data/team/locked', 'secret/data/a/cfg', 'secret/data/other'] } });
  assert.equal(self.status, 200, self.text);
  assert.deepEqual(self.body.data['secret/data/team/x'], ['create', 'update']);
  assert.deepEqual(self.body.data['secret/data/team/locked'], ['deny']);
  assert.deepEqual(self.body.data['secret/data/a/cfg'], ['read']);
  assert.deepEqual(self.body.data['secret/data/other'], ['deny']);
  const one = await api(srv.addr, 'POST', 'sys/capabilities', { token: R, body: { token: t, path: 'secret/data/a/cfg' } });
  assert.deepEqual(one.body.capabilities, ['read']);
  assert.deepEqual(one.body.data.capabilities, ['read']);
  const acc = (await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: t })).body.data.accessor;
  const byAcc = await api(srv.addr, 'POST', 'sys/capabilities-accessor', { token: R, body: { accessor: acc, paths: ['secret/data/team/x'] } });
  assert.deepEqual(byAcc.body.data['secret/data/team/x'], ['create', 'update']);
  const rootCaps = await api(srv.addr, 'POST', 'sys/capabilities-self', { token: R, body: { paths: ['anything'] } });
  assert.deepEqual(rootCaps.body.data.anything, ['root']);
});

test('create vs update is decided by existence; deny wins', async () => {
  await api(srv.addr, 'PUT', 'sys/policy/creator', { token: R, body: { policy: 'path "old/*" { capabilities = ["create", "read"] }' } });
  await api(srv.addr, 'POST', 'sys/mounts/old', { token: R, body: { type: 'kv' } });
  const t = await tokenWith('creator');
  assert.equal((await api(srv.addr, 'PUT', 'old/new-key', { token: t, body: { a: '1' } })).status, 204);
  assert.equal((await api(srv.addr, 'PUT', 'old/new-key', { token: t, body: { a: '2' } })).status, 403, 'an update needs the update capability');
  assert.equal((await api(srv.addr, 'GET', 'old/new-key', { token: t })).body.data.a, '1');
});

test('sudo-protected paths need sudo', async () => {
  await api(srv.addr, 'PUT', 'sys/policy/admin', { token: R, body: { policy: 'path "sys/audit*" { capabilities = ["read", "update"] }\npath "sys/rotate" { capabilities = ["update", "sudo"] }' } });
  const t = await tokenWith('admin');
  assert.equal((await api(srv.addr, 'GET', 'sys/audit', { token: t })).status, 403);
  assert.equal((await api(srv.addr, 'PUT', 'sys/rotate', { token: t })).status, 204);
});

test('allowed, denied and required parameters', async () => {
  await api(srv.addr, 'PUT', 'sys/policy/params', {
    token: R,
    body: { policy: 'path "old/params" {\n  capabilities = ["create", "update"]\n  allowed_parameters = { "env" = ["dev", "stage-*"], "owner" = [] }\n  denied_parameters = { "owner" = ["root"] }\n  required_parameters = ["env"]\n}' },
  });
  const t = await tokenWith('params');
  assert.equal((await api(srv.addr, 'PUT', 'old/params', { token: t, body: { env: 'stage-1', owner: 'me' } })).status, 204);
  assert.equal((await api(srv.addr, 'PUT', 'old/params', { token: t, body: { env: 'prod' } })).status, 403);
  assert.equal((await api(srv.addr, 'PUT', 'old/params', { token: t, body: { env: 'dev', owner: 'root' } })).status, 403);
  assert.equal((await api(srv.addr, 'PUT', 'old/params', { token: t, body: { owner: 'me' } })).status, 403);
  assert.equal((await api(srv.addr, 'PUT', 'old/params', { token: t, body: { env: 'dev', other: 'x' } })).status, 403);
});

test('sys/internal/ui/mounts answers only for mounts the token can reach', async () => {
  await api(srv.addr, 'PUT', 'secret/data/app/x', { token: R, body: { data: { a: 1 } } });
  const t = await tokenWith('app');
  const m = await api(srv.addr, 'GET', 'sys/internal/ui/mounts/secret/app/x', { token: t });
  assert.equal(m.status, 200, m.text);
  assert.equal(m.body.data.type, 'kv');
  assert.equal(m.body.data.path, 'secret/');
  assert.deepEqual(m.body.data.options, { version: '2' });
  const other = await api(srv.addr, 'GET', 'sys/internal/ui/mounts/old/x', { token: t });
  assert.equal(other.status, 403);
  const anon = await api(srv.addr, 'GET', 'sys/internal/ui/mounts/secret/app/x');
  assert.equal(anon.status, 403);
  const all = await api(srv.addr, 'GET', 'sys/internal/ui/mounts', { token: t });
  assert.ok(all.body.data.secret['secret/']);
  assert.equal(all.body.data.secret['old/'], undefined);
});

test('mounts: enable with options and config, tune, read, disable; conflicts and bad types are 400', async () => {
  const en = await api(srv.addr, 'POST', 'sys/mounts/team/kv', { token: R, body: { type: 'kv', options: { version: '2' }, description: 'team', config: { default_lease_ttl: '1h', max_lease_ttl: '2h' } } });
  assert.equal(en.status, 204, en.text);
  const info = await api(srv.addr, 'GET', 'sys/mounts/team/kv', { token: R });
  assert.equal(info.body.data.description, 'team');
  assert.equal(info.body.data.config.default_lease_ttl, 3600);
  const tune = await api(srv.addr, 'GET', 'sys/mounts/team/kv/tune', { token: R });
  assert.equal(tune.body.data.max_lease_ttl, 7200);
  assert.equal((await api(srv.addr, 'POST', 'sys/mounts/team/kv/tune', { token: R, body: { max_lease_ttl: '3h', description: 'team kv' } })).status, 204);
  const tuned = await api(srv.addr, 'GET', 'sys/mounts/team/kv/tune', { token: R });
  assert.equal(tuned.body.data.max_lease_ttl, 10800);
  assert.equal(tuned.body.data.description, 'team kv');
  assert.equal((await api(srv.addr, 'POST', 'sys/mounts/team/kv/tune', { token: R, body: { default_lease_ttl: '5h' } })).status, 400);
  assert.equal((await api(srv.addr, 'POST', 'sys/mounts/team/kv', { token: R, body: { type: 'kv' } })).status, 400);
  assert.equal((await api(srv.addr, 'POST', 'sys/mounts/team', { token: R, body: { type: 'kv' } })).status, 400);
  const badType = await api(srv.addr, 'POST', 'sys/mounts/x', { token: R, body: { type: 'nosuch' } });
  assert.equal(badType.status, 400);
  assert.match(badType.body.errors[0], /nosuch/);
  assert.equal((await api(srv.addr, 'DELETE', 'sys/mounts/sys', { token: R })).status, 400);
  await api(srv.addr, 'PUT', 'team/kv/data/a', { token: R, body: { data: { v: '1' } } });
  assert.equal((await api(srv.addr, 'DELETE', 'sys/mounts/team/kv', { token: R })).status, 204);
  assert.equal((await api(srv.addr, 'GET', 'team/kv/data/a', { token: R })).status, 404);
  const again = await api(srv.addr, 'POST', 'sys/mounts/team/kv', { token: R, body: { type: 'kv-v2' } });
  assert.equal(again.status, 204);
  assert.equal((await api(srv.addr, 'GET', 'team/kv/data/a', { token: R })).status, 404, 'data of a disabled mount is gone');
});

test('sys/auth lists the token method and tunes it; unknown auth types are refused', async () => {
  const l = await api(srv.addr, 'GET', 'sys/auth', { token: R });
  assert.equal(l.body.data['token/'].type, 'token');
  assert.equal(l.body['token/'].type, 'token');
  assert.equal((await api(srv.addr, 'POST', 'sys/auth/token/tune', { token: R, body: { default_lease_ttl: '2h' } })).status, 204);
  const t = await api(srv.addr, 'POST', 'auth/token/create', { token: R, body: { policies: ['default'] } });
  assert.equal(t.body.auth.lease_duration, 7200);
  const bad = await api(srv.addr, 'POST', 'sys/auth/foo', { token: R, body: { type: 'nosuch' } });
  assert.equal(bad.status, 400);
});

test('a request to an auth path where nothing is mounted names the enabled auth paths', async () => {
  const r = await api(srv.addr, 'POST', 'auth/kubernetes/role/my-role', { token: R, body: { policies: ['x'] } });
  assert.equal(r.status, 404);
  assert.match(r.body.errors[0], /No auth method is enabled at "auth\/kubernetes\/"; enabled auth paths: auth\/token/);
});

test('a policy path under KV v2 without data/ warns and names the path meant (the tutorial mistake)', async () => {
  const w = await api(srv.addr, 'PUT', 'sys/policy/myappp-policy', { token: R, body: { policy: 'path "secret/top-secret/data" {\n  capabilities = ["read", "list"]\n}\npath "secret/myapp/*" { capabilities = ["read"] }\npath "secret/data/ok/*" { capabilities = ["read"] }\npath "secret/*" { capabilities = ["list"] }' } });
  assert.equal(w.status, 200, w.text);
  assert.equal(w.body.warnings.length, 2);
  assert.match(w.body.warnings[0], /"secret\/top-secret\/data".*Did you mean "secret\/data\/top-secret" \(and "secret\/metadata\/top-secret" for list\)/);
  assert.match(w.body.warnings[1], /Did you mean "secret\/data\/myapp\/\*"/);
  const clean = await api(srv.addr, 'PUT', 'sys/policy/fine', { token: R, body: { policy: 'path "secret/data/myapp/*" { capabilities = ["read"] }' } });
  assert.equal(clean.status, 204);
});
