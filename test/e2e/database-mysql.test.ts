// The database secrets engine against the local MariaDB, through a real dev server over HTTP:
// generated credentials log in (and a wrong password does not), renew extends the lease, revoke drops
// the user, an 8-second lease expires and its user is dropped (the delay is measured and printed),
// revoking the token drops its users, the database down during revocation and then up still ends with
// the user dropped (a TCP proxy in front of MariaDB is closed and reopened), static roles rotate the
// password (the old one stops working), rotate-root, reads that never show a password, and Vault's
// refusals. A dedicated admin user with a random password is created per run and dropped at the end
// with every user the run created; root's password is never touched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';
import { createMysqlAdmin, mysqlCanLogin, mysqlRoot, mysqlUserExists, startTcpProxy, tag, waitUntil, MYSQL_PORT, type MysqlAdmin, type TcpProxy } from '../support/databases.js';

const ROOT = 'db-mysql-root';
const T = tag(5);
const ROLE = `r${T}`; // at most 10 characters: the whole role name appears in generated user names
const STATIC_USER = `st_${T}`;
let srv: DevServer;
let admin: MysqlAdmin;
let proxy: TcpProxy;
const extraAdmins: string[] = [];

const call = (method: string, path: string, body?: unknown, token = ROOT) => api(srv.addr, method, path, { token, body });
const url = (port: number): string => `{{username}}:{{password}}@tcp(127.0.0.1:${port})/`;
const create = `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON mysql.db TO '{{name}}'@'%';`;

async function creds(role = ROLE, token = ROOT): Promise<{ username: string; password: string; lease: string; duration: number }> {
  const r = await call('GET', `database/creds/${role}`, undefined, token);
  assert.equal(r.status, 200, r.text);
  return { username: r.body.data.username, password: r.body.data.password, lease: r.body.lease_id, duration: r.body.lease_duration };
}

