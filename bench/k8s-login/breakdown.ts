// bench/k8s-login/breakdown.ts: where a Kubernetes login's server CPU goes, part by part, measured
// in this process as CPU time (process.cpuUsage, user+system) per operation over many operations:
// the TokenReview call over TLS to the fake kube-apiserver (a child process; 50 calls in flight,
// as in bench/k8s-login), JWT parsing, the role and config reads, token creation, the request and
// response JSON, an audit pair, and core.handle for a whole login with the TokenReview answered
// in-process (so it holds everything but the HTTP server and the call to Kubernetes). The rest of
// bench/k8s-login's CPU per login is node's HTTP server and client, the kernel's loopback TCP, and GC.
// Usage: npm run build && node dist/bench/k8s-login/breakdown.js [operations=20000]

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer } from '../../src/server/server.js';
import { devConfig } from '../../src/server/config.js';
import { KubeHttp } from '../../src/server/auth/kubernetes/kube_http.js';
import { TokenReviewApi } from '../../src/server/auth/kubernetes/token_review.js';
import { checkClaims } from '../../src/server/auth/kubernetes/path_login.js';
import { readRole } from '../../src/server/auth/kubernetes/path_role.js';
import { readConfig } from '../../src/server/auth/kubernetes/path_config.js';
import type { KubeTarget } from '../../src/server/auth/kubernetes/types.js';
import type { CoreRequest } from '../../src/server/core/types.js';
import { mountStoragePrefix } from '../../src/server/core/mounts.js';
import { subView } from '../../src/server/framework/json-storage.js';

const N = Number(process.argv[2] ?? 20000);
const root = resolve(import.meta.dirname, '../../..');

async function startFake(): Promise<{ proc: ChildProcess; env: Record<string, string> }> {
  const proc = spawn(process.execPath, [join(root, 'dist/test/support/fake-kube/main.js'), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  for (let i = 0; i < 200 && !/export SA_JWT_VAULT=/.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const env: Record<string, string> = {};
  for (const m of out.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  if (!env.K8S_HOST) throw new Error(`fake-kube did not start:\n${out}`);
  return { proc, env };
}

/** CPU microseconds per call of f, over n calls with `parallel` in flight, after a warm-up. */
async function cpuPerOp(n: number, f: () => unknown, parallel = 1): Promise<number> {
  const run = async (count: number): Promise<void> => {
    let i = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (i++ < count) await f();
      }),
    );
  };
  await run(Math.min(n, 2000));
  const t0 = process.cpuUsage();
  await run(n);
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / n;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-bench-breakdown-'));
  const fake = await startFake();
  const { K8S_HOST, K8S_CA_FILE, TOKEN_REVIEWER_JWT, SA_JWT } = fake.env as Record<string, string>;
  const server = await startServer(devConfig('127.0.0.1:0', 'error'), { rootTokenId: 'root' });
  const core = server.core;
  const call = (operation: CoreRequest['operation'], path: string, data: Record<string, unknown>, clientToken?: string) =>
    core.handle({ operation, path, data, clientToken, requestId: 'bench', remoteAddr: '127.0.0.1', headers: {}, wrapTtl: 0 } as CoreRequest);
  try {
    await call('update', 'sys/auth/kubernetes', { type: 'kubernetes' }, 'root');
    await call('update', 'auth/kubernetes/config', { kubernetes_host: K8S_HOST, kubernetes_ca_cert: readFileSync(K8S_CA_FILE, 'utf8'), token_reviewer_jwt: TOKEN_REVIEWER_JWT }, 'root');
    await call('update', 'auth/kubernetes/role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace', token_policies: 'default', token_ttl: '10m' }, 'root');
    const mount = core.findMount('auth', 'auth/kubernetes/')!;
    const storage = subView(core.barrier, mountStoragePrefix(mount));
    const config = (await readConfig(storage))!;
    const role = (await readRole(storage, 'my-role'))!;
    const target: KubeTarget = { baseUrl: K8S_HOST, caPem: config.kubernetes_ca_cert, caSource: 'kubernetes_ca_cert', bearer: TOKEN_REVIEWER_JWT, bearerSource: 'token_reviewer_jwt', timeoutMs: 10_000, mountPoint: 'auth/kubernetes/' };
    const http = new KubeHttp();
    const reviewer = new TokenReviewApi(http);
    const loginBody = JSON.stringify({ role: 'my-role', jwt: SA_JWT });
    const login = (await call('update', 'auth/kubernetes/login', { role: 'my-role', jwt: SA_JWT })) as unknown as Record<string, unknown>;

    const rows: [string, number][] = [];
    rows.push(['TokenReview over TLS (client side, incl. its JSON)', await cpuPerOp(N, () => reviewer.review(target, SA_JWT, []), 50)]);
    rows.push(['JWT parse and claim checks', await cpuPerOp(N, () => checkClaims(SA_JWT, 'my-role', role, config, Date.now()))]);
    rows.push(['storage: role + config reads', await cpuPerOp(N, async () => [await readRole(storage, 'my-role'), await readConfig(storage)])]);
    rows.push(['request + response JSON', await cpuPerOp(N, () => [JSON.parse(loginBody), JSON.stringify({ request_id: 'x', ...login })])]);
    const authMount = core.findMount('auth', 'auth/kubernetes/')!;
    rows.push([
      'token create (record + accessor, sealed; expiry schedule)',
      await cpuPerOp(N, () =>
        core.issueToken({ policies: ['default'], noDefaultPolicy: false, path: 'auth/kubernetes/login', authMount, meta: { role: 'my-role' }, displayName: 'kubernetes-app-namespace-my-sa', ttl: 600, maxTtl: 0, explicitMaxTtl: 0, period: 0, numUses: 0, renewable: true, parentHash: '', boundCidrs: [] }),
      ),
    ]);
    // core.handle for a whole login, with the TokenReview answered in this process.
    const review = await reviewer.review(target, SA_JWT, []);
    const realReview = TokenReviewApi.prototype.review;
    TokenReviewApi.prototype.review = async () => review;
    rows.push(['core.handle login, TokenReview answered in-process', await cpuPerOp(N, () => call('update', 'auth/kubernetes/login', { role: 'my-role', jwt: SA_JWT }))]);
    TokenReviewApi.prototype.review = realReview;
    await call('update', 'sys/audit/file', { type: 'file', options: { file_path: join(dir, 'audit.log') } }, 'root');
    const auditReq = { operation: 'update', path: 'auth/kubernetes/login', data: JSON.parse(loginBody), requestId: 'x', remoteAddr: '127.0.0.1', headers: {}, wrapTtl: 0 } as unknown as CoreRequest;
    rows.push([
      'audit request + response, one file device (none in bench/k8s-login)',
      await cpuPerOp(Math.min(N, 5000), async () => {
        await core.audit.logRequest(auditReq, null, null);
        await core.audit.logResponse(auditReq, null, null, null);
      }),
    ]);
    http.close();
    process.stdout.write(`bench/k8s-login/breakdown: CPU microseconds per operation, ${N} operations each\n`);
    for (const [name, us] of rows) process.stdout.write(`${name.padEnd(70)} ${us.toFixed(1).padStart(7)} us\n`);
  } finally {
    await server.close();
    fake.proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
