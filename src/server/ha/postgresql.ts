// The PostgreSQL HA backend: the lock row, heartbeats and fenced writes in one database, as
// ha/types.ts describes. The lock is a row of ha_table (Vault's vault_ha_locks, key 'core/lock')
// with an epoch counter that every new holder increments; expiry is judged by PostgreSQL's
// clock_timestamp(), never a node's clock. A data write runs as ONE statement that reads the lock
// row FOR SHARE with the writer's epoch (so a takeover waits for it, or it sees the new epoch and
// writes nothing), writes the row, and pg_notify's the key (delivered to listeners at commit).
// Heartbeats are rows 'coffer-node/<id>' of the same table. Invalidations arrive through LISTEN
// on a dedicated connection, which reconnects and then reports 'resync'.

import { createHash } from 'node:crypto';
import pg from 'pg';
import { openPostgresStorage, DEFAULT_TABLE, DEFAULT_MAX_PARALLEL } from '../storage/postgresql.js';
import { describeConnectionUrl, parseTableName, redactPassword } from '../storage/postgresql_config.js';
import { assertOpen, splitKey, validateKey, validateValue } from '../storage/keys.js';
import { FencedWriteError, type FencedStorage, type HaBackend, type HaEvent, type HaLeader, type HaNodeInfo, type HaNodeRecord } from './types.js';

/** Vault's default ha_table. */
export const DEFAULT_HA_TABLE = 'vault_ha_locks';
const LOCK_KEY = 'core/lock';
const NODE_PREFIX = 'coffer-node/';

export interface PostgresHaOptions {
  connectionUrl: string;
  /** Data table (storage "postgresql" table). */
  table?: string;
  haTable?: string;
  maxParallel?: number;
  /** Client-side timeout of lock queries (renew, acquire), ms: a hung connection must not hold the renew loop. */
  lockQueryTimeoutMs?: number;
  /** Client-side timeout of data queries, ms. */
  queryTimeoutMs?: number;
}

function channelFor(dataTable: string): string {
  return `coffer_${createHash('sha256').update(dataTable).digest('hex').slice(0, 24)}`;
}

