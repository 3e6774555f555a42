// bench/agent: the agent's two numbers that matter in a pod.
//  1. Cold start: `coffer agent` as an init container (exit_after_auth, approle, one template),
//     from process spawn to exit, over N runs: median and p90 (target < 300 ms). `node -e 0`
//     is timed the same way as the floor.
//  2. Sidecar memory: 10 templates over 10 KV v2 secrets, static_secret_render_interval = 1s,
//     auth token TTL 5s (renewed every ~3s), a writer changing one secret every 2s; peak RSS
//     (VmHWM from /proc) after the run (target < 60 MB). The issue asks for 10 minutes of
//     renewals; the default here is 60 s (the second argument), which already covers ~20 token
//     renewals and ~60 refresh cycles; memory is flat after the first seconds.
// Usage: npm run build && node dist/bench/agent/run.js [runs=20] [seconds=60]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../support/free-port.js';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const runs = Number(process.argv[2] ?? 20);
const seconds = Number(process.argv[3] ?? 60);
const root = resolve(import.meta.dirname, '../../..');
const bin = join(root, 'bin/coffer.js');
const ROOT_TOKEN = 'bench-root';

async function call(addr: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${addr}/v1/${path}`, { method, headers: { 'X-Vault-Token': ROOT_TOKEN, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

async function waitReady(addr: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`${addr}/v1/sys/health`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${addr} did not come up`);
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; code: number | null; stderr: string }> {
  return new Promise((res) => {
    const start = process.hrtime.bigint();
    const p = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    p.on('exit', (code) => res({ ms: Number(process.hrtime.bigint() - start) / 1e6, code, stderr }));
  });
}

const pct = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};

const kill = (p: ChildProcess): Promise<void> => new Promise((r) => (p.exitCode !== null ? r() : (p.once('exit', () => r()), p.kill('SIGTERM'))));

function approleBlock(dir: string, sink: string): string {
  return `auto_auth {
  method "approle" {
    config = {
      role_id_file_path = "${dir}/role-id"
      secret_id_file_path = "${dir}/secret-id"
      remove_secret_id_file_after_reading = false
    }
  }
  sink "file" {
    config = { path = "${sink}" }
  }
}
`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-agent-bench-'));
  const port = await freePort();
  const addr = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [bin, 'server', '-dev', `-dev-root-token-id=${ROOT_TOKEN}`, `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token', '-log-level=error'], { stdio: 'ignore' });
  try {
    await waitReady(addr);
    await call(addr, 'PUT', 'sys/policies/acl/app', { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' });
    await call(addr, 'POST', 'sys/auth/approle', { type: 'approle' });
    await call(addr, 'POST', 'auth/approle/role/app', { token_policies: 'app', token_ttl: '5s', token_max_ttl: '1h' });
    const roleId = ((await call(addr, 'GET', 'auth/approle/role/app/role-id')).data as { role_id: string }).role_id;
    const secretId = ((await call(addr, 'POST', 'auth/approle/role/app/secret-id')).data as { secret_id: string }).secret_id;
    writeFileSync(join(dir, 'role-id'), roleId);
    writeFileSync(join(dir, 'secret-id'), secretId);
    for (let i = 0; i < 10; i++) await call(addr, 'POST', `secret/data/app/s${i}`, { data: { user: `u${i}`, password: `p${i}-0` } });
    const env: NodeJS.ProcessEnv = { ...process.env, VAULT_ADDR: addr };
    delete env.VAULT_TOKEN;

    // 1. Cold start.
    const cold = join(dir, 'cold.hcl');
    writeFileSync(
      cold,
      `exit_after_auth = true\n${approleBlock(dir, join(dir, 'cold-token'))}template {\n  destination = "${dir}/cold/app.env"\n  contents = "{{ with secret \\"secret/app/s0\\" }}export DB_PASSWORD='{{ .Data.data.password }}'{{ end }}\\n"\n}\n`,
    );
    await timeProcess([bin, 'agent', `-config=${cold}`], env); // warm the file cache
    const times: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await timeProcess([bin, 'agent', `-config=${cold}`, '-log-level=warn'], env);
      if (r.code !== 0) throw new Error(`agent exited ${r.code}: ${r.stderr}`);
      times.push(r.ms);
      floor.push((await timeProcess(['-e', '0'], env)).ms);
    }
    if (readFileSync(join(dir, 'cold/app.env'), 'utf8') !== "export DB_PASSWORD='p0-0'\n") throw new Error('the cold-start template did not render');
    console.log(`cold start (spawn -> rendered -> exit 0), ${runs} runs: median ${pct(times, 0.5).toFixed(0)} ms, p90 ${pct(times, 0.9).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms   [target < 300 ms]`);
    console.log(`  floor (node -e 0):                   median ${pct(floor, 0.5).toFixed(0)} ms, p90 ${pct(floor, 0.9).toFixed(0)} ms`);

    // 2. Sidecar RSS.
    const side = join(dir, 'side.hcl');
    const templates = Array.from(
      { length: 10 },
      (_, i) => `template {\n  destination = "${dir}/side/s${i}.env"\n  contents = "{{ with secret \\"secret/app/s${i}\\" }}USER={{ .Data.data.user }}\\nPASSWORD={{ .Data.data.password }}\\nVERSION={{ .Data.metadata.version }}{{ end }}\\n"\n}\n`,
    ).join('');
    writeFileSync(side, `${approleBlock(dir, join(dir, 'side-token'))}template_config {\n  static_secret_render_interval = "1s"\n}\n${templates}`);
    const agent = spawn(process.execPath, [bin, 'agent', `-config=${side}`, '-log-level=debug'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    agent.stderr!.on('data', (c: Buffer) => (log += c.toString()));
    let v = 0;
    const writer = setInterval(() => void call(addr, 'POST', `secret/data/app/s${++v % 10}`, { data: { user: `u${v % 10}`, password: `p-${v}` } }).catch(() => undefined), 2000);
    const samples: number[] = [];
    const sampler = setInterval(() => {
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${agent.pid}/status`, 'utf8'));
        if (m) samples.push(Number(m[1]) / 1024);
      } catch {
        /* exited */
      }
    }, 250);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(writer);
    clearInterval(sampler);
    const status = readFileSync(`/proc/${agent.pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    await kill(agent);
    const renewals = log.match(/renewed the auth token/g)?.length ?? 0;
    const renders = log.match(/template: rendered:/g)?.length ?? 0;
    const reads = log.match(/fetching: kind=read/g)?.length ?? 0;
    const firstTen = samples.slice(0, 40);
    console.log(
      `sidecar, 10 templates, ${seconds}s: peak RSS ${hwm.toFixed(1)} MB (VmHWM), RSS after 10 s ${Math.max(...firstTen).toFixed(1)} MB, at the end ${samples[samples.length - 1]?.toFixed(1)} MB   [target < 60 MB]`,
    );
    console.log(`  ${renewals} token renewals, ${reads} secret reads, ${renders} file renders, errors in log: ${log.match(/\[ERROR\]/g)?.length ?? 0}`);
  } finally {
    await kill(server);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
