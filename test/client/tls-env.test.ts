// HTTPS with a custom CA against a production server (init and unseal through the client), TLS
// failures (not retried), VAULT_SKIP_VERIFY, and the defaults read from the environment.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTlsServer, tempDir, type ServerProcess } from '../support/server.js';
import { makeTestPki, type TestPki } from '../support/tls.js';
import { Client, VaultError, configFromEnv, DEFAULT_ADDRESS, DEFAULT_TIMEOUT_MS } from '../../src/client/index.js';

let srv: ServerProcess;
let pki: TestPki;
let root = '';
const dir = tempDir();
before(async () => {
  pki = makeTestPki(dir);
  srv = await startTlsServer(`storage "sqlite" {
  path = "${join(dir, 'coffer.db')}"
}`, pki, dir);
});
after(async () => {
  await srv.stop();
});

test('HTTPS verified with the CA (PEM text): init, unseal, health, KV', async () => {
  const c = new Client({ address: srv.addr, caCert: pki.ca, env: {} });
  try {
    const before = await c.sys.health();
    assert.equal(before.status, 501, 'not initialized: 501, returned, not thrown');
    assert.equal(before.body?.initialized, false);
    const init = await c.sys.init({ secret_shares: 3, secret_threshold: 2 });
    assert.equal(init.keys.length, 3);
    root = init.root_token;
    assert.equal((await c.sys.health()).status, 503);
    const s1 = await c.sys.unseal(init.keys[0]!);
    assert.equal(s1.sealed, true);
    assert.equal(s1.progress, 1);
    const s2 = await c.sys.unseal(init.keys[2]!);
    assert.equal(s2.sealed, false);
    assert.equal((await c.sys.health()).status, 200);
    c.setToken(root);
    await c.sys.mounts.enable('secret', { type: 'kv-v2' });
    await c.kv.v2().put('tls/check', { ok: 'yes' });
    assert.deepEqual((await c.kv.v2().get('tls/check'))?.data, { ok: 'yes' });
  } finally {
    c.close();
  }
});

test('the CA as a file path, and from VAULT_CACERT', async () => {
  const byPath = new Client({ address: srv.addr, caCert: pki.caFile, token: root, env: {} });
  assert.deepEqual((await byPath.kv.v2().get('tls/check'))?.data, { ok: 'yes' });
  byPath.close();
  const byEnv = new Client({ env: { VAULT_ADDR: srv.addr, VAULT_CACERT: pki.caFile, VAULT_TOKEN: root } });
  assert.equal(byEnv.address, srv.addr);
  assert.deepEqual((await byEnv.kv.v2().get('tls/check'))?.data, { ok: 'yes' });
  byEnv.close();
  assert.throws(() => new Client({ address: srv.addr, caCert: join(dir, 'missing.pem'), env: {} }), /cannot read the CA certificate file/);
});

test('without the CA: a TLS VaultError, not retried; tlsSkipVerify / VAULT_SKIP_VERIFY accept it', async () => {
  const c = new Client({ address: srv.addr, env: {}, retryMinDelayMs: 1 });
  const e = await c.sys.health().catch((x: unknown) => x);
  c.close();
  assert.ok(e instanceof VaultError);
  assert.equal(e.kind, 'tls');
  assert.equal(e.status, 0);
  assert.equal(e.attempts, 1);
  assert.match(e.message, /TLS error talking to https:\/\/127\.0\.0\.1:\d+: .*(self[- ]signed|verify|certificate)/i);

  const skip = new Client({ address: srv.addr, tlsSkipVerify: true, env: {} });
  assert.equal((await skip.sys.health()).status, 200);
  skip.close();
  const skipEnv = new Client({ address: srv.addr, env: { VAULT_SKIP_VERIFY: 'true' } });
  assert.equal((await skipEnv.sys.health()).status, 200);
  skipEnv.close();
  const strict = new Client({ address: srv.addr, tlsSkipVerify: false, env: { VAULT_SKIP_VERIFY: '1' } });
  await assert.rejects(strict.sys.health(), (x: unknown) => x instanceof VaultError && x.kind === 'tls');
  strict.close();
});

test('environment defaults: VAULT_ADDR, VAULT_TOKEN, retries, timeout; options win; defaults without env', () => {
  const d = new Client({ env: {} });
  assert.equal(d.address, DEFAULT_ADDRESS);
  assert.equal(DEFAULT_ADDRESS, 'http://127.0.0.1:8200');
  assert.equal(d.getToken(), undefined);
  assert.equal(d.timeoutMs, DEFAULT_TIMEOUT_MS);
  assert.equal(d.retry.retries, 2);

  const e = new Client({ env: { VAULT_ADDR: 'https://vault.example.com:8200/', VAULT_TOKEN: ' hvs.envtoken\n', VAULT_MAX_RETRIES: '5', VAULT_CLIENT_TIMEOUT: '1m30s' } });
  assert.equal(e.address, 'https://vault.example.com:8200');
  assert.equal(e.getToken(), 'hvs.envtoken');
  assert.equal(e.retry.retries, 5);
  assert.equal(e.timeoutMs, 90_000);

  const o = new Client({ address: 'http://10.0.0.1:8200', token: 'opt', retries: 0, timeoutMs: 1000, env: { VAULT_ADDR: 'http://ignored:1', VAULT_TOKEN: 'ignored' } });
  assert.equal(o.address, 'http://10.0.0.1:8200');
  assert.equal(o.getToken(), 'opt');
  assert.equal(o.retry.retries, 0);
  assert.equal(o.timeoutMs, 1000);

  assert.deepEqual(configFromEnv({ VAULT_CLIENT_TIMEOUT: '30' }), { timeoutMs: 30_000 });
  assert.deepEqual(configFromEnv({ VAULT_SKIP_VERIFY: 'False', VAULT_ADDR: '' }), { tlsSkipVerify: false });
  assert.throws(() => new Client({ env: { VAULT_SKIP_VERIFY: 'yes' } }), /could not parse VAULT_SKIP_VERIFY="yes"/);
  assert.throws(() => new Client({ env: { VAULT_MAX_RETRIES: '-1' } }), /VAULT_MAX_RETRIES/);
  assert.throws(() => new Client({ env: { VAULT_CLIENT_TIMEOUT: '10 parsecs' } }), /VAULT_CLIENT_TIMEOUT/);
  assert.throws(() => new Client({ address: 'not a url', env: {} }), /invalid Vault address/);
  assert.throws(() => new Client({ address: 'ftp://x', env: {} }), /unsupported address scheme/);
});

test('process.env is the default source', () => {
  const saved = { addr: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN };
  process.env.VAULT_ADDR = 'http://from-process-env:8200';
  process.env.VAULT_TOKEN = 'process-token';
  try {
    const c = new Client();
    assert.equal(c.address, 'http://from-process-env:8200');
    assert.equal(c.getToken(), 'process-token');
  } finally {
    if (saved.addr === undefined) delete process.env.VAULT_ADDR;
    else process.env.VAULT_ADDR = saved.addr;
    if (saved.token === undefined) delete process.env.VAULT_TOKEN;
    else process.env.VAULT_TOKEN = saved.token;
  }
});