function haSchema(quoted: string, bare: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${quoted} (
      ha_key      TEXT COLLATE "C" NOT NULL,
      ha_identity TEXT COLLATE "C" NOT NULL,
      ha_value    TEXT COLLATE "C",
      valid_until TIMESTAMP WITH TIME ZONE NOT NULL,
      CONSTRAINT "${bare.slice(0, 58)}_pkey" PRIMARY KEY (ha_key)
    )`,
    // A table made from Vault's documented layout gains Coffer's two columns.
    `ALTER TABLE ${quoted} ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 0`,
    `ALTER TABLE ${quoted} ADD COLUMN IF NOT EXISTS active_since TIMESTAMP WITH TIME ZONE`,
  ];
}

function parseNode(value: string | null): HaNodeInfo {
  try {
    const v = JSON.parse(value ?? '{}') as Partial<HaNodeInfo>;
    return { nodeId: String(v.nodeId ?? ''), apiAddr: String(v.apiAddr ?? ''), clusterAddr: String(v.clusterAddr ?? ''), version: String(v.version ?? '') };
  } catch {
    return { nodeId: '', apiAddr: '', clusterAddr: '', version: '' };
  }
}

export async function openPostgresHa(options: PostgresHaOptions): Promise<HaBackend> {
  const { connectionUrl } = options;
  const dataTable = parseTableName(options.table ?? DEFAULT_TABLE);
  const haTable = parseTableName(options.haTable ?? DEFAULT_HA_TABLE);
  const where = describeConnectionUrl(connectionUrl);
  const channel = channelFor(dataTable.quoted);
  // Reads and lists: the plain backend (it also creates the data table).
  const data = await openPostgresStorage({ connectionUrl, table: options.table, maxParallel: options.maxParallel });
  const writePool = new pg.Pool({ connectionString: connectionUrl, max: options.maxParallel ?? DEFAULT_MAX_PARALLEL, connectionTimeoutMillis: 10_000, query_timeout: options.queryTimeoutMs ?? 30_000 });
  const lockTimeout = options.lockQueryTimeoutMs ?? 1000;
  // The election has its own connections, so leader lookups and heartbeats never delay a renew or a takeover.
  const lockPool = new pg.Pool({ connectionString: connectionUrl, max: 2, connectionTimeoutMillis: lockTimeout, query_timeout: lockTimeout });
  const infoPool = new pg.Pool({ connectionString: connectionUrl, max: 2, connectionTimeoutMillis: lockTimeout, query_timeout: lockTimeout });
  writePool.on('error', () => undefined);
  lockPool.on('error', () => undefined);
  infoPool.on('error', () => undefined);

  try {
    const client = await writePool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`coffer:${haTable.quoted}`]);
      for (const sql of haSchema(haTable.quoted, haTable.bare)) await client.query(sql);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  } catch (err) {
    await Promise.all([data.close(), writePool.end(), lockPool.end(), infoPool.end()]).catch(() => undefined);
    const reason = redactPassword(err instanceof Error ? err.message : String(err), connectionUrl);
    throw new Error(`postgresql ha: cannot set up ha_table ${haTable.quoted} on ${where}: ${reason}. Check that the user may create and alter it.`);
  }

  const H = haTable.quoted;
  const T = dataTable.quoted;
  const fenceCte = `fence AS (SELECT 1 FROM ${H} WHERE ha_key = '${LOCK_KEY}' AND epoch = $5::bigint AND valid_until > clock_timestamp() FOR SHARE)`;
  const notifyAndCheck = `SELECT (SELECT count(*) FROM fence)::int AS ok, (SELECT count(*) FROM (SELECT pg_notify($6::text, $7::text) FROM fence) n)::int AS notified`;
  const putSql =
    `WITH ${fenceCte}, w AS (INSERT INTO ${T} (parent_path, path, key, value) SELECT $1::text, $2::text, $3::text, $4::bytea FROM fence ` +
    `ON CONFLICT (path, key) DO UPDATE SET value = EXCLUDED.value RETURNING 1) ${notifyAndCheck}`;
  const deleteSql =
    `WITH ${fenceCte}, w AS (DELETE FROM ${T} WHERE path = $2::text AND key = $3::text AND $1::text IS NOT NULL AND $4::bytea IS NULL ` +
    `AND EXISTS (SELECT 1 FROM fence) RETURNING 1) ${notifyAndCheck}`;

  let closed = false;
  let fence: string | null = null;
  let beats = 0;

  async function fencedWrite(name: string, sql: string, key: string, value: Buffer | null): Promise<void> {
    assertOpen(closed, 'postgresql');
    const epoch = fence;
    if (epoch === null) throw new FencedWriteError();
    const { parentPath, path, key: leaf } = splitKey(key);
    const result = await writePool.query<{ ok: number }>({ name, text: sql, values: [parentPath, path, leaf, value, epoch, channel, `k:${key}`] });
    if (result.rows[0]?.ok !== 1) {
      throw new FencedWriteError(`write refused: the HA lock is no longer held with epoch ${epoch} (another node is active)`);
    }
  }

  const storage: FencedStorage = {
    get: (key) => data.get(key),
    list: (prefix) => data.list(prefix),
    async put(key, value) {
      validateKey(key);
      validateValue(value);
      await fencedWrite('coffer_ha_put', putSql, key, value);
    },
    async delete(key) {
      validateKey(key);
      await fencedWrite('coffer_ha_delete', deleteSql, key, null);
    },
    setFence(epoch) {
      fence = epoch;
    },
    get fence() {
      return fence;
    },
    async close() {
      await backend.close();
    },
  };

  const subscriptions = new Set<() => Promise<void>>();

  const backend: HaBackend = {
    type: 'postgresql',
    storage,

    async tryAcquire(node, leaseMs) {
      const r = await lockPool.query<{ epoch: string }>(
        `INSERT INTO ${H} AS h (ha_key, ha_identity, ha_value, valid_until, epoch, active_since)
           VALUES ($1, $2, $3, clock_timestamp() + $4::int * interval '1 millisecond', 1, clock_timestamp())
         ON CONFLICT (ha_key) DO UPDATE SET ha_identity = EXCLUDED.ha_identity, ha_value = EXCLUDED.ha_value,
           valid_until = EXCLUDED.valid_until, epoch = h.epoch + 1, active_since = EXCLUDED.active_since
         WHERE h.valid_until <= clock_timestamp() OR h.ha_identity = EXCLUDED.ha_identity
         RETURNING epoch::text AS epoch`,
        [LOCK_KEY, node.nodeId, JSON.stringify(node), Math.round(leaseMs)],
      );
      return r.rows[0]?.epoch ?? null;
    },

    async renew(epoch, leaseMs) {
      const r = await lockPool.query(
        `UPDATE ${H} SET valid_until = clock_timestamp() + $3::int * interval '1 millisecond'
          WHERE ha_key = $1 AND epoch = $2::bigint AND valid_until > clock_timestamp()`,
        [LOCK_KEY, epoch, Math.round(leaseMs)],
      );
      return r.rowCount === 1;
    },

    async release(epoch) {
      await lockPool.query(
        `WITH u AS (UPDATE ${H} SET valid_until = '-infinity' WHERE ha_key = $1 AND epoch = $2::bigint RETURNING 1)
         SELECT pg_notify($3, 'l') FROM u`,
        [LOCK_KEY, epoch, channel],
      );
    },

    async leader() {
      const r = await infoPool.query<{ ha_value: string | null; epoch: string; active_since: Date | null }>(
        `SELECT ha_value, epoch::text AS epoch, active_since FROM ${H} WHERE ha_key = $1 AND valid_until > clock_timestamp()`,
        [LOCK_KEY],
      );
      const row = r.rows[0];
      if (!row) return null;
      const leader: HaLeader = { ...parseNode(row.ha_value), epoch: row.epoch, activeSince: (row.active_since ?? new Date(0)).toISOString() };
      return leader;
    },

    async heartbeat(node) {
      // Now and then, forget nodes not heard of for an hour (each restart is a new node id).
      if (++beats % 60 === 1) {
        await infoPool.query(`DELETE FROM ${H} WHERE ha_key >= $1 AND ha_key < $2 AND valid_until < clock_timestamp() - interval '1 hour'`, [NODE_PREFIX, NODE_PREFIX.slice(0, -1) + '0']);
      }
      await infoPool.query(
        `INSERT INTO ${H} (ha_key, ha_identity, ha_value, valid_until) VALUES ($1, $2, $3, clock_timestamp())
         ON CONFLICT (ha_key) DO UPDATE SET ha_value = EXCLUDED.ha_value, valid_until = EXCLUDED.valid_until`,
        [NODE_PREFIX + node.nodeId, node.nodeId, JSON.stringify(node)],
      );
    },

    async nodes(maxAgeMs) {
      const r = await infoPool.query<{ ha_value: string | null; valid_until: Date }>(
        `SELECT ha_value, valid_until FROM ${H}
          WHERE ha_key >= $1 AND ha_key < $2 AND valid_until > clock_timestamp() - $3::int * interval '1 millisecond'
          ORDER BY ha_key`,
        [NODE_PREFIX, NODE_PREFIX.slice(0, -1) + '0', Math.round(maxAgeMs)],
      );
      return r.rows.map((row): HaNodeRecord => ({ ...parseNode(row.ha_value), lastEcho: row.valid_until.toISOString() }));
    },

    async subscribe(onEvent: (event: HaEvent) => void) {
      let stopped = false;
      let client: pg.Client | null = null;
      let retry: NodeJS.Timeout | undefined;
      const connect = async (): Promise<void> => {
        if (stopped) return;
        const c = new pg.Client({ connectionString: connectionUrl, connectionTimeoutMillis: 5000, keepAlive: true });
        c.on('error', () => undefined);
        c.on('notification', (msg) => {
          const payload = msg.payload ?? '';
          if (payload.startsWith('k:')) onEvent({ kind: 'invalidate', key: payload.slice(2) });
          else if (payload === 'l') onEvent({ kind: 'leader-changed' });
        });
        let retried = false;
        const again = (): void => {
          if (client === c) client = null;
          if (stopped || retried) return;
          retried = true;
          retry = setTimeout(() => void connect(), 200);
        };
        c.on('end', again);
        try {
          await c.connect();
          await c.query(`LISTEN "${channel}"`);
          if (stopped) {
            await c.end().catch(() => undefined);
            return;
          }
          client = c;
          // Anything written before LISTEN took effect was not heard: the subscriber re-reads all.
          onEvent({ kind: 'resync' });
        } catch {
          await c.end().catch(() => undefined);
          again();
        }
      };
      await connect();
      const stop = async (): Promise<void> => {
        stopped = true;
        clearTimeout(retry);
        subscriptions.delete(stop);
        const c = client;
        client = null;
        await c?.end().catch(() => undefined);
      };
      subscriptions.add(stop);
      return stop;
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const stop of [...subscriptions]) await stop();
      await Promise.all([data.close(), writePool.end(), lockPool.end(), infoPool.end()]);
    },
  };
  return backend;
}