before(async () => {
  admin = await createMysqlAdmin();
  proxy = await startTcpProxy(MYSQL_PORT);
  srv = await startDevServer(ROOT);
  assert.equal((await call('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
  const roles = [ROLE, `${ROLE}s`, `${ROLE}x`, `${ROLE}t`, `${ROLE}p`].join(',');
  const cfg = await call('POST', 'database/config/maria', { plugin_name: 'mysql-database-plugin', connection_url: url(MYSQL_PORT), username: admin.user, password: admin.password, allowed_roles: roles });
  assert.equal(cfg.status, 204, cfg.text);
  const viaProxy = await call('POST', 'database/config/proxied', { plugin_name: 'mysql-database-plugin', connection_url: url(proxy.port), username: admin.user, password: admin.password, allowed_roles: [`${ROLE}p`] });
  assert.equal(viaProxy.status, 204, viaProxy.text);
  assert.equal((await call('POST', `database/roles/${ROLE}`, { db_name: 'maria', creation_statements: create, default_ttl: '1h', max_ttl: '2h' })).status, 204);
  assert.equal((await call('POST', `database/roles/${ROLE}x`, { db_name: 'maria', creation_statements: [create], default_ttl: 8 })).status, 204);
  assert.equal((await call('POST', `database/roles/${ROLE}p`, { db_name: 'proxied', creation_statements: create, default_ttl: '1h' })).status, 204);
});

after(async () => {
  await srv?.stop();
  await proxy?.stop();
  const c = await mysqlRoot();
  for (const u of extraAdmins) await c.query('DROP USER IF EXISTS ?@?', [u, '%']);
  await c.end();
  await admin?.cleanup([`-${ROLE}`, STATIC_USER]);
});

test('generated credentials log in (and only with their password); the username follows the default template', async () => {
  const c = await creds();
  // v-<display name, 10>-<role, 10>-<random 20>-<unix time>, cut at MySQL's 32 characters
  assert.match(c.username, new RegExp(`^v-root-${ROLE}-[A-Za-z0-9]+$`));
  assert.equal(c.username.length, 32, c.username);
  assert.match(c.password, /^[A-Za-z0-9-]{20}$/);
  assert.equal(c.duration, 3600);
  assert.equal(await mysqlCanLogin(c.username, c.password), true);
  assert.equal(await mysqlCanLogin(c.username, `${c.password}x`), false);
  const lookup = await call('PUT', 'sys/leases/lookup', { lease_id: c.lease });
  assert.equal(lookup.status, 200);
  assert.equal(lookup.body.data.renewable, true);
});

test('renew extends the lease within max_ttl; revoke drops the user', async () => {
  const c = await creds();
  const r = await call('PUT', 'sys/leases/renew', { lease_id: c.lease, increment: 5400 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.lease_id, c.lease);
  assert.ok(r.body.lease_duration > 3600 && r.body.lease_duration <= 5400, String(r.body.lease_duration));
  // Beyond max_ttl (2h from issue) the lease is capped, never extended past it.
  const capped = await call('PUT', 'sys/leases/renew', { lease_id: c.lease, increment: 86400 });
  assert.equal(capped.status, 200, capped.text);
  assert.ok(capped.body.lease_duration <= 7200 && capped.body.lease_duration > 7000, String(capped.body.lease_duration));
  assert.equal(await mysqlCanLogin(c.username, c.password), true);
  assert.equal((await call('PUT', 'sys/leases/revoke', { lease_id: c.lease })).status, 204);
  assert.equal(await mysqlUserExists(c.username), false);
  assert.equal(await mysqlCanLogin(c.username, c.password), false);
  assert.equal((await call('PUT', 'sys/leases/lookup', { lease_id: c.lease })).status, 400);
});

test('an 8-second lease expires and its user is dropped', async () => {
  const c = await creds(`${ROLE}x`);
  assert.equal(c.duration, 8);
  const expireAt = Date.parse((await call('PUT', 'sys/leases/lookup', { lease_id: c.lease })).body.data.expire_time);
  assert.equal(await mysqlCanLogin(c.username, c.password), true);
  const took = await waitUntil(async () => !(await mysqlUserExists(c.username)), 60_000);
  assert.notEqual(took, null, 'the user was never dropped');
  const late = Date.now() - expireAt;
  console.log(`# 8-second lease: user dropped ${(late / 1000).toFixed(2)} s after the lease's expire_time (polled every 100 ms)`);
  assert.ok(late > -1000, `dropped ${late} ms before the lease expired`);
  assert.ok(late < 10_000, `dropped ${late} ms after expiry (loose bound)`);
});

test('revoking the token that read the credentials drops its users', async () => {
  const t = await call('POST', 'auth/token/create', { policies: ['root'], ttl: '1h' });
  const token = t.body.auth.client_token as string;
  const a = await creds(ROLE, token);
  const b = await creds(ROLE, token);
  assert.equal(await mysqlUserExists(a.username), true);
  assert.equal((await call('POST', 'auth/token/revoke', { token })).status, 204);
  const took = await waitUntil(async () => !(await mysqlUserExists(a.username)) && !(await mysqlUserExists(b.username)), 30_000);
  assert.notEqual(took, null, 'the token\'s users were not dropped');
  assert.equal((await call('PUT', 'sys/leases/lookup', { lease_id: a.lease })).status, 400);
});

test('the database down during revocation, then up: the user is dropped', async () => {
  const t = await call('POST', 'auth/token/create', { policies: ['root'], ttl: '1h' });
  const token = t.body.auth.client_token as string;
  const c = await creds(`${ROLE}p`, token);
  assert.equal(await mysqlCanLogin(c.username, c.password), true);
  await proxy.close();
  // An explicit revocation fails while the database is down, and says so.
  const failed = await call('PUT', 'sys/leases/revoke', { lease_id: c.lease });
  assert.ok(failed.status >= 400, `revocation with the database down answered ${failed.status}`);
  // Revoking the token still succeeds; the lease's revocation is queued and retried.
  assert.equal((await call('POST', 'auth/token/revoke', { token })).status, 204);
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await mysqlUserExists(c.username), true, 'the user cannot have been dropped while the database was unreachable');
  assert.match(srv.output(), /failed to revoke lease/);
  await proxy.open();
  const took = await waitUntil(async () => !(await mysqlUserExists(c.username)), 90_000);
  assert.notEqual(took, null, 'the user was not dropped after the database came back');
  console.log(`# database back: user dropped ${((took ?? 0) / 1000).toFixed(1)} s after the proxy reopened (backoff 1 s doubling)`);
});

test('static role: creating it rotates the password at once, rotate-role and the schedule change it again', async () => {
  const c = await mysqlRoot();
  await c.query(`CREATE USER '${STATIC_USER}'@'%' IDENTIFIED BY 'initial-Pass-1'`);
  await c.end();
  assert.equal(await mysqlCanLogin(STATIC_USER, 'initial-Pass-1'), true);
  const w = await call('POST', `database/static-roles/${ROLE}s`, { db_name: 'maria', username: STATIC_USER, rotation_period: '5s' });
  assert.equal(w.status, 204, w.text);
  assert.equal(await mysqlCanLogin(STATIC_USER, 'initial-Pass-1'), false, 'the initial password still works after the role took the account over');
  const first = (await call('GET', `database/static-creds/${ROLE}s`)).body.data;
  assert.equal(first.username, STATIC_USER);
  assert.equal(first.rotation_period, 5);
  assert.ok(first.ttl <= 5 && first.ttl >= 0, String(first.ttl));
  assert.ok(!Number.isNaN(Date.parse(first.last_vault_rotation)));
  assert.equal(await mysqlCanLogin(STATIC_USER, first.password), true);
  const role = (await call('GET', `database/static-roles/${ROLE}s`)).body.data;
  assert.equal(role.username, STATIC_USER);
  assert.equal(role.password, undefined);

  assert.equal((await call('POST', `database/rotate-role/${ROLE}s`)).status, 204);
  const second = (await call('GET', `database/static-creds/${ROLE}s`)).body.data;
  assert.notEqual(second.password, first.password);
  assert.equal(await mysqlCanLogin(STATIC_USER, first.password), false);
  assert.equal(await mysqlCanLogin(STATIC_USER, second.password), true);

  // The schedule: within a few rotation periods the password changes by itself.
  const took = await waitUntil(async () => (await call('GET', `database/static-creds/${ROLE}s`)).body.data.password !== second.password, 30_000);
  assert.notEqual(took, null, 'the password was not rotated on schedule');
  const third = (await call('GET', `database/static-creds/${ROLE}s`)).body.data;
  assert.equal(await mysqlCanLogin(STATIC_USER, second.password), false);
  assert.equal(await mysqlCanLogin(STATIC_USER, third.password), true);
  assert.equal((await call('DELETE', `database/static-roles/${ROLE}s`)).status, 204);
  const gone = await call('GET', `database/static-creds/${ROLE}s`);
  assert.equal(gone.status, 400);
});

test('rotate-root changes the admin password to one nobody knows, and credentials still work', async () => {
  const adm = `coffer_rr_${T}`;
  const pass = 'Rotate-me-1';
  const c = await mysqlRoot();
  await c.query(`CREATE USER '${adm}'@'%' IDENTIFIED BY '${pass}'`);
  await c.query(`GRANT ALL PRIVILEGES ON *.* TO '${adm}'@'%' WITH GRANT OPTION`);
  await c.end();
  extraAdmins.push(adm);
  assert.equal((await call('POST', 'database/config/rr', { plugin_name: 'mysql-database-plugin', connection_url: url(MYSQL_PORT), username: adm, password: pass, allowed_roles: `${ROLE}t` })).status, 204);
  assert.equal((await call('POST', `database/roles/${ROLE}t`, { db_name: 'rr', creation_statements: create })).status, 204);
  assert.equal((await call('POST', 'database/rotate-root/rr')).status, 204);
  assert.equal(await mysqlCanLogin(adm, pass), false);
  const read = await call('GET', 'database/config/rr');
  assert.doesNotMatch(read.text, /Rotate-me-1/);
  assert.equal(read.body.data.connection_details.password, undefined);
  const cr = await creds(`${ROLE}t`);
  assert.equal(await mysqlCanLogin(cr.username, cr.password), true);
  assert.equal((await call('PUT', 'sys/leases/revoke', { lease_id: cr.lease })).status, 204);
  assert.equal(await mysqlUserExists(cr.username), false);
});

test('config: read never shows the password; list, reset, delete; Vault refusals', async () => {
  const read = await call('GET', 'database/config/maria');
  assert.equal(read.status, 200);
  assert.equal(read.body.data.plugin_name, 'mysql-database-plugin');
  assert.equal(read.body.data.connection_details.connection_url, url(MYSQL_PORT));
  assert.equal(read.body.data.connection_details.username, admin.user);
  assert.equal(read.body.data.connection_details.max_open_connections, 4);
  assert.equal(read.body.data.verify_connection, true);
  assert.ok(!read.text.includes(admin.password));
  const literal = await call('POST', 'database/config/literal', { plugin_name: 'mysql-database-plugin', connection_url: `${admin.user}:${admin.password}@tcp(127.0.0.1:${MYSQL_PORT})/`, allowed_roles: 'x' });
  assert.equal(literal.status, 200, literal.text);
  assert.match(literal.body.warnings[0], /Password found in connection_url/);
  const litRead = await call('GET', 'database/config/literal');
  assert.ok(!litRead.text.includes(admin.password), litRead.text);
  assert.match(litRead.body.data.connection_details.connection_url, /:\*\*\*\*\*@tcp/);
  const list = await call('LIST', 'database/config');
  assert.deepEqual(list.body.data.keys.filter((k: string) => k !== 'rr'), ['literal', 'maria', 'proxied']);
  assert.equal((await call('POST', 'database/reset/maria')).status, 204);
  assert.equal((await call('DELETE', 'database/config/literal')).status, 204);
  assert.equal((await call('GET', 'database/config/literal')).status, 404);

  const wrongPass = await call('POST', 'database/config/bad', { plugin_name: 'mysql-database-plugin', connection_url: url(MYSQL_PORT), username: admin.user, password: 'wrong' });
  assert.equal(wrongPass.status, 400);
  assert.match(wrongPass.body.errors[0], /error creating database object/);
  assert.doesNotMatch(wrongPass.text, /:wrong|"wrong"/, 'no password in the error');
  const unverified = await call('POST', 'database/config/bad', { plugin_name: 'mysql-database-plugin', connection_url: url(1), username: 'x', password: 'y', verify_connection: false });
  assert.equal(unverified.status, 204, unverified.text);
  assert.match((await call('POST', 'database/config/bad2', { plugin_name: 'oracle-database-plugin', connection_url: 'x' })).body.errors[0], /unknown plugin_name "oracle-database-plugin"/);
  assert.match((await call('POST', 'database/config/bad2', { connection_url: 'x' })).body.errors[0], /empty plugin name/);
  const policy = await call('POST', 'database/config/bad2', { plugin_name: 'mysql-database-plugin', connection_url: url(MYSQL_PORT), password_policy: 'strong', verify_connection: false });
  assert.equal(policy.status, 400);
  assert.match(policy.body.errors[0], /no password policies/);

  assert.match((await call('POST', 'database/roles/nodb', { creation_statements: create })).body.errors[0], /empty database name/);
  assert.match((await call('POST', 'database/roles/nostmt', { db_name: 'maria' })).body.errors[0], /empty creation statements/);
  assert.match((await call('POST', 'database/roles/ctype', { db_name: 'maria', creation_statements: create, credential_type: 'rsa_private_key' })).body.errors[0], /not supported/);
  assert.equal((await call('POST', 'database/roles/notallowed', { db_name: 'maria', creation_statements: create })).status, 204);
  const refused = await call('GET', 'database/creds/notallowed');
  assert.equal(refused.status, 400);
  assert.match(refused.body.errors[0], /not an allowed role/);
  assert.match((await call('GET', 'database/creds/nosuchrole')).body.errors[0], /unknown role/);
  const role = await call('GET', `database/roles/${ROLE}`);
  assert.deepEqual(role.body.data, {
    db_name: 'maria',
    creation_statements: [create],
    revocation_statements: [],
    rollback_statements: [],
    renew_statements: [],
    default_ttl: 3600,
    max_ttl: 7200,
    credential_type: 'password',
    credential_config: {},
  });
  const roles = await call('LIST', 'database/roles');
  assert.ok(roles.body.data.keys.includes(ROLE));
});

test('a failed creation statement rolls back what was created', async () => {
  const bad = `CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT NOSUCHPRIVILEGE ON *.* TO '{{name}}'@'%'`;
  assert.equal((await call('POST', `database/roles/${ROLE}x`, { db_name: 'maria', creation_statements: bad, default_ttl: 8 })).status, 204);
  const before = await mysqlRoot();
  const [rows] = await before.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User LIKE ?', [`%-${ROLE}x-%`]);
  await before.end();
  const r = await call('GET', `database/creds/${ROLE}x`);
  assert.equal(r.status, 400);
  assert.match(r.body.errors[0], /failed to create the database user/);
  const afterC = await mysqlRoot();
  const [rows2] = await afterC.query('SELECT COUNT(*) AS n FROM mysql.user WHERE User LIKE ?', [`%-${ROLE}x-%`]);
  await afterC.end();
  assert.equal(Number((rows2 as { n: number }[])[0]!.n), Number((rows as { n: number }[])[0]!.n));
});

test('a database error quoting the generated password shows it as *****', async () => {
  const leaky = `CREATE USER '{{name}}'@'%' IDENTIFIED BY NONSENSE '{{password}}'`;
  assert.equal((await call('POST', `database/roles/${ROLE}x`, { db_name: 'maria', creation_statements: leaky, default_ttl: 8 })).status, 204);
  const r = await call('GET', `database/creds/${ROLE}x`);
  assert.equal(r.status, 400);
  assert.match(r.body.errors[0], /NONSENSE '\*\*\*\*\*'/);
  assert.doesNotMatch(r.text, /NONSENSE '[A-Za-z0-9-]{20}'/);
  assert.doesNotMatch(srv.output(), /NONSENSE '[A-Za-z0-9-]{20}'/);
});

test('the mount max TTL caps the role max_ttl', async () => {
  assert.equal((await call('POST', 'sys/mounts/database/tune', { max_lease_ttl: '30m' })).status, 204);
  try {
    const c = await creds();
    assert.equal(c.duration, 1800);
    const r = await call('PUT', 'sys/leases/renew', { lease_id: c.lease, increment: 7200 });
    assert.ok(r.body.lease_duration <= 1800, String(r.body.lease_duration));
    await call('PUT', 'sys/leases/revoke', { lease_id: c.lease });
  } finally {
    await call('POST', 'sys/mounts/database/tune', { max_lease_ttl: 0 });
  }
});

test('one pool per connection: its connections close on reset, on a config write and on unmount', async () => {
  const count = async (): Promise<number> => {
    const c = await mysqlRoot();
    try {
      const [rows] = await c.query('SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE USER = ?', [admin.user]);
      return Number((rows as { n: number }[])[0]!.n);
    } finally {
      await c.end();
    }
  };
  const closed = async (what: string) => assert.notEqual(await waitUntil(async () => (await count()) === 0, 30_000), null, `the pool's connections stayed open after ${what}`);
  assert.equal((await call('POST', 'sys/mounts/db2', { type: 'database' })).status, 204);
  const cfg = { plugin_name: 'mysql-database-plugin', connection_url: url(MYSQL_PORT), username: admin.user, password: admin.password, allowed_roles: '*' };
  assert.equal((await call('POST', 'db2/config/one', cfg)).status, 204);
  assert.equal((await call('POST', `db2/roles/${ROLE}`, { db_name: 'one', creation_statements: create, default_ttl: 600 })).status, 204);
  // The main mount's pools hold connections as the same admin: reset them so only db2's count.
  await call('POST', 'database/reset/maria');
  await call('POST', 'database/reset/rr');
  await call('POST', 'database/reset/proxied');
  await closed('resetting the other mount');
  const open = async () => {
    const r = await call('GET', `db2/creds/${ROLE}`);
    assert.equal(r.status, 200, r.text);
    assert.ok((await count()) > 0, 'no pooled connection after a use');
  };
  await open();
  assert.equal((await call('POST', 'db2/reset/one')).status, 204);
  await closed('reset');
  await open();
  assert.equal((await call('POST', 'db2/config/one', { ...cfg, max_open_connections: 2 })).status, 204);
  await closed('a config write');
  await open();
  assert.equal((await call('DELETE', 'sys/mounts/db2')).status, 204);
  await closed('unmount');
});
