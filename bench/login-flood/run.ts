// bench/login-flood: latency of an audited KV read while 50 clients hammer userpass logins with bad
// passwords for unknown (random) users, next to the same read on a quiet server. A dev server runs
// in its own process with a file audit device; one client reads secret/data/bench in a loop, one
// request at a time, for `seconds` quiet and then `seconds` under attack. Random usernames defeat
// user lockout, so every attempt costs a full scrypt: the worst case for the server.
// Prints p50/p99 of the read for both phases, their ratio, and what the attackers got back.
// Usage: npx tsc -p . && node dist/bench/login-flood/run.js [seconds=10] [attackers=50]

import http from 'node:http';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startDevServer, tempDir } from '../../test/support/server.js';
import { api } from '../../test/support/http.js';

const seconds = Number(process.argv[2] ?? 10);
const attackers = Number(process.argv[3] ?? 50);

const request = async (agent: http.Agent, addr: string, method: string, path: string, token?: string, body?: unknown): Promise<number> => (await api(addr, method, path, { agent, token, body })).status;

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function readLoop(addr: string, token: string, ms: number): Promise<{ p50: number; p99: number; max: number; n: number; failed: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const lat: number[] = [];
  let failed = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const t = process.hrtime.bigint();
    const status = await request(agent, addr, 'GET', 'secret/data/bench', token);
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (status !== 200) failed++;
  }
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { p50: pct(lat, 50), p99: pct(lat, 99), max: lat[lat.length - 1] ?? NaN, n: lat.length, failed };
}

async function main(): Promise<void> {
  const dir = tempDir('coffer-bench-flood-');
  const server = await startDevServer('bench-flood-root');
  const token = server.rootToken;
  try {
    const admin = new http.Agent({ keepAlive: true });
    const must = async (method: string, path: string, body?: unknown): Promise<void> => {
      const s = await request(admin, server.addr, method, path, token, body);
      if (s >= 300) throw new Error(`${method} ${path}: ${s}`);
    };
    await must('PUT', 'sys/audit/file', { type: 'file', options: { file_path: join(dir, 'audit.log') } });
    await must('PUT', 'sys/auth/userpass', { type: 'userpass' });
    await must('PUT', 'secret/data/bench', { data: { k: 'v' } });
    admin.destroy();

    await readLoop(server.addr, token, 1000); // warm-up
    const quiet = await readLoop(server.addr, token, seconds * 1000);

    let stop = false;
    const statuses = new Map<number, number>();
    const attacker = async (): Promise<void> => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      while (!stop) {
        const user = `ghost-${randomBytes(6).toString('hex')}`;
        const s = await request(agent, server.addr, 'PUT', `auth/userpass/login/${user}`, undefined, { password: 'wrong' }).catch(() => -1);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      agent.destroy();
    };
    const flood = Array.from({ length: attackers }, attacker);
    await new Promise((r) => setTimeout(r, 500)); // let the flood build up
    const attacked = await readLoop(server.addr, token, seconds * 1000);
    stop = true;
    await Promise.all(flood);

    const f = (x: number): string => x.toFixed(1);
    console.log(`audited GET secret/data/bench, one at a time, ${seconds}s per phase; ${attackers} clients sending bad userpass logins`);
    console.log(`quiet:       n=${quiet.n} p50=${f(quiet.p50)}ms p99=${f(quiet.p99)}ms max=${f(quiet.max)}ms failed=${quiet.failed}`);
    console.log(`under flood: n=${attacked.n} p50=${f(attacked.p50)}ms p99=${f(attacked.p99)}ms max=${f(attacked.max)}ms failed=${attacked.failed}`);
    console.log(`p99 ratio (flood / quiet): ${(attacked.p99 / quiet.p99).toFixed(1)}x`);
    console.log(`login answers: ${[...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ')}`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
