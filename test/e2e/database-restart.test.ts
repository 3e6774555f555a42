// Database leases survive a restart of a real `coffer server` on a SQLite file (killed with SIGKILL):
// a lease that expired while the server was down has its user dropped right after the unseal, a live
// lease is still revoked when it expires, and a revocation that was failing (MariaDB unreachable behind
// a closed TCP proxy) before the crash is retried after it and succeeds. Measured lateness is printed.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { initAndUnseal, startConfiguredServer, startWithConfig, tempDir, unsealWith, type ServerProcess } from '../support/server.js';
import { createMysqlAdmin, mysqlCanLogin, mysqlUserExists, startTcpProxy, tag, waitUntil, MYSQL_PORT, type MysqlAdmin, type TcpProxy } from '../support/databases.js';

const T = tag(5);
const ROLE = `q${T}`;
let admin: MysqlAdmin | undefined;
let proxy: TcpProxy | undefined;
let srv: ServerProcess | undefined;

after(async () => {
  await srv?.stop('SIGKILL');
  await proxy?.stop();
  await admin?.cleanup([`-${ROLE}`]);
});

test('leases are revoked on time across a SIGKILL restart, including one whose revocation was failing', async () => {
  admin = await createMysqlAdmin();
  proxy = await startTcpProxy(MYSQL_PORT);
  const dir = tempDir('coffer-db-restart-');
  const first = await startConfiguredServer(`storage "sqlite" {\n  path = "${join(dir, 'coffer.db')}"\n}`, '', dir);
  srv = first;
  const { keys, rootToken } = await initAndUnseal(first.addr);
  const call = (method: string, path: string, body?: unknown) => api(srv!.addr, method, path, { token: rootToken, body });
  assert.equal((await call('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
  const url = (port: number): string => `{{username}}:{{password}}@tcp(127.0.0.1:${port})/`;
  const roles = [`${ROLE}a`, `${ROLE}b`, `${ROLE}c`];
  assert.equal((await call('POST', 'database/config/direct', { plugin_name: 'mysql-database-plugin', connection_url: url(MYSQL_PORT), username: admin.user, password: admin.password, allowed_roles: roles })).status, 204);
  assert.equal((await call('POST', 'database/config/proxied', { plugin_name: 'mysql-database-plugin', connection_url: url(proxy.port), username: admin.user, password: admin.password, allowed_roles: roles })).status, 204);
  const create = `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'`;
  await call('POST', `database/roles/${ROLE}a`, { db_name: 'direct', creation_statements: create, default_ttl: 25 });
  await call('POST', `database/roles/${ROLE}b`, { db_name: 'direct', creation_statements: create, default_ttl: 3 });
  await call('POST', `database/roles/${ROLE}c`, { db_name: 'proxied', creation_statements: create, default_ttl: 2 });
  const get = async (role: string) => {
    const r = await call('GET', `database/creds/${role}`);
    assert.equal(r.status, 200, r.text);
    const expire = Date.parse((await call('PUT', 'sys/leases/lookup', { lease_id: r.body.lease_id })).body.data.expire_time);
    return { username: r.body.data.username as string, password: r.body.data.password as string, expire };
  };
  const failing = await get(`${ROLE}c`);
  assert.equal(await mysqlCanLogin(failing.username, failing.password), true);

  // MariaDB becomes unreachable for the proxied connection; its lease expires and revocation fails.
  await proxy.close();
  const sawFailure = await waitUntil(async () => /failed to revoke lease/.test(first.output()), 30_000);
  assert.notEqual(sawFailure, null, `no failed revocation was logged:\n${first.output()}`);
  const live = await get(`${ROLE}a`);
  const expiredWhileDown = await get(`${ROLE}b`);
  await first.stop('SIGKILL');
  await proxy.open();
  // Down long enough for the 3-second lease on the direct connection to have expired too.
  await new Promise((r) => setTimeout(r, Math.max(0, expiredWhileDown.expire + 500 - Date.now())));
  assert.equal(await mysqlUserExists(expiredWhileDown.username), true, 'nothing can drop users while the server is down');
  assert.equal(await mysqlUserExists(failing.username), true);

  srv = await startWithConfig(first.configPath, first.port);
  await unsealWith(srv.addr, keys.slice(0, 1));
  const unsealedAt = Date.now();
  const b = await waitUntil(async () => !(await mysqlUserExists(expiredWhileDown.username)) && !(await mysqlUserExists(failing.username)), 60_000);
  assert.notEqual(b, null, 'users whose leases expired while the server was down were not dropped after the restart');
  console.log(`# after the unseal, overdue users (one whose revocation had been failing) dropped within ${((Date.now() - unsealedAt) / 1000).toFixed(2)} s`);
  if (Date.now() < live.expire - 1000) assert.equal(await mysqlUserExists(live.username), true, 'a live lease was revoked early');
  const a = await waitUntil(async () => !(await mysqlUserExists(live.username)), Math.max(0, live.expire - Date.now()) + 60_000);
  assert.notEqual(a, null, 'the live lease was not revoked after the restart');
  const late = Date.now() - live.expire;
  console.log(`# live lease across the restart: user dropped ${(late / 1000).toFixed(2)} s after its expire_time`);
  assert.ok(late > -1000, `dropped ${late} ms before expiry`);
});
