// PostgreSQL backend against a real server (COFFER_TEST_PG_URL, default the local test database):
// conformance suite on a fresh table per storage (all dropped after), Vault's table layout,
// table-name validation, password-free connection errors, and the SIGKILL durability test.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runConformance } from './conformance.js';
import { assertAcknowledgedWritesSurviveKill } from './durability.js';
import { openPostgresStorage } from '../../../src/server/storage/postgresql.js';
import { createStorage } from '../../../src/server/storage/factory.js';
import { PG_URL, connectTestPostgres } from '../../support/postgres.js';

const url = PG_URL;
const run = `coffer_test_${process.pid}_${randomBytes(3).toString('hex')}`;
const tables: string[] = [];
let counter = 0;

function freshTable(): string {
  const table = `${run}_${++counter}`;
  tables.push(table);
  return table;
}

const admin = new pg.Client({ connectionString: url });
before(() => connectTestPostgres(admin));
after(async () => {
  for (const table of tables) await admin.query(`DROP TABLE IF EXISTS "${table}"`);
  await admin.end();
});

runConformance('postgresql', () => openPostgresStorage({ connectionUrl: url, table: freshTable() }));

describe('postgresql storage', () => {
  it("creates Vault's table layout with C collation and its indexes", async () => {
    const table = freshTable();
    const s = await openPostgresStorage({ connectionUrl: url, table });
    try {
      await s.put('a/b/c', Buffer.from('v'));
      const columns = await admin.query<{ column_name: string; data_type: string; collation_name: string | null }>(
        `SELECT column_name, data_type, collation_name FROM information_schema.columns
          WHERE table_name = $1 ORDER BY ordinal_position`,
        [table],
      );
      assert.deepEqual(columns.rows, [
        { column_name: 'parent_path', data_type: 'text', collation_name: 'C' },
        { column_name: 'path', data_type: 'text', collation_name: 'C' },
        { column_name: 'key', data_type: 'text', collation_name: 'C' },
        { column_name: 'value', data_type: 'bytea', collation_name: null },
      ]);
      const indexes = await admin.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE tablename = $1', [table]);
      const defs = indexes.rows.map((row) => row.indexdef).join('\n');
      assert.match(defs, /UNIQUE INDEX .* \(path, key\)/);
      assert.match(defs, /INDEX .* \(parent_path\)/);
      const rows = await admin.query(`SELECT parent_path, path, key, value FROM "${table}"`);
      assert.deepEqual(rows.rows, [{ parent_path: '/a/', path: '/a/b/', key: 'c', value: Buffer.from('v') }]);
    } finally {
      await s.close();
    }
  });

  it('uses a table created by hand as in the Vault docs', async () => {
    const table = freshTable();
    await admin.query(`CREATE TABLE "${table}" (
      parent_path TEXT COLLATE "C" NOT NULL, path TEXT COLLATE "C", key TEXT COLLATE "C", value BYTEA,
      CONSTRAINT "${table}_pk" PRIMARY KEY (path, key))`);
    await admin.query(`INSERT INTO "${table}" VALUES ('/', '/x/', 'y', 'vault'::bytea)`);
    const s = await openPostgresStorage({ connectionUrl: url, table });
    try {
      assert.equal((await s.get('x/y'))?.toString(), 'vault');
      assert.deepEqual(await s.list(''), ['x/']);
    } finally {
      await s.close();
    }
  });

  it('refuses an existing table whose text columns are not COLLATE "C"', async () => {
    const table = freshTable();
    await admin.query(`CREATE TABLE "${table}" (parent_path TEXT NOT NULL, path TEXT, key TEXT, value BYTEA,
      PRIMARY KEY (path, key))`);
    await assert.rejects(openPostgresStorage({ connectionUrl: url, table }), /must use COLLATE "C"/);
  });

  it('refuses table names that are not plain identifiers', async () => {
    for (const table of ['x; DROP TABLE y', 'a"b', 'a b', '1abc', 'a.b.c', '', 'x'.repeat(64), 'tab--le']) {
      await assert.rejects(openPostgresStorage({ connectionUrl: url, table }), /invalid table/, table);
    }
  });

  it('accepts a schema-qualified table name', async () => {
    const table = freshTable();
    const s = await openPostgresStorage({ connectionUrl: url, table: `public.${table}` });
    await s.put('q', Buffer.from('1'));
    await s.close();
    const rows = await admin.query(`SELECT key FROM public."${table}"`);
    assert.equal(rows.rowCount, 1);
  });

  it('connection errors name host:port and never the password', async () => {
    const password = 'Sup3r-S3cret_pw!';
    const badUrl = `postgres://coffer:${encodeURIComponent(password)}@127.0.0.1:1/vault`;
    await assert.rejects(openPostgresStorage({ connectionUrl: badUrl, connectTimeoutMs: 2000 }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /127\.0\.0\.1:1\/vault/);
      assert.match(err.message, /ECONNREFUSED/);
      assert.ok(!err.message.includes(password) && !err.message.includes(encodeURIComponent(password)), err.message);
      return true;
    });
    await assert.rejects(
      openPostgresStorage({ connectionUrl: 'not a url with s3cret' }),
      (err: unknown) => err instanceof Error && !err.message.includes('s3cret') && /valid URL/.test(err.message),
    );
    await assert.rejects(openPostgresStorage({ connectionUrl: 'mysql://u:p@h/db' }), /must start with postgres:\/\//);
  });

  it('a wrong database name is reported with host:port/database', async () => {
    const wrong = new URL(url);
    wrong.pathname = '/coffer_no_such_database';
    wrong.password = 'hunter2pw';
    await assert.rejects(openPostgresStorage({ connectionUrl: wrong.toString() }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.ok(err.message.includes(`${wrong.hostname}:${wrong.port || '5432'}/coffer_no_such_database`), err.message);
      assert.ok(!err.message.includes('hunter2pw'), err.message);
      return true;
    });
  });

  it("takes the connection URL from VAULT_PG_CONNECTION_URL, as Vault does, and it wins over connection_url", async () => {
    const table = freshTable();
    const fromEnv = await createStorage('postgresql', { table }, { VAULT_PG_CONNECTION_URL: url });
    try {
      await fromEnv.put('k', Buffer.from('from env'));
    } finally {
      await fromEnv.close();
    }
    // the stanza's URL points nowhere: only the environment's can have reached the database
    const both = await createStorage('postgresql', { table, connection_url: 'postgres://nobody@127.0.0.1:1/none' }, { VAULT_PG_CONNECTION_URL: url });
    try {
      assert.equal((await both.get('k'))?.toString(), 'from env');
    } finally {
      await both.close();
    }
    await assert.rejects(createStorage('postgresql', { table }, {}), /missing required setting connection_url \(or set the environment variable VAULT_PG_CONNECTION_URL\)/);
  });

  it('max_parallel bounds the pool; 200 concurrent puts still complete with 2 connections', async () => {
    const s = await createStorage('postgresql', { connection_url: url, table: freshTable(), max_parallel: '2' });
    try {
      await Promise.all(Array.from({ length: 200 }, (_, i) => s.put(`p/${i}`, Buffer.from([i % 256]))));
      assert.equal((await s.list('p/')).length, 200);
    } finally {
      await s.close();
    }
  });

  it('every acknowledged put survives SIGKILL of the writer', async () => {
    await assertAcknowledgedWritesSurviveKill('postgresql', { connection_url: url, table: freshTable() });
  });
});
