// PostgreSQL backend (pg Pool), like Vault's `storage "postgresql"`: same table layout
// (parent_path, path, key, value bytea; primary key (path, key); index on parent_path), which
// we create if missing (Vault asks users to). Writes commit before the promise resolves.
// Queries are named, so each pooled connection prepares them once and reuses the plan.
//
// list(prefix) does not use Vault's `parent_path LIKE prefix || '%'` (a scan of every
// descendant, and '%'/'_' in keys would act as wildcards): leaves come from `path = $1`, child
// folders from a recursive loose index scan on `path`, one index seek per child folder.

import pg from 'pg';
import type { PhysicalStorage } from './types.js';
import {
  assertOpen,
  compareKeys,
  folderUpperBound,
  prefixToPath,
  splitKey,
  validateKey,
  validatePrefix,
  validateValue,
} from './keys.js';
import { describeConnectionUrl, parseTableName, redactPassword } from './postgresql_config.js';

export const DEFAULT_TABLE = 'vault_kv_store';
/** Vault's default is 128, which exceeds PostgreSQL's default max_connections (100). */
export const DEFAULT_MAX_PARALLEL = 16;

export interface PostgresOptions {
  connectionUrl: string;
  /** Table name, optionally schema-qualified. Default vault_kv_store. */
  table?: string;
  /** Most connections the pool opens. */
  maxParallel?: number;
  /** How long to wait for a connection, in ms. Default 10000. */
  connectTimeoutMs?: number;
}

interface Queries {
  get: string;
  put: string;
  delete: string;
  list: string;
}

function queriesFor(table: string): Queries {
  return {
    get: `SELECT value FROM ${table} WHERE path = $1 AND key = $2`,
    put:
      `INSERT INTO ${table} (parent_path, path, key, value) VALUES ($1, $2, $3, $4) ` +
      'ON CONFLICT (path, key) DO UPDATE SET value = EXCLUDED.value',
    delete: `DELETE FROM ${table} WHERE path = $1 AND key = $2`,
    // $1: the prefix as a path ('/a/'); $2: the bound above every path under it ('/a0').
    list: `
      WITH RECURSIVE folders(dir) AS (
        (SELECT path FROM ${table} WHERE path > $1::text AND path < $2::text ORDER BY path LIMIT 1)
        UNION ALL
        SELECT (SELECT t.path FROM ${table} t
                WHERE t.path >= $1::text || split_part(substr(f.dir, char_length($1::text) + 1), '/', 1) || '0'
                  AND t.path < $2::text
                ORDER BY t.path LIMIT 1)
        FROM folders f WHERE f.dir IS NOT NULL
      )
      SELECT split_part(substr(dir, char_length($1::text) + 1), '/', 1) || '/' AS name
        FROM folders WHERE dir IS NOT NULL
      UNION ALL
      SELECT key AS name FROM ${table} WHERE path = $1::text`,
  };
}

/** A name derived from the table's, quoted and cut to PostgreSQL's 63-byte identifier limit. */
function derivedName(bare: string, suffix: string): string {
  return `"${bare.slice(0, 63 - suffix.length)}${suffix}"`;
}

