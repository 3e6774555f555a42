// SQLite file backend (better-sqlite3), the production default: one file, WAL mode,
// synchronous=FULL so a put is on disk when its promise resolves.
//
// Layout follows Vault's PostgreSQL table (parent_path, path, key, value; primary key (path, key)).
// list(prefix) reads the direct leaves with `path = ?` and finds each child folder with one
// index seek (a loose index scan over `path`), so its cost grows with the number of children,
// never with the number of descendants. No LIKE is used, so '%' and '_' in keys are plain bytes.
// parent_path is kept for layout parity with Vault/our PostgreSQL table but is not indexed:
// equality on it cannot find a folder whose only contents are deeper (a/b/c/d under a/).

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { PhysicalStorage } from './types.js';
import {
  assertOpen,
  compareKeys,
  firstFolder,
  folderUpperBound,
  prefixToPath,
  splitKey,
  validateKey,
  validatePrefix,
  validateValue,
} from './keys.js';

export interface SqliteOptions {
  /** The database file; created (mode 0600, directory 0700) when missing. */
  path: string;
  /** How long a write waits for another connection's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv_store (
  parent_path TEXT NOT NULL,
  path        TEXT NOT NULL,
  key         TEXT NOT NULL,
  value       BLOB NOT NULL,
  PRIMARY KEY (path, key)
);`;

function prepareFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // Create the file ourselves so it gets 0600; SQLite gives -wal and -shm the same mode.
  fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600));
}

function openDatabase(file: string, busyTimeoutMs: number): Database.Database {
  prepareFile(file);
  const db = new Database(file, { fileMustExist: true, timeout: busyTimeoutMs });
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new Error(`could not switch to WAL journal mode (got ${String(mode)})`);
    }
    db.pragma('synchronous = FULL');
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version > SCHEMA_VERSION) {
      throw new Error(`schema version ${version} is newer than this Coffer supports (${SCHEMA_VERSION})`);
    }
    db.exec(SCHEMA);
    if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export async function openSqliteStorage(options: SqliteOptions): Promise<PhysicalStorage> {
  const file = path.resolve(options.path);
  let db: Database.Database;
  try {
    db = openDatabase(file, options.busyTimeoutMs ?? 5000);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `sqlite storage: cannot open database file ${file}: ${reason}. ` +
        'Check that the path is a writable file (not a directory) in a writable directory.',
      { cause: err },
    );
  }

  const getStmt = db.prepare<[string, string], Buffer>('SELECT value FROM kv_store WHERE path = ? AND key = ?').pluck();
  const putStmt = db.prepare<[string, string, string, Buffer]>(
    'INSERT INTO kv_store (parent_path, path, key, value) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (path, key) DO UPDATE SET value = excluded.value',
  );
  const deleteStmt = db.prepare<[string, string]>('DELETE FROM kv_store WHERE path = ? AND key = ?');
  const leavesStmt = db.prepare<[string], string>('SELECT key FROM kv_store WHERE path = ?').pluck();
  const firstFolderStmt = db
    .prepare<[string, string], string>('SELECT path FROM kv_store WHERE path > ? AND path < ? ORDER BY path LIMIT 1')
    .pluck();
  const nextFolderStmt = db
    .prepare<[string, string], string>('SELECT path FROM kv_store WHERE path >= ? AND path < ? ORDER BY path LIMIT 1')
    .pluck();

  const listChildren = db.transaction((prefixPath: string): string[] => {
    const names = leavesStmt.all(prefixPath);
    const upper = folderUpperBound(prefixPath);
    let dir = firstFolderStmt.get(prefixPath, upper);
    while (dir !== undefined) {
      const folder = firstFolder(dir.slice(prefixPath.length));
      names.push(folder);
      dir = nextFolderStmt.get(folderUpperBound(prefixPath + folder), upper);
    }
    return names.sort(compareKeys);
  });

  // Group commit: writes that arrive while the event loop is busy are committed together in one
  // transaction (one fsync), and each promise resolves only after the commit that holds it. With
  // better-sqlite3's synchronous API a commit blocks the loop, so one fsync per put would serialize
  // every writer behind every other writer's fsync.
  interface PendingWrite {
    run: () => void;
    resolve: () => void;
    reject: (err: unknown) => void;
  }
  let queue: PendingWrite[] = [];
  let scheduled = false;
  const commitAll = db.transaction((ops: PendingWrite[]) => {
    for (const op of ops) op.run();
  });
  const flush = (): void => {
    scheduled = false;
    const ops = queue;
    queue = [];
    if (ops.length === 0) return;
    try {
      commitAll(ops);
      for (const op of ops) op.resolve();
    } catch {
      // One bad write must not fail its neighbours: retry each in its own transaction.
      for (const op of ops) {
        try {
          op.run();
          op.resolve();
        } catch (err) {
          op.reject(err);
        }
      }
    }
  };
  const enqueue = (run: () => void): Promise<void> =>
    new Promise((resolve, reject) => {
      queue.push({ run, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });

  let closed = false;
  return {
    async get(key) {
      assertOpen(closed, 'sqlite');
      validateKey(key);
      const { path: dir, key: name } = splitKey(key);
      return getStmt.get(dir, name) ?? null;
    },

    async put(key, value) {
      assertOpen(closed, 'sqlite');
      validateKey(key);
      validateValue(value);
      const { parentPath, path: dir, key: name } = splitKey(key);
      const copy = Buffer.from(value);
      return enqueue(() => void putStmt.run(parentPath, dir, name, copy));
    },

    async delete(key) {
      assertOpen(closed, 'sqlite');
      validateKey(key);
      const { path: dir, key: name } = splitKey(key);
      return enqueue(() => void deleteStmt.run(dir, name));
    },

    async list(prefix) {
      assertOpen(closed, 'sqlite');
      validatePrefix(prefix);
      return listChildren(prefixToPath(prefix));
    },

    async close() {
      if (closed) return;
      closed = true;
      flush();
      db.close();
    },
  };
}
