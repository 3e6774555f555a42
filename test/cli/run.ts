// Runs the real `coffer` CLI as a child process, the way a user's shell does: arguments, an
// environment of our choosing (never the developer's VAULT_* variables), text piped to stdin
// (a heredoc), a HOME of its own for ~/.vault-token; returns the exit code, stdout and stderr.

import { spawn } from 'node:child_process';
import { after, before } from 'node:test';
import { COFFER_BIN, startDevServer, tempDir, type DevServer } from '../support/server.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Text written to stdin (then closed); stdin is closed empty otherwise. */
  stdin?: string;
  cwd?: string;
}

export function coffer(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VAULT_')) env[k] = v;
  env.HOME = tempDir('coffer-cli-home-');
  env.VAULT_MAX_RETRIES = '0';
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COFFER_BIN, ...args], { env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.stdin ?? '');
  });
}

export type Runner = (args: string[], opts?: RunOptions) => Promise<RunResult>;

/** A CLI bound to one server and token; `home` keeps ~/.vault-token between calls when given. */
export function cli(addr: string, token: string | undefined, home?: string): Runner {
  return (args, opts = {}) => coffer(args, { ...opts, env: { VAULT_ADDR: addr, VAULT_TOKEN: token, ...(home ? { HOME: home } : {}), ...opts.env } });
}

/**
 * A dev server (root token `root`) started before the file's tests and stopped after them, and
 * the CLI bound to it; `addr` is set once the tests run.
 */
export function devServerCli(root: string): { run: Runner; readonly addr: string } {
  let srv: DevServer | undefined;
  let bound: Runner | undefined;
  before(async () => {
    srv = await startDevServer(root);
    bound = cli(srv.addr, root);
  });
  after(async () => {
    await srv?.stop();
  });
  return {
    run: (args, opts) => bound!(args, opts),
    get addr() {
      return srv!.addr;
    },
  };
}

/** Asserts the exit code, showing the output when it differs. */
export function expectCode(r: RunResult, code: number): RunResult {
  if (r.code !== code) throw new Error(`expected exit ${code}, got ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
