// Vault's mysql-database-plugin and its variants (-aurora, -rds: 32-character user names; -legacy:
// 16, for MySQL before 5.7), over a mysql2 pool. Defaults are Vault's: revocation
// `REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{name}}'@'%'; DROP USER '{{name}}'@'%'`, password change
// `ALTER USER '{{username}}'@'%' IDENTIFIED BY '{{password}}'`; MySQL has no user expiry, so renewal
// runs only renew_statements the role names. mysql2 pools have no connection lifetime:
// max_connection_lifetime bounds how long a connection may stay idle instead.

import mysql from 'mysql2/promise';
import type { ConnectionSettings, DatabasePlugin, DbConnection, NewUser } from './types.js';
import { parseMysqlDsn, redactMysqlDsn } from './mysql-dsn.js';
import { expirationString, splitStatements, substitute } from '../statements.js';

const TEMPLATE = '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}';
const LEGACY_TEMPLATE = '{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}';
const DEFAULT_REVOKE = ["REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{name}}'@'%'", "DROP USER '{{name}}'@'%'"];
const DEFAULT_ROTATE = ["ALTER USER '{{username}}'@'%' IDENTIFIED BY '{{password}}'"];
/** "no such grant" / "operation DROP USER failed": the user is already gone. */
const GONE = new Set([1141, 1269, 1396, 1147]);

function errno(e: unknown): number {
  return typeof e === 'object' && e !== null && 'errno' in e && typeof e.errno === 'number' ? e.errno : 0;
}

function openMysql(s: ConnectionSettings): DbConnection {
  const t = parseMysqlDsn(s.connectionUrl);
  const fill = (v: string): string => substitute(v, { username: s.username, password: s.password });
  const max = s.maxOpenConnections > 0 ? s.maxOpenConnections : 4;
  const pool = mysql.createPool({
    host: t.host,
    port: t.port,
    socketPath: t.socketPath,
    user: fill(t.user),
    password: t.password === null ? undefined : fill(t.password),
    database: t.database || undefined,
    connectionLimit: max,
    maxIdle: s.maxIdleConnections === 0 ? max : Math.max(0, s.maxIdleConnections),
    idleTimeout: s.maxConnectionLifetime > 0 ? s.maxConnectionLifetime * 1000 : 60_000,
    connectTimeout: 10_000,
    multipleStatements: false,
  });
  return {
    async verify() {
      const c = await pool.getConnection();
      try {
        await c.ping();
      } finally {
        c.release();
      }
    },
    async transaction(statements) {
      const c = await pool.getConnection();
      try {
        await c.beginTransaction();
        try {
          for (const q of statements) await c.query({ sql: q, timeout: 30_000 });
          await c.commit();
        } catch (e) {
          await c.rollback().catch(() => undefined);
          throw e;
        }
      } finally {
        c.release();
      }
    },
    async query(sql, params = []) {
      const [rows] = await pool.query({ sql, timeout: 30_000 }, params as unknown[]);
      return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

function statements(list: readonly string[], vars: { name: string; password?: string; expiration?: string }): string[] {
  return splitStatements(list).map((q) => substitute(q, { name: vars.name, username: vars.name, password: vars.password, expiration: vars.expiration }));
}

function mysqlPlugin(name: string, template: string): DatabasePlugin {
  return {
    name,
    defaultUsernameTemplate: template,
    open: openMysql,
    redactUrl: redactMysqlDsn,
    async newUser(conn, u: NewUser) {
      if (u.creation.length === 0) throw new Error('empty creation statements');
      const vars = { name: u.username, password: u.password, expiration: expirationString(u.expiration) };
      try {
        await conn.transaction(statements(u.creation, vars));
      } catch (e) {
        // MySQL commits DDL implicitly: undo what may have been created before reporting the failure.
        if (u.rollback.length > 0) await conn.transaction(statements(u.rollback, vars)).catch(() => undefined);
        else await this.revokeUser(conn, { username: u.username, statements: [] }).catch(() => undefined);
        throw e;
      }
    },
    async renewUser(conn, u) {
      if (u.statements.length === 0) return;
      await conn.transaction(statements(u.statements, { name: u.username, expiration: expirationString(u.expiration) }));
    },
    async revokeUser(conn, u) {
      if (u.statements.length > 0) return conn.transaction(statements(u.statements, { name: u.username }));
      // The default statements, one by one: a user already gone (a retried revocation) is not an error.
      for (const q of statements(DEFAULT_REVOKE, { name: u.username })) {
        try {
          await conn.query(q);
        } catch (e) {
          if (!GONE.has(errno(e))) throw e;
        }
      }
    },
    async setPassword(conn, u) {
      const list = u.statements.length > 0 ? u.statements : DEFAULT_ROTATE;
      await conn.transaction(statements(list, { name: u.username, password: u.password }));
    },
  };
}

export const MYSQL_PLUGINS: DatabasePlugin[] = [
  mysqlPlugin('mysql-database-plugin', TEMPLATE),
  mysqlPlugin('mysql-aurora-database-plugin', TEMPLATE),
  mysqlPlugin('mysql-rds-database-plugin', TEMPLATE),
  mysqlPlugin('mysql-legacy-database-plugin', LEGACY_TEMPLATE),
];
