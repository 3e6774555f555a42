// The local MariaDB for the agent's database tests and `npm run demo`, on top of databases.ts (the
// engine's helpers: a dedicated admin user with a random password per run, root's own password
// never touched): a tag unique to the run to put in every user name it makes (so the clean-up finds
// them all), Coffer's connection_url, and logging in as a generated user to ask CURRENT_USER().

import mysql from 'mysql2/promise';
import { createMysqlAdmin, MYSQL_HOST, MYSQL_PORT, mysqlUserExists, tag as randomTag } from './databases.js';

export const MARIADB_HOST = MYSQL_HOST;
export const MARIADB_PORT = MYSQL_PORT;

export interface MariadbAdmin {
  user: string;
  password: string;
  /** Lower-case letters and digits, unique to this run: put it in every user name the run creates. */
  tag: string;
  /** Coffer's connection_url for this server (the admin's name and password come from username/password). */
  connectionUrl: string;
  /** Drops the admin and every user whose name contains the tag. */
  cleanup(): Promise<void>;
}

export async function createMariadbAdmin(): Promise<MariadbAdmin> {
  const admin = await createMysqlAdmin();
  const tag = `t${randomTag(7)}`;
  return {
    user: admin.user,
    password: admin.password,
    tag,
    connectionUrl: `{{username}}:{{password}}@tcp(${MARIADB_HOST}:${MARIADB_PORT})/`,
    cleanup: () => admin.cleanup([tag]),
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

export const mariadbUserExists = mysqlUserExists;