function schemaSql(table: string, bare: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      parent_path TEXT COLLATE "C" NOT NULL,
      path        TEXT COLLATE "C",
      key         TEXT COLLATE "C",
      value       BYTEA,
      CONSTRAINT ${derivedName(bare, '_pkey')} PRIMARY KEY (path, key)
    )`,
    `CREATE INDEX IF NOT EXISTS ${derivedName(bare, '_parent_path_idx')} ON ${table} (parent_path)`,
  ];
}

/** The driver's reason, also for AggregateError (a host resolving to several addresses). */
function reasonOf(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) {
    return [...new Set(err.errors.map(reasonOf))].join('; ');
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return err.message || (typeof code === 'string' ? code : err.name);
  }
  return String(err);
}

/** Creates the table once (serialized across nodes by an advisory lock) and checks its collation. */
async function ensureTable(client: pg.PoolClient, quoted: string, bare: string): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`coffer:${quoted}`]);
    const exists = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::text AS oid', [quoted]);
    if (exists.rows[0]?.oid == null) {
      for (const sql of schemaSql(quoted, bare)) await client.query(sql);
    }
    const columns = await client.query<{ attname: string; collname: string | null }>(
      `SELECT a.attname, c.collname FROM pg_attribute a LEFT JOIN pg_collation c ON c.oid = a.attcollation
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped`,
      [quoted],
    );
    await client.query('COMMIT');
    const found = new Map(columns.rows.map((row) => [row.attname, row.collname]));
    for (const column of ['parent_path', 'path', 'key', 'value']) {
      if (!found.has(column)) {
        throw new Error(`table ${quoted} has no column ${column}; it does not have Vault's vault_kv_store layout`);
      }
    }
    for (const column of ['parent_path', 'path', 'key']) {
      const collation = found.get(column);
      if (collation !== 'C' && collation !== 'POSIX') {
        throw new Error(
          `column ${quoted}.${column} must use COLLATE "C" (it uses ${collation ?? 'none'}); ` +
            'recreate the table as in the Vault docs or let Coffer create it',
        );
      }
    }
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

export async function openPostgresStorage(options: PostgresOptions): Promise<PhysicalStorage> {
  const { connectionUrl } = options;
  const where = describeConnectionUrl(connectionUrl);
  const table = parseTableName(options.table ?? DEFAULT_TABLE);
  const maxParallel = options.maxParallel ?? DEFAULT_MAX_PARALLEL;
  if (!Number.isInteger(maxParallel) || maxParallel < 1) {
    throw new Error(`postgresql storage: max_parallel must be a positive integer, got ${maxParallel}`);
  }

  const pool = new pg.Pool({
    connectionString: connectionUrl,
    max: maxParallel,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  // An idle client that loses its connection is dropped by the pool; without a listener the
  // 'error' event would crash the process. The next query opens a fresh connection.
  pool.on('error', () => undefined);

  const fail = async (what: string, err: unknown, advice: string): Promise<never> => {
    await pool.end().catch(() => undefined);
    const reason = redactPassword(reasonOf(err), connectionUrl);
    throw new Error(`postgresql storage: ${what}: ${reason}. ${advice}`);
  };

  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return fail(`cannot connect to ${where}`, err, 'Check connection_url and that the server is reachable.');
  }
  try {
    await ensureTable(client, table.quoted, table.bare);
  } catch (err) {
    client.release();
    return fail(
      `cannot set up table ${table.quoted} on ${where}`,
      err,
      'Check the table and that the user may create and use it.',
    );
  }
  client.release();

  const q = queriesFor(table.quoted);
  let closed = false;
  return {
    async get(key) {
      assertOpen(closed, 'postgresql');
      validateKey(key);
      const { path, key: name } = splitKey(key);
      const result = await pool.query<{ value: Buffer | null }>({ name: 'coffer_get', text: q.get, values: [path, name] });
      const row = result.rows[0];
      if (row === undefined) return null;
      return row.value ?? Buffer.alloc(0);
    },

    async put(key, value) {
      assertOpen(closed, 'postgresql');
      validateKey(key);
      validateValue(value);
      const { parentPath, path, key: name } = splitKey(key);
      await pool.query({ name: 'coffer_put', text: q.put, values: [parentPath, path, name, value] });
    },

    async delete(key) {
      assertOpen(closed, 'postgresql');
      validateKey(key);
      const { path, key: name } = splitKey(key);
      await pool.query({ name: 'coffer_delete', text: q.delete, values: [path, name] });
    },

    async list(prefix) {
      assertOpen(closed, 'postgresql');
      validatePrefix(prefix);
      const path = prefixToPath(prefix);
      const result = await pool.query<{ name: string }>({
        name: 'coffer_list',
        text: q.list,
        values: [path, folderUpperBound(path)],
      });
      return result.rows.map((row) => row.name).sort(compareKeys);
    },

    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
