// The server's operator log through a real process: init, unseal, mounts, auth methods, audit
// devices, tuning, a lease revocation and seal each log Vault's line at info, in hclog's standard
// format by default and as hclog JSON when asked (log_format, -log-format, VAULT_LOG_FORMAT); and
// no token, unseal key or secret value appears anywhere in the output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { freePort, startWithConfig, tempDir, type ServerProcess } from '../support/server.js';
import { standardLine } from '../../src/server/log.js';

const SECRET_VALUE = 'hunter2-log-canary';
const USER_PASSWORD = 'correct-horse-log-canary';

async function start(dir: string, configLines: string, extra: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ServerProcess> {
  const port = await freePort();
  const configPath = join(dir, 'server.hcl');
  writeFileSync(
    configPath,
    `storage "sqlite" {\n  path = "${join(dir, 'coffer.db')}"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n${configLines}\n`,
  );
  return startWithConfig(configPath, port, 'http', undefined, { ...extra, env: { VAULT_LOG_FORMAT: '', ...extra.env } });
}

/** Everything an operator does in a first hour; returns every secret the server handed out or was given. */
async function operatorSession(srv: ServerProcess, dir: string): Promise<{ secrets: string[]; leaseId: string }> {
  const ok = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await api(srv.addr, method, path, { token, body });
    assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${r.text}`);
    return r;
  };
  const init = await api(srv.addr, 'PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } });
  assert.equal(init.status, 200, init.text);
  const root: string = init.body.root_token;
  const keys: string[] = [...init.body.keys, ...init.body.keys_base64];
  for (const k of init.body.keys.slice(0, 2)) await api(srv.addr, 'PUT', 'sys/unseal', { body: { key: k } });
  await ok('POST', 'sys/mounts/kv', root, { type: 'kv', options: { version: '2' } });
  await ok('POST', 'kv/data/app', root, { data: { password: SECRET_VALUE } });
  await ok('POST', 'sys/mounts/kv/tune', root, { max_lease_ttl: '2h', description: 'app secrets' });
  await ok('POST', 'sys/auth/userpass', root, { type: 'userpass' });
  await ok('POST', 'auth/userpass/users/alice', root, { password: USER_PASSWORD });
  const login = await ok('POST', 'auth/userpass/login/alice', '', { password: USER_PASSWORD });
  await ok('PUT', 'sys/audit/file', root, { type: 'file', options: { file_path: join(dir, 'audit.log') } });
  const child = await ok('POST', 'auth/token/create', root, { ttl: '1h' });
  const leases = await ok('LIST', 'sys/leases/lookup/auth/token/create/', root);
  const leaseId = `auth/token/create/${leases.body.data.keys[0]}`;
  await ok('PUT', 'sys/leases/revoke', root, { lease_id: leaseId });
  await ok('DELETE', 'sys/audit/file', root);
  await ok('DELETE', 'sys/auth/userpass', root);
  await ok('DELETE', 'sys/mounts/kv', root);
  await ok('PUT', 'sys/seal', root);
  const secrets = [root, ...keys, login.body.auth.client_token, child.body.auth.client_token, SECRET_VALUE, USER_PASSWORD];
  return { secrets, leaseId };
}

function assertNoSecrets(output: string, secrets: string[]): void {
  for (const s of secrets) assert.ok(!output.includes(s), `a secret (${s.slice(0, 4)}...) appears in the server's output:\n${output}`);
}

test('standard format: Vault lines for each lifecycle step, hclog layout, no secret', async () => {
  const dir = tempDir();
  try {
    const srv = await start(dir, 'log_level = "info"');
    const { secrets, leaseId } = await operatorSession(srv, dir);
    await srv.stop();
    const out = srv.output();
    const line = (rest: string): void => {
      const re = new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z ${rest.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm');
      assert.match(out, re);
    };
    line('[INFO]  core: security barrier initialized: shares=3 threshold=2');
    line('[INFO]  core: root token generated');
    line('[INFO]  core: post-unseal setup starting');
    line('[INFO]  core: successfully mounted: type=token version="" path=auth/token/ namespace="ID: root. Path: "');
    line('[INFO]  core: post-unseal setup complete');
    line('[INFO]  core: vault is unsealed');
    line('[INFO]  core: successful mount: namespace="" path=kv/ type=kv version=""');
    line('[INFO]  core: mount tuning of leases successful: path=kv/');
    line('[INFO]  core: mount tuning of description successful: path=kv/');
    line('[INFO]  core: enabled credential backend: path=userpass/ type=userpass version=""');
    line('[INFO]  core: enabled audit backend: path=file/ type=file');
    line(`[INFO]  expiration: revoked lease: lease_id=${leaseId}`);
    line('[INFO]  core: disabled audit backend: path=file/');
    line('[INFO]  core: disabled credential backend: path=userpass/');
    line('[INFO]  core: successfully unmounted: path=kv/ namespace=""');
    line('[INFO]  core: pre-seal teardown starting');
    line('[INFO]  core: vault is sealed');
    assert.ok(out.indexOf('core: vault is unsealed') < out.lastIndexOf('core: vault is sealed'));
    assert.doesNotMatch(out, /"@message"|"msg"/, 'no JSON lines in the standard format');
    assertNoSecrets(out, secrets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('log_format = "json": one hclog JSON object per line, no secret', async () => {
  const dir = tempDir();
  try {
    const srv = await start(dir, 'log_level = "info"\nlog_format = "json"');
    const { secrets, leaseId } = await operatorSession(srv, dir);
    await srv.stop();
    const out = srv.output();
    const records = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const find = (module: string, message: string) => records.find((r) => r['@module'] === module && r['@message'] === message);
    const unsealed = find('core', 'vault is unsealed');
    assert.ok(unsealed, out);
    assert.equal(unsealed['@level'], 'info');
    assert.match(String(unsealed['@timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual({ ...find('core', 'enabled credential backend'), '@timestamp': 0 }, {
      '@level': 'info',
      '@module': 'core',
      '@message': 'enabled credential backend',
      '@timestamp': 0,
      path: 'userpass/',
      type: 'userpass',
      version: '',
    });
    assert.equal(find('expiration', 'revoked lease')?.lease_id, leaseId);
    for (const m of ['security barrier initialized', 'successful mount', 'enabled audit backend', 'disabled audit backend', 'vault is sealed']) {
      assert.ok(find('core', m), `no "${m}" record in:\n${out}`);
    }
    assert.doesNotMatch(out, /\[INFO\]/, 'no standard lines in the JSON format');
    assertNoSecrets(out, secrets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('-log-format beats VAULT_LOG_FORMAT, which beats log_format; an unknown format stops the server', async () => {
  const dir = tempDir();
  try {
    const init = async (srv: ServerProcess) => {
      await api(srv.addr, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
      await srv.stop();
      return srv.output();
    };
    const fromEnv = await init(await start(dir, 'log_level = "info"', { env: { VAULT_LOG_FORMAT: 'json' } }));
    assert.match(fromEnv, /^\{.*"@message":"security barrier initialized"/m);
    rmSync(join(dir, 'coffer.db'), { force: true });
    const flagWins = await init(await start(dir, 'log_level = "info"\nlog_format = "json"', { args: ['-log-format=standard'], env: { VAULT_LOG_FORMAT: 'json' } }));
    assert.match(flagWins, /\[INFO\]  core: security barrier initialized/);
    assert.doesNotMatch(flagWins, /"@message"/);
    await assert.rejects(start(dir, 'log_format = "xml"'), /log_format "xml" is not one of standard, json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('standard lines quote values with spaces and put multi-line values below the line', () => {
  const json = JSON.stringify({ '@level': 'error', '@module': 'core', '@timestamp': '2024-01-01T00:00:00.000Z', path: 'a b', n: 3, err: 'first\nsecond', '@message': 'request failed' });
  assert.equal(standardLine(json), '2024-01-01T00:00:00.000Z [ERROR] core: request failed: path="a b" n=3\n  err=\n  | first\n  | second\n');
});
