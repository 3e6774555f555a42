// Helpers for the agent tests: a dev server prepared like the tutorial (KV v2 secret, policy,
// approle role; kubernetes auth at auth/kube-policy against the fake kube-apiserver), config
// files in a temp directory, and `coffer agent` as a child process (run to exit, or started
// and watched).

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { COFFER_BIN, startDevServer, tempDir, type DevServer } from '../support/server.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';

export { api, tempDir };

export const ACCESS_KEY = 'my-access-key';
export const SECRET_KEY = 'my-secret-key';

export interface Lab {
  server: DevServer;
  addr: string;
  root: string;
  dir: string;
  roleIdFile: string;
  secretIdFile: string;
  kube?: FakeKube;
  /** A service-account JWT file for the kubernetes method (app-namespace/my-sa). */
  jwtFile?: string;
  stop(): Promise<void>;
}

async function ok(p: Promise<{ status: number; text: string }>, what: string): Promise<void> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
}

export async function writeSecret(lab: Lab, path: string, data: Record<string, string>): Promise<void> {
  await ok(api(lab.addr, 'POST', `secret/data/${path}`, { token: lab.root, body: { data } }), `write ${path}`);
}

export interface LabOptions {
  kubernetes?: boolean;
  /** token_ttl of the approle role (default 1h). */
  tokenTtl?: string;
  tokenMaxTtl?: string;
}

/** The tutorial's server side, with its mistakes fixed (policy on secret/data/myapp/*, role under auth/kube-policy). */
export async function startLab(o: LabOptions = {}): Promise<Lab> {
  const server = await startDevServer('root-for-agent-tests');
  const addr = server.addr;
  const root = server.rootToken;
  const dir = tempDir('coffer-agent-');
  const kube = o.kubernetes ? await startFakeKube() : undefined;
  try {
    await ok(api(addr, 'PUT', 'sys/policies/acl/myapp-policy', { token: root, body: { policy: 'path "secret/data/myapp/*" { capabilities = ["read", "list"] }\npath "secret/metadata/myapp/*" { capabilities = ["list"] }' } }), 'policy');
    await writeSecret({ addr, root } as Lab, 'myapp/config', { aws_access_key_id: ACCESS_KEY, aws_secret_access_key: SECRET_KEY });
    await ok(api(addr, 'POST', 'sys/auth/approle', { token: root, body: { type: 'approle' } }), 'enable approle');
    await ok(
      api(addr, 'POST', 'auth/approle/role/my-role', { token: root, body: { token_policies: 'myapp-policy', token_ttl: o.tokenTtl ?? '1h', token_max_ttl: o.tokenMaxTtl ?? '24h' } }),
      'approle role',
    );
    const roleId = (await api(addr, 'GET', 'auth/approle/role/my-role/role-id', { token: root })).body.data.role_id as string;
    const secretId = (await api(addr, 'POST', 'auth/approle/role/my-role/secret-id', { token: root })).body.data.secret_id as string;
    const roleIdFile = join(dir, 'role-id');
    const secretIdFile = join(dir, 'secret-id');
    writeFileSync(roleIdFile, `${roleId}\n`);
    writeFileSync(secretIdFile, `${secretId}\n`);
    const lab: Lab = { server, addr, root, dir, roleIdFile, secretIdFile, stop: async () => {
      await server.stop();
      await kube?.close();
    } };
    if (kube) {
      kube.createNamespace('app-namespace');
      kube.createServiceAccount('default', 'vault-auth');
      kube.bindAuthDelegator('default', 'vault-auth');
      kube.createServiceAccount('app-namespace', 'my-sa');
      await ok(api(addr, 'POST', 'sys/auth/kube-policy', { token: root, body: { type: 'kubernetes' } }), 'enable kubernetes');
      await ok(
        api(addr, 'POST', 'auth/kube-policy/config', { token: root, body: { kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem, token_reviewer_jwt: kube.legacyToken('default', 'vault-auth') } }),
        'kubernetes config',
      );
      await ok(
        api(addr, 'POST', 'auth/kube-policy/role/my-role', {
          token: root,
          body: { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace', policies: 'myapp-policy', ttl: '1h' },
        }),
        'kubernetes role',
      );
      lab.kube = kube;
      lab.jwtFile = join(dir, 'sa-token');
      writeFileSync(lab.jwtFile, kube.projectedToken('app-namespace', 'my-sa', { expirationSeconds: 3600 }));
    }
    return lab;
  } catch (e) {
    await server.stop();
    await kube?.close();
    throw e;
  }
}

export function writeConfig(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

export interface AgentRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function agentEnv(addr: string | undefined, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.VAULT_TOKEN;
  delete env.VAULT_ADDR;
  if (addr) env.VAULT_ADDR = addr;
  return env;
}

/** Runs `coffer agent ARGS` to its exit (killed after timeoutMs). */
export function runAgentToExit(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<AgentRun> {
  const start = Date.now();
  const proc = spawn(process.execPath, [COFFER_BIN, 'agent', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - start });
    });
  });
}

export interface RunningAgent {
  proc: ChildProcess;
  output(): string;
  waitFor(check: () => boolean, what: string, ms?: number): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function startAgent(args: string[], env: NodeJS.ProcessEnv): RunningAgent {
  const proc = spawn(process.execPath, [COFFER_BIN, 'agent', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => proc.on('close', (code) => r(code)));
  return {
    proc,
    output: () => out,
    exited,
    async waitFor(check, what, ms = 15_000) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if (check()) return;
        if (proc.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      if (check()) return;
      throw new Error(`timed out waiting for ${what}; agent output:\n${out}`);
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
}

export function readIfExists(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The approle auto_auth block for a lab. */
export function approleAutoAuth(lab: Lab, sinkPath: string, methodExtra = ''): string {
  return `auto_auth {
  method "approle" {
    ${methodExtra}
    config = {
      role_id_file_path = "${lab.roleIdFile}"
      secret_id_file_path = "${lab.secretIdFile}"
      remove_secret_id_file_after_reading = false
    }
  }
  sink "file" {
    config = {
      path = "${sinkPath}"
    }
  }
}
`;
}
