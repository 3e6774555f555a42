// bench/ha: HA on PostgreSQL with real processes on loopback.
// 1. Failover: a 3-node cluster, the active node killed with SIGKILL N times (restarted each time as
//    a fresh process): the time from the kill until a client writing through a surviving node gets a
//    write acknowledged, and until a node reports itself active; p50, p95 and max.
// 2. Read throughput (KV v2 read, non-root token): the physical-limit reference (one PostgreSQL
//    point select + decrypt, bench/support/pg-reference-server.ts), one Coffer node, then all three
//    nodes serving reads at once (autocannon on each node in parallel, req/s summed).
// Usage: npm run build && node dist/bench/ha/run.js [kills=20] [seconds per read round=5]
// Needs PostgreSQL (COFFER_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/test).

import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { api } from '../../test/support/http.js';
import { startHaCluster, waitUntil, type HaCluster } from '../../test/support/ha-cluster.js';
import { PG_URL } from '../../test/support/postgres.js';
import { freePort } from '../support/free-port.js';
import { measure, type Measurement } from '../support/measure.js';

const kills = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 5);
const root = resolve(import.meta.dirname, '../../..');

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function failovers(c: HaCluster): Promise<{ write: number[]; active: number[] }> {
  const write: number[] = [];
  const active: number[] = [];
  for (let k = 0; k < kills; k++) {
    const a = await c.waitForActive();
    const other = c.nodes.find((n) => n.index !== a && n.proc)!;
    await new Promise((r) => setTimeout(r, 500));
    const t0 = performance.now();
    await c.nodes[a]!.proc!.stop('SIGKILL');
    c.nodes[a]!.proc = null;
    const activeSeen = c.waitForActive(60_000, a).then(() => performance.now() - t0);
    await waitUntil('a write acknowledged after the kill', 60_000, async () => {
      const r = await api(other.addr, 'POST', `kvb/data/probe-${k}`, { token: c.rootToken, body: { data: { k } } });
      return r.status === 200;
    });
    write.push(performance.now() - t0);
    active.push(await activeSeen);
    process.stdout.write(`kill ${k + 1}/${kills}: write acknowledged after ${write[k]!.toFixed(0)} ms, active reported after ${active[k]!.toFixed(0)} ms\n`);
    await c.restart(a);
  }
  return { write, active };
}

const row = (name: string, m: Measurement): string =>
  `${name.padEnd(40)} ${m.requestsPerSec.toFixed(0).padStart(8)} req/s   p50 ${String(m.p50Ms).padStart(4)} ms   p99 ${String(m.p99Ms).padStart(4)} ms   errors ${m.errors + m.non2xx}`;

async function main(): Promise<void> {
  const c = await startHaCluster(3, { logLevel: 'error' });
  const refPort = await freePort();
  const refTable = `coffer_bench_ref_${randomBytes(4).toString('hex')}`;
  const ref = spawn(process.execPath, [join(root, 'dist/bench/support/pg-reference-server.js'), String(refPort), PG_URL, refTable], { stdio: 'ignore' });
  try {
    const a = await c.waitForActive();
    const addr = c.nodes[a]!.addr;
    const call = async (method: string, path: string, body?: unknown, token = c.rootToken): Promise<{ status: number; body: { auth?: { client_token: string } } }> => {
      const r = await api(addr, method, path, { token, body });
      if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${r.text}`);
      return r;
    };
    await call('POST', 'sys/mounts/kvb', { type: 'kv', options: { version: '2' } });
    await call('PUT', 'kvb/data/myapp/config', { data: { username: 'app', password: 'correct horse battery staple' } });
    await call('PUT', 'sys/policies/acl/myapp', { policy: 'path "kvb/data/myapp/*" { capabilities = ["read"] }' });
    const token = (await call('POST', 'auth/token/create', { policies: ['myapp'], ttl: '24h' })).body.auth!.client_token;

    // Reads first (the cluster as started), then the failovers.
    await waitUntil('the reference server', 30_000, async () => (await fetch(`http://127.0.0.1:${refPort}/`)).status === 200);
    const readOn = (n: number, s = seconds): Promise<Measurement> =>
      measure({ url: `${c.nodes[n]!.addr}/v1/kvb/data/myapp/config`, method: 'GET', headers: { 'X-Vault-Token': token }, seconds: s, connections: 30 });
    await measure({ url: `http://127.0.0.1:${refPort}/`, method: 'GET', seconds: 2, connections: 30 });
    for (const n of c.nodes) await readOn(n.index, 2);
    const refM = await measure({ url: `http://127.0.0.1:${refPort}/`, method: 'GET', seconds, connections: 30 });
    const one = await readOn(a);
    const standby = c.nodes.find((n) => n.index !== a)!.index;
    const oneStandby = await readOn(standby);
    const three = await Promise.all(c.nodes.map((n) => readOn(n.index)));
    const sum = three.reduce((x, m) => x + m.requestsPerSec, 0);
    const lines = [
      `bench/ha reads: ${seconds}s each, 30 connections per target, loopback, PostgreSQL ${new URL(PG_URL).host}`,
      row('reference read (pg select+decrypt)', refM),
      row('coffer read, 1 node (active)', one),
      row('coffer read, 1 node (standby)', oneStandby),
      ...three.map((m, i) => row(`coffer read, 3 nodes at once: node ${i}${i === a ? ' (active)' : ''}`, m)),
      `3 nodes together: ${sum.toFixed(0)} req/s = ${(sum / one.requestsPerSec).toFixed(2)} x one node; one node / reference = ${(one.requestsPerSec / refM.requestsPerSec).toFixed(2)}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);

    const f = await failovers(c);
    const stat = (xs: number[]): string => `p50 ${pct(xs, 50).toFixed(0)} ms, p95 ${pct(xs, 95).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    process.stdout.write(
      [
        `bench/ha failover over ${kills} SIGKILLs of the active node (lease 1 s, renew 200 ms, standby poll 100 ms):`,
        `  kill -> write acknowledged through a surviving node: ${stat(f.write)}`,
        `  kill -> a node reports itself active (sys/leader):   ${stat(f.active)}`,
        `  under 2 s: ${f.write.filter((x) => x < 2000).length}/${kills}`,
      ].join('\n') + '\n',
    );
  } finally {
    ref.kill('SIGTERM');
    await c.destroy();
  }
}

await main();
