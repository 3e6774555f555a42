// sys/ helpers against a real dev server: mounts (enable, list, tune, disable), auth methods,
// ACL policies, capabilities, and seal / health / unseal with the dev server's unseal key.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDevServer, type DevServer } from '../support/server.js';
import { Client, VaultError } from '../../src/client/index.js';

let srv: DevServer;
let c: Client;
before(async () => {
  srv = await startDevServer('root-token-sys');
  c = new Client({ address: srv.addr, token: srv.rootToken, env: {}, retryMinDelayMs: 10, retryMaxDelayMs: 20 });
});
after(async () => {
  c.close();
  await srv.stop();
});

test('mounts: enable, list, tune, disable', async () => {
  await c.sys.mounts.enable('apps/kv', { type: 'kv', options: { version: '2' }, description: 'apps', config: { default_lease_ttl: '1h' } });
  const mounts = await c.sys.mounts.list();
  assert.equal(mounts['apps/kv/']?.type, 'kv');
  assert.deepEqual(mounts['apps/kv/']?.options, { version: '2' });
  assert.equal(mounts['apps/kv/']?.description, 'apps');
  assert.ok(mounts['secret/'] && mounts['sys/']);
  assert.ok(!('request_id' in mounts), 'only the mount table, not the envelope');

  await c.sys.mounts.tune('apps/kv', { max_lease_ttl: '2h', description: 'tuned' });
  const tune = await c.sys.mounts.readTune('apps/kv');
  assert.equal(tune.default_lease_ttl, 3600);
  assert.equal(tune.max_lease_ttl, 7200);
  assert.equal(tune.description, 'tuned');

  await assert.rejects(c.sys.mounts.enable('apps/kv', { type: 'kv' }), (e: unknown) => e instanceof VaultError && e.status === 400);
  await c.sys.mounts.disable('apps/kv');
  assert.equal((await c.sys.mounts.list())['apps/kv/'], undefined);
});

test('auth methods: list, enable, disable', async () => {
  const before = await c.sys.auth.list();
  assert.equal(before['token/']?.type, 'token');
  let enabled = true;
  try {
    await c.sys.auth.enable('people', { type: 'userpass', description: 'humans' });
  } catch (e) {
    enabled = false;
    assert.ok(e instanceof VaultError && e.status === 400, String(e));
  }
  if (enabled) {
    assert.equal((await c.sys.auth.list())['people/']?.type, 'userpass');
    await c.sys.auth.disable('people');
    assert.equal((await c.sys.auth.list())['people/'], undefined);
  }
});

test('policies: write, list, read, delete; capabilities and capabilities-self', async () => {
  const hcl = 'path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\npath "secret/metadata/app/*" {\n  capabilities = ["list"]\n}\n';
  const warnings = await c.sys.policies.write('app-read', hcl);
  assert.deepEqual(warnings, []);
  assert.ok((await c.sys.policies.list()).includes('app-read'));
  const p = await c.sys.policies.read('app-read');
  assert.equal(p?.name, 'app-read');
  assert.equal(p?.policy, hcl);
  assert.equal(await c.sys.policies.read('no-such-policy'), null);

  const t = await c.token.create({ policies: ['app-read'] });
  const caps = await c.sys.capabilities(['secret/data/app/x', 'secret/data/other'], t.client_token);
  assert.deepEqual(caps['secret/data/app/x']?.sort(), ['list', 'read']);
  assert.deepEqual(caps['secret/data/other'], ['deny']);
  assert.deepEqual(await c.sys.capabilities('secret/data/app/x', t.client_token), { 'secret/data/app/x': ['list', 'read'] });

  const self = await c.sys.capabilitiesSelf('secret/data/anything');
  assert.deepEqual(self, { 'secret/data/anything': ['root'] });
  const asApp = new Client({ address: srv.addr, token: t.client_token, env: {} });
  assert.deepEqual((await asApp.sys.capabilities(['secret/data/app/y']))['secret/data/app/y']?.sort(), ['list', 'read']);
  asApp.close();

  await c.sys.policies.delete('app-read');
  assert.ok(!(await c.sys.policies.list()).includes('app-read'));
});

test('seal, health on the sealed server (503, no throw), unseal with the dev unseal key', async () => {
  const h = await c.sys.health();
  assert.equal(h.status, 200);
  assert.equal(h.body?.sealed, false);
  assert.equal(h.body?.initialized, true);
  const st = await c.sys.sealStatus();
  assert.equal(st.sealed, false);
  assert.equal(st.t, 1);

  await c.sys.seal();
  let sealed = await c.sys.health();
  for (let i = 0; i < 50 && sealed.status === 200; i++) {
    await new Promise((r) => setTimeout(r, 20));
    sealed = await c.sys.health();
  }
  assert.equal(sealed.status, 503);
  assert.equal(sealed.body?.sealed, true);
  assert.equal((await c.sys.health({ sealedcode: 200 })).status, 200);
  assert.deepEqual(await c.sys.health({ sealedcode: 204 }), { status: 204, body: null }, 'a 204 override has no body, and that is no error');
  assert.equal((await c.sys.sealStatus()).sealed, true);

  const refused = await c.kv.v2().get('x').catch((e: unknown) => e);
  assert.ok(refused instanceof VaultError);
  assert.equal(refused.status, 503);
  assert.equal(refused.attempts, 3, '503 is retried twice by default');

  const u = await c.sys.unseal(srv.unsealKey);
  assert.equal(u.sealed, false);
  assert.equal((await c.sys.health()).status, 200);
  await c.kv.v2().put('after-unseal', { ok: true });
  assert.deepEqual((await c.kv.v2().get('after-unseal'))?.data, { ok: true });
});

test('init on an initialized server is refused with the server message', async () => {
  const e = await c.sys.init({ secret_shares: 1, secret_threshold: 1 }).catch((x: unknown) => x);
  assert.ok(e instanceof VaultError);
  assert.equal(e.status, 400);
  assert.ok(e.errors.length > 0);
});
