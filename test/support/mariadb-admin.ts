// The local MariaDB (127.0.0.1:3306, root without a password) for the agent's database tests and
// the demo: a dedicated admin user with a random password per run (root's own password is never
// touched), a unique tag for the names a run creates, logging in as a generated user, and the
// clean-up that drops the admin and every user carrying the tag.

import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

export const MARIADB_HOST = process.env.COFFER_TEST_MYSQL_HOST || '127.0.0.1';
export const MARIADB_PORT = Number(process.env.COFFER_TEST_MYSQL_PORT || 3306);

export interface MariadbAdmin {
  user: string;
  password: string;
  /** Lower-case letters and digits, unique to this run: put it in every user name the run creates. */
  tag: string;
  /** Coffer's connection_url for this server (the admin's name and password are filled in from username/password). */
  connectionUrl: string;
  /** Drops the admin and every user whose name contains the tag; returns the users dropped. */
  cleanup(): Promise<string[]>;
}

async function root(): Promise<mysql.Connection> {
  try {
    return await mysql.createConnection({ host: MARIADB_HOST, port: MARIADB_PORT, user: 'root' });
  } catch (e) {
    throw new Error(`this needs MariaDB/MySQL on ${MARIADB_HOST}:${MARIADB_PORT} with user root and no password (${e instanceof Error ? e.message : String(e)})`);
  }
}

export async function createMariadbAdmin(): Promise<MariadbAdmin> {
  const tag = randomBytes(6).toString('hex').slice(0, 8).replace(/^\d/, 't');
  const user = `coffer_agt_${tag}`;
  const password = `P${randomBytes(12).toString('hex')}-x`;
  const c = await root();
  try {
    await c.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
    await c.query(`GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION`, [user, '%']);
  } finally {
    await c.end();
  }
  return {
    user,
    password,
    tag,
    connectionUrl: `{{username}}:{{password}}@tcp(${MARIADB_HOST}:${MARIADB_PORT})/`,
    async cleanup() {
      const r = await root();
      const dropped: string[] = [];
      try {
        const [rows] = await r.query('SELECT User, Host FROM mysql.user');
        for (const row of rows as { User: string; Host: string }[]) {
          if (row.User === user || row.User.includes(tag)) {
            await r.query('DROP USER ?@?', [row.User, row.Host]);
            dropped.push(row.User);
          }
        }
      } finally {
        await r.end();
      }
      return dropped;
    },
  };
}

/** Logs in as user/password and returns SELECT CURRENT_USER(), or null when access is denied. */
export async function mariadbCurrentUser(user: string, password: string): Promise<string | null> {
  let c: mysql.Connection;
  try {
    c = await mysql.createConnection({ host: MARIADB_HOST, port: MARIADB_PORT, user, password });
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'code' in e && e.code === 'ER_ACCESS_DENIED_ERROR') return null;
    throw e;
  }
  try {
    const [rows] = await c.query('SELECT CURRENT_USER() AS u');
    return String((rows as { u: string }[])[0]?.u ?? '');
  } finally {
    await c.end();
  }
}

export async function mariadbUserExists(user: string): Promise<boolean> {
  const c = await root();
  try {
    const [rows] = await c.query('SELECT 1 FROM mysql.user WHERE User = ?', [user]);
    return (rows as unknown[]).length > 0;
  } finally {
    await c.end();
  }
}
