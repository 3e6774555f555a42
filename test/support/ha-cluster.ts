// A Coffer HA cluster for tests: N real `coffer server` processes on loopback sharing one
// PostgreSQL data table and ha_table unique to the test (dropped by destroy()). The first node
// initializes; every node is unsealed with the keys. Nodes can be killed and started again as fresh
// processes on the same port; a node may reach PostgreSQL through a TCP proxy (support/tcp-proxy.ts).

import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from './http.js';
import { PG_URL, testPgClient } from './postgres.js';
import { freePort, startWithConfig, tempDir, type ServerProcess } from './server.js';

export interface HaNode {
  index: number;
  addr: string;
  port: number;
  configPath: string;
  proc: ServerProcess | null;
}

export interface HaCluster {
  nodes: HaNode[];
  keys: string[];
  rootToken: string;
  table: string;
  haTable: string;
  /** Starts node i again as a fresh process (same port and config) and unseals it. */
  restart(i: number): Promise<void>;
  /** Index of the node whose sys/leader says is_self, waiting up to ms for one. */
  waitForActive(ms?: number, exclude?: number): Promise<number>;
  /** Stops every node (SIGKILL) and drops the tables. */
  destroy(): Promise<void>;
}

export async function waitUntil<T>(what: string, ms: number, check: () => Promise<T | null | undefined | false>): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown = null;
  while (Date.now() < until) {
    try {
      const v = await check();
      if (v !== null && v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}

export async function isActive(addr: string): Promise<boolean> {
  const r = await api(addr, 'GET', 'sys/leader');
  return r.status === 200 && r.body?.is_self === true;
}

/** pgUrlFor(i): the connection URL node i uses (default: the test database directly). */
export async function startHaCluster(size: number, opts: { pgUrlFor?: (i: number) => string; logLevel?: string } = {}): Promise<HaCluster> {
  const suffix = randomBytes(4).toString('hex');
  const table = `coffer_ha_test_${suffix}`;
  const haTable = `coffer_ha_locks_${suffix}`;
  const dir = tempDir('coffer-ha-');
  const nodes: HaNode[] = [];
  for (let i = 0; i < size; i++) {
    const port = await freePort();
    const configPath = join(dir, `node${i}.hcl`);
    const url = opts.pgUrlFor?.(i) ?? PG_URL;
    writeFileSync(
      configPath,
      [
        `storage "postgresql" {`,
        `  connection_url = "${url}"`,
        `  table = "${table}"`,
        `  ha_enabled = "true"`,
        `  ha_table = "${haTable}"`,
        `}`,
        `listener "tcp" {`,
        `  address = "127.0.0.1:${port}"`,
        `  tls_disable = true`,
        `}`,
        `api_addr = "http://127.0.0.1:${port}"`,
        `cluster_addr = "https://127.0.0.1:${port + 1}"`,
        `log_level = "${opts.logLevel ?? 'warn'}"`,
        '',
      ].join('\n'),
    );
    nodes.push({ index: i, addr: `http://127.0.0.1:${port}`, port, configPath, proc: null });
  }
  const cluster: HaCluster = {
    nodes,
    keys: [],
    rootToken: '',
    table,
    haTable,
    async restart(i) {
      const n = nodes[i]!;
      // A loaded machine may take many seconds to start a process: wait long, never assert speed.
      n.proc = await startWithConfig(n.configPath, n.port, 'http', undefined, { waitMs: 120_000 });
      for (const k of cluster.keys) {
        const r = await api(n.addr, 'PUT', 'sys/unseal', { body: { key: k } });
        if (r.status !== 200) throw new Error(`unseal of node ${i} failed: ${r.status} ${r.text}\n${n.proc.output()}`);
      }
    },
    async waitForActive(ms = 30_000, exclude = -1) {
      return waitUntil('an active node', ms, async () => {
        for (const n of nodes) {
          if (n.index === exclude || !n.proc) continue;
          if (await isActive(n.addr).catch(() => false)) return n.index + 1;
        }
        return null;
      }).then((i) => i - 1);
    },
    async destroy() {
      for (const n of nodes) {
        if (n.proc) await n.proc.stop('SIGKILL');
        n.proc = null;
      }
      const client = await testPgClient();
      try {
        await client.query(`DROP TABLE IF EXISTS "${table}"`);
        await client.query(`DROP TABLE IF EXISTS "${haTable}"`);
      } finally {
        await client.end();
      }
    },
  };
  try {
    nodes[0]!.proc = await startWithConfig(nodes[0]!.configPath, nodes[0]!.port, 'http', undefined, { waitMs: 120_000 });
    const init = await api(nodes[0]!.addr, 'PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } });
    if (init.status !== 200) throw new Error(`init failed: ${init.status} ${init.text}`);
    cluster.keys = (init.body.keys as string[]).slice(0, 2);
    cluster.rootToken = init.body.root_token as string;
    for (const k of cluster.keys) await api(nodes[0]!.addr, 'PUT', 'sys/unseal', { body: { key: k } });
    await cluster.waitForActive();
    for (let i = 1; i < size; i++) await cluster.restart(i);
  } catch (e) {
    await cluster.destroy().catch(() => undefined);
    throw e;
  }
  return cluster;
}
