// Login floods against a real dev server process: excess concurrent password checks are refused with
// 429 while an audited read still succeeds; rate-limit quotas per client IP (other IPs and paths
// unaffected, block_interval honoured); user lockout for userpass and approle. Short intervals, and
// no assertion on how long anything took (bench/login-flood measures that).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, tempDir, type DevServer } from '../support/server.js';
import { api } from '../support/http.js';
import { HASH_BUSY } from '../../src/server/auth/userpass/password_hash.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A request from a chosen loopback source address (127.0.0.0/8 is all local on Linux). */
const from = (localAddress: string, addr: string, method: string, path: string, token?: string, body?: unknown) => api(addr, method, path, { token, body, localAddress });

describe('login floods, rate-limit quotas and user lockout (real server)', () => {
  let s: DevServer;
  let dir: string;
  const root = (method: string, path: string, body?: unknown) => api(s.addr, method, path, { token: s.rootToken, body });

  before(async () => {
    dir = tempDir('coffer-login-dos-');
    s = await startDevServer('login-dos-root');
    assert.equal((await root('PUT', 'sys/audit/file', { type: 'file', options: { file_path: join(dir, 'audit.log') } })).status, 204);
    assert.equal((await root('PUT', 'sys/auth/userpass', { type: 'userpass' })).status, 204);
    assert.equal((await root('PUT', 'secret/data/app', { data: { k: 'v' } })).status, 200);
  });
  after(async () => {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses password checks past the limit with 429 while an audited read still answers', async () => {
    const logins = Array.from({ length: 40 }, (_, i) => api(s.addr, 'PUT', `auth/userpass/login/ghost-${i}`, { body: { password: 'wrong' } }));
    const read = api(s.addr, 'GET', 'secret/data/app', { token: s.rootToken });
    const [answers, got] = await Promise.all([Promise.all(logins), read]);
    assert.equal(got.status, 200);
    assert.equal(got.body.data.data.k, 'v');
    const busy = answers.filter((a) => a.status === 429);
    assert.ok(busy.length > 0, `expected some 429s, got ${answers.map((a) => a.status).join(',')}`);
    for (const a of answers) assert.ok(a.status === 400 || a.status === 429, `unexpected ${a.status} ${a.text}`);
    assert.deepEqual(busy[0]!.body, { errors: [HASH_BUSY] });
    assert.equal(busy[0]!.headers['retry-after'], '1');
    assert.deepEqual(answers.find((a) => a.status === 400)!.body, { errors: ['invalid username or password'] });
  });

  it('rate-limit quota: N pass per client IP, the next gets 429 with Retry-After; other IPs and paths pass', async () => {
    assert.equal((await root('PUT', 'sys/quotas/rate-limit/userpass-logins', { path: 'auth/userpass', rate: 3, interval: '1m' })).status, 204);
    const rule = await root('GET', 'sys/quotas/rate-limit/userpass-logins');
    assert.equal(rule.status, 200);
    assert.deepEqual(
      { path: rule.body.data.path, rate: rule.body.data.rate, interval: rule.body.data.interval, block_interval: rule.body.data.block_interval, type: rule.body.data.type },
      { path: 'auth/userpass/', rate: 3, interval: 60, block_interval: 0, type: 'rate-limit' },
    );
    assert.deepEqual((await api(s.addr, 'LIST', 'sys/quotas/rate-limit', { token: s.rootToken })).body.data.keys, ['userpass-logins']);
    try {
      // A new username each time, so user lockout (5 failures per user) stays out of the way.
      let n = 0;
      const login = (ip: string) => from(ip, s.addr, 'PUT', `auth/userpass/login/nobody${n++}`, undefined, { password: 'x' });
      for (let i = 0; i < 3; i++) assert.equal((await login('127.0.0.11')).status, 400);
      const refused = await login('127.0.0.11');
      assert.equal(refused.status, 429);
      assert.deepEqual(refused.body, { errors: ['request path "auth/userpass/login/nobody3": rate limit quota exceeded'] });
      assert.ok(Number(refused.headers['retry-after']) >= 1 && Number(refused.headers['retry-after']) <= 60, String(refused.headers['retry-after']));
      assert.equal(refused.headers['x-ratelimit-limit'], undefined, 'X-Ratelimit-* only with enable_rate_limit_response_headers');
      // Another client IP has its own budget; another mount is not under this rule.
      assert.equal((await login('127.0.0.12')).status, 400);
      assert.equal((await from('127.0.0.11', s.addr, 'GET', 'secret/data/app', s.rootToken)).status, 200);
      // Exempt by default: sys/health answers whatever the global rule says.
      assert.equal((await root('PUT', 'sys/quotas/rate-limit/global', { rate: 1, interval: '1m' })).status, 204);
      assert.equal((await from('127.0.0.13', s.addr, 'GET', 'sys/health')).status, 200);
      assert.equal((await from('127.0.0.13', s.addr, 'GET', 'sys/health')).status, 200);
      assert.equal((await from('127.0.0.13', s.addr, 'GET', 'secret/data/app', s.rootToken)).status, 200);
      assert.equal((await from('127.0.0.13', s.addr, 'GET', 'secret/data/app', s.rootToken)).status, 429);
      // The more specific rule wins: the userpass rule, not the global one, counts logins.
      assert.equal((await login('127.0.0.13')).status, 400);
      assert.equal((await login('127.0.0.13')).status, 400);
    } finally {
      assert.equal((await root('DELETE', 'sys/quotas/rate-limit/global')).status, 204);
      assert.equal((await root('DELETE', 'sys/quotas/rate-limit/userpass-logins')).status, 204);
    }
    assert.equal((await root('GET', 'sys/quotas/rate-limit/userpass-logins')).status, 404);
  });

  it('rate-limit quota: block_interval keeps a client out after its window has reset; headers when enabled', async () => {
    assert.equal((await root('PUT', 'sys/quotas/config', { enable_rate_limit_response_headers: true })).status, 204);
    assert.equal((await root('PUT', 'sys/quotas/rate-limit/kv-block', { path: 'secret/data/app', rate: 1, interval: '1s', block_interval: '4s' })).status, 204);
    try {
      const read = () => from('127.0.0.21', s.addr, 'GET', 'secret/data/app', s.rootToken);
      const first = await read();
      assert.equal(first.status, 200);
      assert.equal(first.headers['x-ratelimit-limit'], '1');
      assert.equal(first.headers['x-ratelimit-remaining'], '0');
      const blockedAt = Date.now();
      const second = await read();
      assert.equal(second.status, 429);
      assert.ok(Number(second.headers['retry-after']) >= 1);
      await sleep(1300); // the 1s window is over, but the 4s block is not
      assert.equal((await read()).status, 429);
      await sleep(Math.max(0, blockedAt + 4300 - Date.now()));
      assert.equal((await read()).status, 200);
    } finally {
      await root('DELETE', 'sys/quotas/rate-limit/kv-block');
      await root('PUT', 'sys/quotas/config', { enable_rate_limit_response_headers: false });
    }
  });

  it('rejects bad quota rules with Vault-style 400s', async () => {
    assert.equal((await root('PUT', 'sys/quotas/rate-limit/bad', { rate: 0 })).body.errors[0], "'rate' is invalid");
    assert.equal((await root('PUT', 'sys/quotas/rate-limit/bad', { rate: 5, path: 'nope/' })).body.errors[0], 'invalid mount path "nope/"');
    assert.match((await root('PUT', 'sys/quotas/rate-limit/bad', { rate: 5, path: 'auth/userpass/', role: 'r' })).body.errors[0], /does not support use with role-based quotas/);
    assert.equal((await root('PUT', 'sys/quotas/rate-limit/a', { rate: 5, path: 'secret/' })).status, 204);
    assert.equal((await root('PUT', 'sys/quotas/rate-limit/b', { rate: 5, path: 'secret/' })).body.errors[0], 'quota rule with similar properties exists under the name "a"');
    assert.equal((await root('DELETE', 'sys/quotas/rate-limit/a')).status, 204);
  });

  it('userpass lockout: threshold failures lock the user, the right password is refused, unlock after the duration', async () => {
    assert.equal((await root('PUT', 'sys/auth/userpass/tune', { user_lockout_config: { lockout_threshold: '3', lockout_duration: '2s', lockout_counter_reset: '1m' } })).status, 204);
    const tune = await root('GET', 'sys/auth/userpass/tune');
    assert.equal(tune.body.data.user_lockout_threshold, 3);
    assert.equal(tune.body.data.user_lockout_duration, 2);
    assert.equal(tune.body.data.user_lockout_counter_reset_duration, 60);
    assert.equal((await root('PUT', 'auth/userpass/users/alice', { password: 'right', policies: 'default' })).status, 204);
    const login = (password: string) => api(s.addr, 'PUT', 'auth/userpass/login/alice', { body: { password } });
    for (let i = 0; i < 3; i++) assert.equal((await login('wrong')).status, 400);
    const locked = await login('right');
    assert.equal(locked.status, 403);
    assert.deepEqual(locked.body, { errors: ['permission denied'] });
    // Case does not dodge the lock: usernames are lowercased before counting.
    assert.equal((await api(s.addr, 'PUT', 'auth/userpass/login/ALICE', { body: { password: 'right' } })).status, 403);
    // Another user is not affected.
    assert.equal((await root('PUT', 'auth/userpass/users/bob', { password: 'pw' })).status, 204);
    assert.equal((await api(s.addr, 'PUT', 'auth/userpass/login/bob', { body: { password: 'pw' } })).status, 200);
    await sleep(2300);
    const ok = await login('right');
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.body.auth.client_token);
  });

  it('userpass lockout: failures older than lockout_counter_reset no longer count; success clears the count', async () => {
    assert.equal((await root('PUT', 'sys/auth/userpass/tune', { user_lockout_config: { lockout_threshold: '3', lockout_duration: '1m', lockout_counter_reset: '1s' } })).status, 204);
    assert.equal((await root('PUT', 'auth/userpass/users/carol', { password: 'right' })).status, 204);
    const login = (password: string) => api(s.addr, 'PUT', 'auth/userpass/login/carol', { body: { password } });
    assert.equal((await login('wrong')).status, 400);
    assert.equal((await login('wrong')).status, 400);
    await sleep(1300);
    assert.equal((await login('wrong')).status, 400);
    assert.equal((await login('wrong')).status, 400);
    assert.equal((await login('right')).status, 200, 'four failures, but never three within the reset window');
    assert.equal((await login('wrong')).status, 400);
    assert.equal((await login('wrong')).status, 400);
    assert.equal((await login('right')).status, 200, 'the success before cleared the count');
    assert.equal((await root('PUT', 'sys/auth/userpass/tune', { user_lockout_config: { lockout_disable: true } })).status, 204);
    for (let i = 0; i < 4; i++) assert.equal((await login('wrong')).status, 400);
    assert.equal((await login('right')).status, 200, 'lockout_disable turns it off');
  });

  it('approle lockout counts bad secret IDs per role_id', async () => {
    assert.equal((await root('PUT', 'sys/auth/approle', { type: 'approle' })).status, 204);
    assert.equal((await root('PUT', 'sys/auth/approle/tune', { user_lockout_config: { lockout_threshold: 2 } })).status, 204);
    assert.equal((await root('PUT', 'auth/approle/role/app', { token_policies: 'default' })).status, 204);
    const roleId = (await root('GET', 'auth/approle/role/app/role-id')).body.data.role_id as string;
    const secretId = (await root('PUT', 'auth/approle/role/app/secret-id')).body.data.secret_id as string;
    const login = (secret: string) => api(s.addr, 'PUT', 'auth/approle/login', { body: { role_id: roleId, secret_id: secret } });
    assert.equal((await login('not-it')).status, 400);
    assert.equal((await login('not-it-either')).status, 400);
    assert.equal((await login(secretId)).status, 403);
    assert.match((await root('PUT', 'sys/auth/token/tune', { user_lockout_config: { lockout_threshold: 2 } })).body.errors[0], /not allowed/);
  });
});
