// Compatibility with a third-party client none of us wrote: node-vault from npm, against a real
// dev server: health, status, mounts, policies, tokens, KV v2 read/write/list/delete, errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import nodeVault from 'node-vault';
import { startDevServer, type DevServer } from '../support/server.js';

let srv: DevServer;
let vault: nodeVault.client;
before(async () => {
  srv = await startDevServer('nv-root');
  vault = nodeVault({ apiVersion: 'v1', endpoint: srv.addr, token: 'nv-root' });
});
after(async () => {
  await srv.stop();
});

test('health, status and initialized', async () => {
  const h = await vault.health();
  assert.equal(h.initialized, true);
  assert.equal(h.sealed, false);
  const s = await vault.status();
  assert.equal(s.sealed, false);
  assert.equal(s.t, 1);
  const i = await vault.initialized();
  assert.equal(i.initialized, true);
});

test('mounts: enable, list, disable', async () => {
  await vault.mount({ mount_point: 'kv2', type: 'kv', options: { version: '2' }, description: 'from node-vault' });
  const mounts = await vault.mounts();
  assert.equal(mounts['kv2/'].description, 'from node-vault');
  assert.equal(mounts.data['kv2/'].options.version, '2');
  await vault.unmount({ mount_point: 'kv2' });
  const after = await vault.mounts();
  assert.equal(after.data['kv2/'], undefined);
});

test('policies: add, get, list, remove', async () => {
  await vault.addPolicy({ name: 'nv-policy', rules: 'path "secret/data/nv/*" { capabilities = ["read", "list"] }' });
  const p = await vault.getPolicy({ name: 'nv-policy' });
  assert.match(p.rules, /secret\/data\/nv/);
  const list = await vault.policies();
  assert.ok(list.policies.includes('nv-policy'));
  assert.ok(list.policies.includes('default'));
  await vault.removePolicy({ name: 'nv-policy' });
  assert.ok(!(await vault.policies()).policies.includes('nv-policy'));
});

test('KV v2 through generic read/write/list/delete, and a token with a policy', async () => {
  await vault.write('secret/data/nv/app', { data: { user: 'u1', pass: 'p1' } });
  const r = await vault.read('secret/data/nv/app');
  assert.deepEqual(r.data.data, { user: 'u1', pass: 'p1' });
  const l = await vault.list('secret/metadata/nv');
  assert.deepEqual(l.data.keys, ['app']);
  await vault.addPolicy({ name: 'nv-reader', rules: 'path "secret/data/nv/*" { capabilities = ["read"] }' });
  const t = await vault.tokenCreate({ policies: ['nv-reader'], ttl: '10m' });
  // node-vault adopts the token of any response carrying auth; keep using root on this client.
  assert.equal(vault.token, t.auth.client_token);
  vault.token = 'nv-root';
  const reader = nodeVault({ apiVersion: 'v1', endpoint: srv.addr, token: t.auth.client_token });
  const self = await reader.tokenLookupSelf();
  assert.deepEqual(self.data.policies, ['default', 'nv-reader']);
  assert.equal((await reader.read('secret/data/nv/app')).data.data.user, 'u1');
  await assert.rejects(reader.write('secret/data/nv/app', { data: { x: 'y' } }), (e: Error & { response?: { statusCode: number } }) => {
    assert.equal(e.response?.statusCode, 403);
    assert.match(e.message, /permission denied/);
    return true;
  });
  const renewed = await reader.tokenRenewSelf();
  assert.equal(renewed.auth.client_token, t.auth.client_token);
  await vault.delete('secret/metadata/nv/app');
  await assert.rejects(vault.read('secret/data/nv/app'), (e: Error & { response?: { statusCode: number } }) => e.response?.statusCode === 404);
});
