// bench/dos: the server's memory under a flood of unauthenticated requests, each with a random
// X-Vault-Token (and, every fourth, a random 2 KB lease ID to sys/leases/lookup): RSS of the dev
// server before and after each of R rounds of N requests, so a leak shows as growth that goes on
// round after round, while bounded caches fill up and then stay flat.
// The reference is the same server's RSS after an equal number of requests with one fixed bad
// token (which any cache absorbs): the ratio of growth says what random input costs beyond that.
// Usage: npm run build && node dist/bench/dos/random-tokens.js [requests=100000] [rounds=4]

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { freePort } from '../support/free-port.js';

const total = Number(process.argv[2] ?? 100_000);
const rounds = Number(process.argv[3] ?? 4);
const root = resolve(import.meta.dirname, '../../..');

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

async function flood(url: string, amount: number, random: boolean): Promise<{ statuses: Record<string, number>; rps: number }> {
  let n = 0;
  const r = await autocannon({
    url,
    connections: 50,
    amount,
    requests: [
      {
        setupRequest: (req: autocannon.Request): autocannon.Request => {
          n++;
          const token = random ? `hvs.${randomBytes(18).toString('base64url')}` : 'hvs.the-same-bad-token';
          if (random && n % 4 === 0) {
            return { ...req, method: 'PUT', path: '/v1/sys/leases/lookup', headers: { 'X-Vault-Token': token, 'Content-Type': 'application/json' }, body: JSON.stringify({ lease_id: `a/${randomBytes(1000).toString('hex')}` }) };
          }
          return { ...req, method: 'GET', path: '/v1/secret/data/app', headers: { 'X-Vault-Token': token } };
        },
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statuses[k] = (v as { count: number }).count;
  return { statuses, rps: r.requests.average };
}

async function main(): Promise<void> {
  const port = await freePort();
  const proc = spawn(process.execPath, [resolve(root, 'bin/coffer.js'), 'server', '-dev', '-dev-root-token-id=bench-root', `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token', '-log-level=error'], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/v1/sys/health`)).ok) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const settle = async (): Promise<number> => {
    await new Promise((r) => setTimeout(r, 1500));
    return rssMb(proc.pid!);
  };
  try {
    const start = await settle();
    const fixed = await flood(url, total, false);
    const afterFixed = await settle();
    console.log(`RSS at start ${start.toFixed(1)} MB`);
    console.log(`after ${total} requests with one fixed bad token: ${afterFixed.toFixed(1)} MB (${fixed.rps.toFixed(0)} req/s, statuses ${JSON.stringify(fixed.statuses)})`);
    const after: number[] = [];
    for (let i = 1; i <= rounds; i++) {
      const r = await flood(url, total, true);
      after.push(await settle());
      console.log(`after ${i * total} random-token requests: ${after[i - 1]!.toFixed(1)} MB (${r.rps.toFixed(0)} req/s, statuses ${JSON.stringify(r.statuses)})`);
    }
    const growth = after.slice(1).map((x, i) => (x - after[i]!).toFixed(1));
    console.log(`growth per round after the first: ${growth.join(', ')} MB; random vs fixed after ${total}: ratio ${(after[0]! / afterFixed).toFixed(2)}`);
  } finally {
    proc.kill('SIGTERM');
  }
}

await main();
