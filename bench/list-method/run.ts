// Benchmark of the LIST-capable listener: autocannon (50 connections, 10 s per case) against
// (a) plain node:http, (b) our listener with GET, (c) our listener with LIST, same trivial JSON
// handler. Each server runs in its own child process on 127.0.0.1 so it does not share an event
// loop with the load generator; besides req/s and latency it reports the server's CPU time per
// request, which noisy neighbours disturb less than throughput.
// Run: node dist/bench/list-method/run.js [seconds] [connections]
import autocannon from 'autocannon';
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import type { ServerKind } from './server.js';

// autocannon refuses methods outside its own short list (lib/httpMethods.js, an array shared by
// its request builder); LIST is added to it so autocannon writes `LIST /path HTTP/1.1`.
const autocannonMethods = createRequire(import.meta.url)('autocannon/lib/httpMethods.js') as string[];
if (!autocannonMethods.includes('LIST')) autocannonMethods.push('LIST');

interface Case {
  label: string;
  kind: ServerKind;
  method: 'GET' | 'LIST';
}

interface Measured {
  label: string;
  rps: number;
  p99: number;
  p50: number;
  cpuMicrosPerRequest: number;
  errors: number;
  non2xx: number;
  mismatches: number;
}

const seconds = Number(process.argv[2] ?? 10);
const connections = Number(process.argv[3] ?? 50);
const WARMUP_SECONDS = 2;
const cases: Case[] = [
  { label: '(a) plain node:http, GET', kind: 'plain', method: 'GET' },
  { label: '(b) listener, GET', kind: 'listener', method: 'GET' },
  { label: '(c) listener, LIST', kind: 'listener', method: 'LIST' },
];

function cpuMark(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { cpuMicros?: number }): void => {
      if (message.cpuMicros === undefined) return;
      child.off('message', onMessage);
      resolve(message.cpuMicros);
    };
    child.on('message', onMessage);
    child.send('mark');
  });
}

function startServer(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL('./server.js', import.meta.url), [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve({ child, port: message.port }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

async function load(port: number, method: Case['method'], duration: number): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${port}/v1/secret/metadata/app/`,
    method: method as autocannon.Request['method'],
    connections,
    duration,
    expectBody: `{"method":"${method}","data":{"keys":["a","b","c/"]}}`,
  });
}

async function measure(c: Case): Promise<Measured> {
  const { child, port } = await startServer(c.kind);
  try {
    await load(port, c.method, WARMUP_SECONDS);
    await cpuMark(child);
    const r = await load(port, c.method, seconds);
    const cpuMicros = await cpuMark(child);
    return {
      label: c.label,
      rps: r.requests.average,
      p99: r.latency.p99,
      p50: r.latency.p50,
      cpuMicrosPerRequest: cpuMicros / r.requests.total,
      errors: r.errors,
      non2xx: r.non2xx,
      mismatches: r.mismatches,
    };
  } finally {
    child.kill();
  }
}

const results: Measured[] = [];
for (const c of cases) results.push(await measure(c));

console.log(`autocannon: ${connections} connections, ${seconds} s per case (after ${WARMUP_SECONDS} s warm-up), node ${process.version}`);
for (const r of results) {
  console.log(
    `${r.label.padEnd(28)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms` +
      `   server CPU ${r.cpuMicrosPerRequest.toFixed(1)} µs/req` +
      `   errors ${r.errors}  non-2xx ${r.non2xx}  body mismatches ${r.mismatches}`,
  );
}
const [a, b, c] = results;
const ratio = (x: number, y: number): string => (y > 0 ? (x / y).toFixed(2) : 'n/a');
for (const [name, r] of [['b/a', b], ['c/a', c]] as const) {
  console.log(`${name}: req/s ${ratio(r.rps, a.rps)}   p99 ${ratio(r.p99, a.p99)}   CPU/req ${ratio(r.cpuMicrosPerRequest, a.cpuMicrosPerRequest)}`);
}
if (results.some((r) => r.errors > 0 || r.non2xx > 0 || r.mismatches > 0)) process.exitCode = 1;
