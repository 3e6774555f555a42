// The local MariaDB (127.0.0.1:3306, root without a password) and PostgreSQL (127.0.0.1:5432,
// postgres, trust) for the database engine's tests: a dedicated admin user with a random password per
// run (never the servers' own administrators), checks that a user exists or can log in, clean-up of
// everything a run created, and a TCP proxy a test can close and reopen to play "database down".

import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { connectTestPostgres, PG_URL } from './postgres.js';

export const MYSQL_HOST = process.env.COFFER_TEST_MYSQL_HOST || '127.0.0.1';
export const MYSQL_PORT = Number(process.env.COFFER_TEST_MYSQL_PORT || 3306);

/** A short random tag (letters and digits) to make names unique to this run. */
export const tag = (n = 6): string => randomBytes(8).toString('hex').slice(0, n);
export const randomPassword = (): string => `P${randomBytes(12).toString('hex')}-x`;

export async function mysqlRoot(): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user: 'root' });
  } catch (e) {
    throw new Error(`These tests need MariaDB/MySQL on ${MYSQL_HOST}:${MYSQL_PORT} with user root and no password (${e instanceof Error ? e.message : String(e)}); .ci/run starts one`);
  }
}

export interface MysqlAdmin {
  user: string;
  password: string;
  /** Drops the admin and every user whose name contains one of `markers`. */
  cleanup(markers: string[]): Promise<void>;
}

export async function createMysqlAdmin(): Promise<MysqlAdmin> {
  const user = `coffer_adm_${tag(8)}`;
  const password = randomPassword();
  const root = await mysqlRoot();
  try {
    await root.query(`CREATE USER '${user}'@'%' IDENTIFIED BY '${password}'`);
    await root.query(`GRANT ALL PRIVILEGES ON *.* TO '${user}'@'%' WITH GRANT OPTION`);
  } finally {
    await root.end();
  }
  return {
    user,
    password,
    async cleanup(markers) {
      const c = await mysqlRoot();
      try {
        const [rows] = await c.query('SELECT User, Host FROM mysql.user');
        for (const r of rows as { User: string; Host: string }[]) {
          if (r.User === user || markers.some((m) => m !== '' && r.User.includes(m))) await c.query('DROP USER ?@?', [r.User, r.Host]);
        }
      } finally {
        await c.end();
      }
    },
  };
}

export async function mysqlUserExists(user: string): Promise<boolean> {
  const c = await mysqlRoot();
  try {
    const [rows] = await c.query('SELECT 1 FROM mysql.user WHERE User = ?', [user]);
    return (rows as unknown[]).length > 0;
  } finally {
    await c.end();
  }
}

/** Logs in as user/password and runs SELECT 1: true, or false when access is denied. */
export async function mysqlCanLogin(user: string, password: string): Promise<boolean> {
  let c: mysql.Connection;
  try {
    c = await mysql.createConnection({ host: MYSQL_HOST, port: MYSQL_PORT, user, password });
  } catch (e) {
    // 1045, or 1698 (ER_ACCESS_DENIED_NO_PASSWORD_ERROR) when MariaDB finds no such user for the host
    if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ER_ACCESS_DENIED')) return false;
    throw e;
  }
  try {
    const [rows] = await c.query('SELECT 1 AS one');
    return (rows as { one: number }[])[0]?.one === 1;
  } finally {
    await c.end();
  }
}

export async function pgSuper(): Promise<pg.Client> {
  return connectTestPostgres(new pg.Client({ connectionString: PG_URL }));
}

export interface PgAdmin {
  user: string;
  password: string;
  database: string;
  cleanup(markers: string[]): Promise<void>;
}

/** A LOGIN CREATEROLE role that may create schemas in the test database. */
export async function createPgAdmin(): Promise<PgAdmin> {
  const user = `coffer_adm_${tag(8)}`;
  const password = randomPassword();
  const c = await pgSuper();
  let database = 'test';
  try {
    database = String((await c.query('SELECT current_database() AS db')).rows[0].db);
    await c.query(`CREATE ROLE "${user}" LOGIN CREATEROLE PASSWORD '${password}'`);
    await c.query(`GRANT CREATE, CONNECT ON DATABASE "${database}" TO "${user}" WITH GRANT OPTION`);
  } finally {
    await c.end();
  }
  return {
    user,
    password,
    database,
    async cleanup(markers) {
      const s = await pgSuper();
      try {
        const roles = (await s.query('SELECT rolname FROM pg_roles')).rows.map((r: { rolname: string }) => r.rolname);
        const mine = roles.filter((r) => markers.some((m) => m !== '' && r.includes(m)));
        for (const r of [...mine, user]) {
          await s.query(`DROP OWNED BY "${r}" CASCADE`).catch(() => undefined);
          await s.query(`REVOKE ALL ON DATABASE "${database}" FROM "${r}"`).catch(() => undefined);
          await s.query(`DROP ROLE IF EXISTS "${r}"`);
        }
      } finally {
        await s.end();
      }
    },
  };
}

export async function pgRole(name: string): Promise<{ rolvaliduntil: Date | null } | null> {
  const c = await pgSuper();
  try {
    const r = await c.query('SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1', [name]);
    return r.rows[0] ?? null;
  } finally {
    await c.end();
  }
}

/** A TCP proxy to a target port that can refuse connections (close) and accept them again (open). */
export interface TcpProxy {
  port: number;
  close(): Promise<void>;
  open(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = (): Promise<void> =>
    new Promise((res, rej) => {
      const s = createServer((client) => {
        const upstream = connect(targetPort, targetHost);
        sockets.add(client).add(upstream);
        const drop = (): void => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      s.once('error', rej);
      s.listen(port, '127.0.0.1', () => {
        const a = s.address();
        if (typeof a === 'object' && a) port = a.port;
        server = s;
        res();
      });
    });
  const close = async (): Promise<void> => {
    const s = server;
    server = null;
    for (const sock of sockets) sock.destroy();
    sockets.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    get port() {
      return port;
    },
    close,
    open: listen,
    stop: close,
  };
}

/** Polls check every 100 ms until it is true or ms pass; returns the time it took, or null on timeout. */
export async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  return (await check()) ? Date.now() - start : null;
}
