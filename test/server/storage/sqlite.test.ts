// SQLite backend: conformance suite on temp files, file creation and modes, open errors,
// persistence across reopen, and durability of acknowledged writes across SIGKILL.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { runConformance } from './conformance.js';
import { assertAcknowledgedWritesSurviveKill } from './durability.js';
import { openSqliteStorage } from '../../../src/server/storage/sqlite.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-sqlite-test-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

let counter = 0;
const freshFile = (): string => path.join(tmp, `db-${++counter}`, 'coffer.db');

runConformance('sqlite', () => openSqliteStorage({ path: freshFile() }));

describe('sqlite storage', () => {
  it('creates missing directories 0700 and the file 0600, in WAL mode', async () => {
    const file = path.join(tmp, 'made', 'deeper', 'store.db');
    const s = await openSqliteStorage({ path: file });
    await s.put('k', Buffer.from('v'));
    await s.close();
    assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
    assert.equal(fs.statSync(path.join(tmp, 'made')).mode & 0o777, 0o700);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    const db = new Database(file, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('user_version', { simple: true }), 1);
      const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('kv_store');
      assert.deepEqual(columns, ['parent_path', 'path', 'key', 'value']);
      const row = db.prepare('SELECT parent_path, path, key FROM kv_store').get();
      assert.deepEqual(row, { parent_path: '', path: '/', key: 'k' });
    } finally {
      db.close();
    }
  });

  it('keeps data across close and reopen', async () => {
    const file = freshFile();
    const first = await openSqliteStorage({ path: file });
    await first.put('persist/me', Buffer.from([0, 1, 2]));
    await first.close();
    const second = await openSqliteStorage({ path: file });
    try {
      assert.deepEqual(await second.get('persist/me'), Buffer.from([0, 1, 2]));
      assert.deepEqual(await second.list(''), ['persist/']);
    } finally {
      await second.close();
    }
  });

  it('fails clearly, naming the path, when the file cannot be opened', async () => {
    const dir = path.join(tmp, 'is-a-directory');
    fs.mkdirSync(dir);
    await assert.rejects(openSqliteStorage({ path: dir }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /^sqlite storage: cannot open database file /);
      assert.ok(err.message.includes(dir), err.message);
      return true;
    });

    const notDb = path.join(tmp, 'not-a-db');
    fs.writeFileSync(notDb, 'this is not a sqlite database, just some text padding it out '.repeat(20));
    await assert.rejects(openSqliteStorage({ path: notDb }), (err: unknown) => {
      assert.ok(err instanceof Error && err.message.includes(notDb), String(err));
      return true;
    });

    const fileAsParent = path.join(notDb, 'child.db');
    await assert.rejects(openSqliteStorage({ path: fileAsParent }), (err: unknown) => {
      assert.ok(err instanceof Error && err.message.includes(fileAsParent), String(err));
      return true;
    });
  });

  it('refuses a file written by a newer schema version', async () => {
    const file = freshFile();
    await (await openSqliteStorage({ path: file })).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    await assert.rejects(openSqliteStorage({ path: file }), /schema version 99 is newer/);
  });

  it('every acknowledged put survives SIGKILL of the writer', async () => {
    await assertAcknowledgedWritesSurviveKill('sqlite', { path: freshFile() });
  });
});
