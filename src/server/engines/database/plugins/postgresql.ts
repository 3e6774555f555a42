// Vault's postgresql-database-plugin over a pg pool. Defaults are Vault's: renewal
// `ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}'`, password change
// `ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}'`, and without revocation statements the
// revocation dance: revoke table and schema privileges in every schema the role holds grants in (and
// public), REVOKE CONNECT on the database, REASSIGN OWNED / DROP OWNED (best effort: they need the
// role's privileges), then DROP ROLE. Statement elements containing `$$` run whole.

import pg from 'pg';
import type { ConnectionSettings, DatabasePlugin, DbConnection, NewUser } from './types.js';
import { expirationString, splitStatements, substitute } from '../statements.js';

const TEMPLATE = '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}';
const DEFAULT_RENEW = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}'`];
const DEFAULT_ROTATE = [`ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}'`];

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/** Fills {{username}}/{{password}} in a postgres:// URL (URL-encoded) or a key=value DSN (quoted). */
function fillUrl(url: string, username: string, password: string): string {
  const isUrl = /^postgres(ql)?:\/\//i.test(url);
  const enc = (v: string): string => (isUrl ? encodeURIComponent(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  return substitute(url, { username: enc(username), password: enc(password) });
}

function redactPgUrl(url: string): string {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    try {
      const u = new URL(url);
      if (u.password && decodeURIComponent(u.password) !== '{{password}}') u.password = '*****';
      return u.toString().replace(/%7B%7B/gi, '{{').replace(/%7D%7D/gi, '}}');
    } catch {
      return '*****';
    }
  }
  return url.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, (all, k: string, v: string) => (v === '{{password}}' || v === "'{{password}}'" ? all : `${k}*****`));
}

function keyValueConfig(dsn: string): pg.PoolConfig {
  const out: Record<string, string> = {};
  for (const m of dsn.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)/g)) {
    const v = m[2]!;
    out[m[1]!] = v.startsWith("'") ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v;
  }
  return { host: out.host, port: out.port ? Number(out.port) : undefined, user: out.user, password: out.password, database: out.dbname };
}

function openPg(s: ConnectionSettings): DbConnection {
  const filled = fillUrl(s.connectionUrl, s.username, s.password);
  const base: pg.PoolConfig = /^postgres(ql)?:\/\//i.test(filled) ? { connectionString: filled } : keyValueConfig(filled);
  const max = s.maxOpenConnections > 0 ? s.maxOpenConnections : 4;
  const pool = new pg.Pool({
    ...base,
    max,
    idleTimeoutMillis: s.maxIdleConnections < 0 ? 1 : 30_000,
    maxLifetimeSeconds: s.maxConnectionLifetime > 0 ? s.maxConnectionLifetime : 0,
    connectionTimeoutMillis: 10_000,
    query_timeout: 30_000,
  });
  // An idle client whose server went away emits here; the next checkout reconnects.
  pool.on('error', () => undefined);
  return {
    async verify() {
      await pool.query('SELECT 1');
    },
    async transaction(statements) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        try {
          for (const q of statements) await c.query(q);
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK').catch(() => undefined);
          throw e;
        }
      } finally {
        c.release();
      }
    },
    async query(sql, params = []) {
      const r = await pool.query(sql, params as unknown[]);
      return r.rows as Record<string, unknown>[];
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

function statements(list: readonly string[], vars: { name: string; password?: string; expiration?: string }): string[] {
  return splitStatements(list, true).map((q) => substitute(q, { name: vars.name, username: vars.name, password: vars.password, expiration: vars.expiration }));
}

async function defaultRevoke(conn: DbConnection, username: string): Promise<void> {
  const exists = await conn.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username]);
  if (exists.length === 0) return;
  const u = ident(username);
  const schemas = await conn.query(
    'SELECT DISTINCT table_schema FROM information_schema.role_column_grants WHERE grantee = $1 AND table_schema IS NOT NULL ' +
      'UNION SELECT DISTINCT table_schema FROM information_schema.role_table_grants WHERE grantee = $1 AND table_schema IS NOT NULL',
    [username],
  );
  const revokes: string[] = [];
  for (const row of schemas) {
    const schema = ident(String(row.table_schema));
    revokes.push(`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${schema} FROM ${u}`, `REVOKE USAGE ON SCHEMA ${schema} FROM ${u}`);
  }
  revokes.push(`REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM ${u}`, `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM ${u}`, `REVOKE USAGE ON SCHEMA public FROM ${u}`);
  const db = await conn.query('SELECT current_database() AS db');
  revokes.push(`REVOKE CONNECT ON DATABASE ${ident(String(db[0]?.db ?? ''))} FROM ${u}`);
  // Not one transaction: remove as much access as possible even if one step fails (as Vault does).
  for (const q of revokes) await conn.query(q);
  for (const q of [`REASSIGN OWNED BY ${u} TO CURRENT_USER`, `DROP OWNED BY ${u}`]) await conn.query(q).catch(() => undefined);
  await conn.query(`DROP ROLE IF EXISTS ${u}`);
}

export const POSTGRESQL_PLUGIN: DatabasePlugin = {
  name: 'postgresql-database-plugin',
  defaultUsernameTemplate: TEMPLATE,
  open: openPg,
  redactUrl: redactPgUrl,
  async newUser(conn, u: NewUser) {
    if (u.creation.length === 0) throw new Error('empty creation statements');
    const vars = { name: u.username, password: u.password, expiration: expirationString(u.expiration) };
    try {
      await conn.transaction(statements(u.creation, vars));
    } catch (e) {
      // The transaction rolled back; rollback statements undo anything outside it.
      if (u.rollback.length > 0) await conn.transaction(statements(u.rollback, vars)).catch(() => undefined);
      throw e;
    }
  },
  async renewUser(conn, u) {
    const list = u.statements.length > 0 ? u.statements : DEFAULT_RENEW;
    await conn.transaction(statements(list, { name: u.username, expiration: expirationString(u.expiration) }));
  },
  async revokeUser(conn, u) {
    if (u.statements.length > 0) return conn.transaction(statements(u.statements, { name: u.username }));
    await defaultRevoke(conn, u.username);
  },
  async setPassword(conn, u) {
    const list = u.statements.length > 0 ? u.statements : DEFAULT_ROTATE;
    await conn.transaction(statements(list, { name: u.username, password: u.password }));
  },
};
