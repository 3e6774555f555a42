// Starts real `coffer server` processes for tests: dev mode, or production mode from a config file
// (SQLite or PostgreSQL), on a free loopback port, and stops them (gracefully or with SIGKILL).

import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { api } from './http.js';
import type { TestPki } from './tls.js';
import { tempDir } from './tmp.js';

export const COFFER_BIN = resolve(import.meta.dirname, '../../../bin/coffer.js');

export interface ServerProcess {
  addr: string;
  proc: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface DevServer extends ServerProcess {
  rootToken: string;
  unsealKey: string;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

function spawnCoffer(args: string[], env: NodeJS.ProcessEnv = {}): { proc: ChildProcess; output: () => string } {
  const proc = spawn(process.execPath, [COFFER_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { proc, output: () => out };
}

function stopper(proc: ChildProcess): (signal?: NodeJS.Signals) => Promise<number | null> {
  return (signal = 'SIGTERM') =>
    new Promise((res) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return res(proc.exitCode);
      // 'close', not 'exit': by then the pipes are drained, so output() holds the last lines.
      proc.once('close', (code) => res(code));
      proc.kill(signal);
    });
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, output: () => string, ms = 15000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}; output:\n${output()}`);
}

export async function startDevServer(rootToken = 'root-token-for-tests'): Promise<DevServer> {
  const port = await freePort();
  const { proc, output } = spawnCoffer(['server', '-dev', `-dev-root-token-id=${rootToken}`, `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token', '-log-level=warn']);
  await waitFor(() => /Root Token: /.test(output()) || proc.exitCode !== null, 'the dev server banner', output).catch((e: unknown) => {
    proc.kill('SIGKILL');
    throw e;
  });
  const unsealKey = /Unseal Key: (\S+)/.exec(output())?.[1] ?? '';
  if (!unsealKey) throw new Error(`dev server did not start:\n${output()}`);
  return { addr: `http://127.0.0.1:${port}`, proc, output, stop: stopper(proc), rootToken, unsealKey };
}

export { tempDir } from './tmp.js';

/** Starts `coffer server -config=<file>` with the given HCL (a listener on a free port is added). */
export async function startConfiguredServer(storageHcl: string, extraHcl = '', dir = tempDir()): Promise<ServerProcess & { configPath: string; port: number }> {
  const port = await freePort();
  const configPath = join(dir, 'server.hcl');
  writeFileSync(configPath, `${storageHcl}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\nlog_level = "warn"\n${extraHcl}\n`);
  return startWithConfig(configPath, port);
}

/** The same with a TLS listener serving `pki`'s certificate (see support/tls.ts); answers on https://. */
export async function startTlsServer(storageHcl: string, pki: TestPki, dir: string): Promise<ServerProcess & { configPath: string; port: number }> {
  const port = await freePort();
  const configPath = join(dir, 'server.hcl');
  writeFileSync(configPath, `${storageHcl}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_cert_file = "${pki.certFile}"\n  tls_key_file = "${pki.keyFile}"\n}\nlog_level = "warn"\n`);
  return startWithConfig(configPath, port, 'https', pki.ca);
}

export async function startWithConfig(
  configPath: string,
  port: number,
  scheme = 'http',
  ca?: string,
  extra: { args?: string[]; env?: NodeJS.ProcessEnv; /** how long to wait for it to listen, ms (default 15000) */ waitMs?: number } = {},
): Promise<ServerProcess & { configPath: string; port: number }> {
  const { proc, output } = spawnCoffer(['server', `-config=${configPath}`, ...(extra.args ?? [])], extra.env);
  const addr = `${scheme}://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exitCode !== null) return true;
      try {
        await api(addr, 'GET', 'sys/seal-status', { ca });
        return true;
      } catch {
        return false;
      }
    },
    'the server to listen',
    output,
    extra.waitMs,
  ).catch((e: unknown) => {
    proc.kill('SIGKILL');
    throw e;
  });
  if (proc.exitCode !== null) throw new Error(`server exited with ${proc.exitCode}:\n${output()}`);
  return { addr, proc, output, stop: stopper(proc), configPath, port };
}

/** Initializes with the given shares/threshold and unseals; returns the keys and root token. */
export async function initAndUnseal(addr: string, shares = 1, threshold = 1): Promise<{ keys: string[]; rootToken: string }> {
  const init = await api(addr, 'PUT', 'sys/init', { body: { secret_shares: shares, secret_threshold: threshold } });
  if (init.status !== 200) throw new Error(`init failed: ${init.status} ${init.text}`);
  const keys: string[] = init.body.keys;
  for (const k of keys.slice(0, threshold)) await api(addr, 'PUT', 'sys/unseal', { body: { key: k } });
  return { keys, rootToken: init.body.root_token };
}

export async function unsealWith(addr: string, keys: string[]): Promise<void> {
  for (const k of keys) await api(addr, 'PUT', 'sys/unseal', { body: { key: k } });
}
