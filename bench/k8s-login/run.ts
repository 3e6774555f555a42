// bench/k8s-login: Kubernetes-auth logins per second through Coffer (each login = one TokenReview
// against the fake kube-apiserver over TLS + a token issued and stored), next to the ceiling: the
// fake API's own TokenReview rate, measured in the same run with autocannon straight at its
// tokenreviews endpoint with the same reviewer bearer and client JWT. Both are separate processes
// on loopback; 50 connections. The ceiling and Coffer alternate in short rounds and the ratio is the
// median of the per-round ratios (load from elsewhere on a shared machine hits both sides alike).
// Prints req/s, latency, the ratio, and each server's CPU time per request (utime+stime from
// /proc/<pid>/stat over the round, divided by the requests autocannon completed).
// Usage: npm run build && node dist/bench/k8s-login/run.js [seconds per round=5] [rounds=3]
// COFFER_BENCH_NODE_ARGS (space-separated) is passed to the Coffer process, e.g. "--cpu-prof".
// A third line, for scale, is the bare relay (bench/support/relay-reference.ts): the least a login
// server on node's http modules does (one TokenReview over keep-alive TLS, one sealed record, a
// JSON reply). Two HTTP hops cost more than the fake's one, so no relay reaches the ceiling; the
// ratio stays against the ceiling.
// (autocannon itself does not verify TLS certificates; that only concerns this load generator.
// Coffer's side of the run verifies the fake's certificate against its CA, as always.)

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { measure, type Measurement } from '../support/measure.js';

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 3);
const root = resolve(import.meta.dirname, '../../..');
const CONNECTIONS = 50;
const ROOT_TOKEN = 'bench-k8s-root';

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const kill = (p: ChildProcess): Promise<void> => new Promise((r) => (p.exitCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGTERM'))));

/** Starts the fake kube-apiserver's demo entry point and reads the exports it prints. */
async function startFake(): Promise<{ proc: ChildProcess; env: Record<string, string> }> {
  const proc = spawn(process.execPath, [join(root, 'dist/test/support/fake-kube/main.js'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 200 && !/export SA_JWT_VAULT=/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const env: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  if (!env.K8S_HOST || !env.SA_JWT || !env.TOKEN_REVIEWER_JWT) throw new Error(`fake-kube did not start:\n${out}`);
  return { proc, env };
}

/** utime+stime of a process in microseconds, from /proc/<pid>/stat (Linux; NaN elsewhere). */
async function cpuMicros(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15; in clock ticks (100/s on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return NaN;
  }
}

interface Round extends Measurement {
  /** server CPU microseconds per completed request (NaN where /proc is not available) */
  cpuPerReq: number;
}

async function withCpu(pid: number | undefined, run: () => Promise<Measurement>): Promise<Round> {
  const before = await cpuMicros(pid);
  const m = await run();
  const after = await cpuMicros(pid);
  return { ...m, cpuPerReq: (after - before) / Math.max(1, m.total) };
}

async function call(addr: string, method: string, path: string, body?: unknown): Promise<void> {
  const r = await fetch(`${addr}/v1/${path}`, { method, headers: { 'X-Vault-Token': ROOT_TOKEN, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
}

async function fakeTokenReviews(url: string, reviewer: string, jwt: string, secs: number): Promise<Measurement> {
  const r = await autocannon({
    url: `${url}/apis/authentication.k8s.io/v1/tokenreviews`,
    method: 'POST',
    headers: { Authorization: `Bearer ${reviewer}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: jwt } }),
    connections: CONNECTIONS,
    duration: secs,
  });
  return { requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx, total: r.requests.total };
}

const row = (name: string, m: Round): string =>
  `${name.padEnd(40)} ${m.requestsPerSec.toFixed(0).padStart(7)} req/s   p50 ${String(m.p50Ms).padStart(4)} ms   p99 ${String(m.p99Ms).padStart(4)} ms   errors ${m.errors + m.non2xx}   server CPU ${m.cpuPerReq.toFixed(0)} us/req`;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-k8s-'));
  const fake = await startFake();
  const port = await freePort();
  const coffer = spawn(
    process.execPath,
    [...(process.env.COFFER_BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== ''), join(root, 'bin/coffer.js'), 'server', '-dev', `-dev-root-token-id=${ROOT_TOKEN}`, `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token', '-log-level=error'],
    { stdio: 'ignore', env: { ...process.env, COFFER_K8S_SA_DIR: join(dir, 'no-pod') } },
  );
  let relay: ChildProcess | undefined;
  try {
    const addr = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`${addr}/v1/sys/health`)).status === 200) break;
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const { K8S_HOST, K8S_CA_FILE, TOKEN_REVIEWER_JWT, SA_JWT } = fake.env as Record<string, string>;
    await call(addr, 'POST', 'sys/auth/kubernetes', { type: 'kubernetes' });
    await call(addr, 'POST', 'auth/kubernetes/config', { kubernetes_host: K8S_HOST, kubernetes_ca_cert: readFileSync(K8S_CA_FILE, 'utf8'), token_reviewer_jwt: TOKEN_REVIEWER_JWT });
    await call(addr, 'POST', 'auth/kubernetes/role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace', token_policies: 'default', token_ttl: '10m' });
    const loginBody = JSON.stringify({ role: 'my-role', jwt: SA_JWT });
    const relayPort = await freePort();
    relay = spawn(process.execPath, [join(root, 'dist/bench/support/relay-reference.js'), String(relayPort), K8S_HOST, K8S_CA_FILE, TOKEN_REVIEWER_JWT], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((r) => relay!.stdout!.once('data', () => r()));
    const relayLogin = (secs: number): Promise<Measurement> =>
      measure({ url: `http://127.0.0.1:${relayPort}/login`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: loginBody, connections: CONNECTIONS, seconds: secs });
    const login = (secs: number): Promise<Measurement> =>
      measure({ url: `${addr}/v1/auth/kubernetes/login`, method: 'POST', headers: { 'Content-Type': 'application/json' }, body: loginBody, connections: CONNECTIONS, seconds: secs });

    // Warm-up, then the ceiling and Coffer alternate; each server's CPU is read around its own rounds.
    await fakeTokenReviews(K8S_HOST, TOKEN_REVIEWER_JWT, SA_JWT, 2);
    await login(2);
    await relayLogin(2);
    const ceilings: Round[] = [];
    const relays: Round[] = [];
    const logins: Round[] = [];
    const fakeCpuDuringLogins: number[] = [];
    for (let i = 0; i < rounds; i++) {
      ceilings.push(await withCpu(fake.proc.pid, () => fakeTokenReviews(K8S_HOST, TOKEN_REVIEWER_JWT, SA_JWT, seconds)));
      const fakeBefore = await cpuMicros(fake.proc.pid);
      const l = await withCpu(coffer.pid, () => login(seconds));
      fakeCpuDuringLogins.push((await cpuMicros(fake.proc.pid)) - fakeBefore);
      logins.push(l);
      relays.push(await withCpu(relay.pid, () => relayLogin(seconds)));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const pick = (ms: Round[]): Round => ms.find((m) => m.requestsPerSec === median(ms.map((x) => x.requestsPerSec)))!;
    const ratios = logins.map((m, i) => m.requestsPerSec / ceilings[i]!.requestsPerSec);
    const fakePerLogin = median(fakeCpuDuringLogins.map((c, i) => c / Math.max(1, logins[i]!.total)));
    const lines = [
      `bench/k8s-login: ${rounds} alternating rounds of ${seconds}s, ${CONNECTIONS} connections, loopback, fake kube-apiserver over TLS (RS256 projected token); medians`,
      row('fake kube-apiserver TokenReview (ceiling)', pick(ceilings)),
      row('coffer auth/kubernetes/login', pick(logins)),
      row('bare relay (reference, for scale)', pick(relays)),
      `ratio coffer logins / TokenReview ceiling (median of rounds): ${median(ratios).toFixed(2)}; per round: ${ratios.map((r) => r.toFixed(2)).join(' ')}`,
      `bare relay / ceiling (median of rounds): ${median(relays.map((m, i) => m.requestsPerSec / ceilings[i]!.requestsPerSec)).toFixed(2)}; coffer / bare relay: ${median(logins.map((m, i) => m.requestsPerSec / relays[i]!.requestsPerSec)).toFixed(2)}`,
      `server CPU per login (median of rounds): coffer ${median(logins.map((m) => m.cpuPerReq)).toFixed(0)} us; fake API during logins ${fakePerLogin.toFixed(0)} us per review`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if ([...logins, ...ceilings].some((m) => m.errors + m.non2xx > 0)) process.exitCode = 1;
  } finally {
    await kill(coffer);
    if (relay) await kill(relay);
    await kill(fake.proc);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
