// The database secrets engine's postgresql-database-plugin against the local PostgreSQL, through a
// real dev server: a dynamic role's user exists with VALID UNTIL at the lease's expiry and can connect
// and read what its creation statements granted; renewal moves VALID UNTIL (Vault's default renew
// statement); revocation without statements runs Vault's dance (revoke schema and table grants,
// reassign/drop owned, drop role) even for a user holding grants; custom revocation statements and
// `$$` blocks; static role rotation. The server trusts 127.0.0.1, so passwords are not checked here:
// the proof that a password is set is pg_authid's rolpassword changing (MariaDB's test checks logins).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';
import { createPgAdmin, pgRole, pgSuper, tag, type PgAdmin } from '../support/databases.js';

const ROOT = 'db-pg-root';
const T = tag(5);
const ROLE = `p${T}`;
const SCHEMA = `coffer_s_${T}`;
const STATIC_USER = `st_${T}`;
let srv: DevServer;
let admin: PgAdmin;

const call = (method: string, path: string, body?: unknown) => api(srv.addr, method, path, { token: ROOT, body });

async function creds(role = ROLE): Promise<{ username: string; password: string; lease: string }> {
  const r = await call('GET', `database/creds/${role}`);
  assert.equal(r.status, 200, r.text);
  return { username: r.body.data.username, password: r.body.data.password, lease: r.body.lease_id };
}

async function connectAs(user: string, password: string): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: 5432, user, password, database: admin.database });
  await c.connect();
  return c;
}

async function passwordHash(role: string): Promise<string | null> {
  const c = await pgSuper();
  try {
    return (await c.query('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [role])).rows[0]?.rolpassword ?? null;
  } finally {
    await c.end();
  }
}

before(async () => {
  admin = await createPgAdmin();
  // The admin owns a schema and a table the generated users are granted.
  const a = await connectAs(admin.user, admin.password);
  await a.query(`CREATE SCHEMA ${SCHEMA}`);
  await a.query(`CREATE TABLE ${SCHEMA}.items (id int)`);
  await a.query(`INSERT INTO ${SCHEMA}.items VALUES (42)`);
  await a.end();
  srv = await startDevServer(ROOT);
  assert.equal((await call('POST', 'sys/mounts/database', { type: 'database' })).status, 204);
  const cfg = await call('POST', 'database/config/pg', {
    plugin_name: 'postgresql-database-plugin',
    connection_url: `postgresql://{{username}}:{{password}}@127.0.0.1:5432/${admin.database}?sslmode=disable`,
    username: admin.user,
    password: admin.password,
    allowed_roles: '*',
  });
  assert.equal(cfg.status, 204, cfg.text);
  const create = [
    `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`,
    `GRANT USAGE ON SCHEMA ${SCHEMA} TO "{{name}}"; GRANT SELECT ON ALL TABLES IN SCHEMA ${SCHEMA} TO "{{name}}";`,
  ];
  assert.equal((await call('POST', `database/roles/${ROLE}`, { db_name: 'pg', creation_statements: create, default_ttl: '1h', max_ttl: '3h' })).status, 204);
});

after(async () => {
  await srv?.stop();
  const s = await pgSuper();
  await s.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
  await s.end();
  await admin?.cleanup([`-${ROLE}`, STATIC_USER]);
});

test('a generated user exists with VALID UNTIL at the lease expiry and reads what it was granted', async () => {
  const c = await creds();
  assert.match(c.username, new RegExp(`^v-root-${ROLE}-[A-Za-z0-9]{20}-\\d+$`));
  assert.ok(c.username.length <= 63);
  const role = await pgRole(c.username);
  assert.ok(role?.rolvaliduntil, 'no VALID UNTIL');
  const expire = Date.parse((await call('PUT', 'sys/leases/lookup', { lease_id: c.lease })).body.data.expire_time);
  assert.ok(Math.abs(role.rolvaliduntil.getTime() - expire) < 5000, `${role.rolvaliduntil.toISOString()} vs ${new Date(expire).toISOString()}`);
  assert.ok(await passwordHash(c.username), 'the role has no password set');
  const u = await connectAs(c.username, c.password);
  assert.equal((await u.query(`SELECT id FROM ${SCHEMA}.items`)).rows[0].id, 42);
  await u.end();
});

test('renew moves VALID UNTIL; revoke runs the default dance and drops a user that holds grants', async () => {
  const c = await creds();
  const before = (await pgRole(c.username))!.rolvaliduntil!.getTime();
  const r = await call('PUT', 'sys/leases/renew', { lease_id: c.lease, increment: '2h' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.lease_duration, 7200);
  const after = (await pgRole(c.username))!.rolvaliduntil!.getTime();
  assert.ok(after - before > 3500_000, `VALID UNTIL moved by ${(after - before) / 1000} s`);
  assert.equal((await call('PUT', 'sys/leases/revoke', { lease_id: c.lease })).status, 204);
  assert.equal(await pgRole(c.username), null);
});

test('custom revocation statements and $$ blocks run as written', async () => {
  const name = `${ROLE}c`;
  const create = [`DO $$ BEGIN CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}'; END $$;`];
  const revoke = [`DROP ROLE IF EXISTS "{{name}}";`];
  assert.equal((await call('POST', `database/roles/${name}`, { db_name: 'pg', creation_statements: create, revocation_statements: revoke, default_ttl: 600 })).status, 204);
  const c = await creds(name);
  assert.ok(await pgRole(c.username));
  assert.equal((await call('PUT', 'sys/leases/revoke', { lease_id: c.lease })).status, 204);
  assert.equal(await pgRole(c.username), null);
});

test('a static role rotates the password of an existing role', async () => {
  const s = await pgSuper();
  await s.query(`CREATE ROLE "${STATIC_USER}" LOGIN PASSWORD 'initial-1'`);
  await s.end();
  const initial = await passwordHash(STATIC_USER);
  assert.equal((await call('POST', `database/static-roles/${ROLE}s`, { db_name: 'pg', username: STATIC_USER, rotation_period: '1h' })).status, 204);
  const first = await passwordHash(STATIC_USER);
  assert.notEqual(first, initial);
  const creds1 = (await call('GET', `database/static-creds/${ROLE}s`)).body.data;
  assert.equal(creds1.username, STATIC_USER);
  assert.ok(creds1.ttl > 3500 && creds1.ttl <= 3600, String(creds1.ttl));
  assert.equal((await call('POST', `database/rotate-role/${ROLE}s`)).status, 204);
  assert.notEqual(await passwordHash(STATIC_USER), first);
  assert.notEqual((await call('GET', `database/static-creds/${ROLE}s`)).body.data.password, creds1.password);
});
