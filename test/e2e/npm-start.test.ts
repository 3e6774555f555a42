// `npm start` runs the dev server; killing the npm process (what a process manager or `kill`
// does) must stop the server too, not leave it running orphaned (npm -> sh -> node: npm passes
// SIGTERM to its child, so the script `exec`s node in place of the shell). The test waits for
// every process under npm to be gone, bounded only by its own timeout.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, it } from 'node:test';
import { freePort, tempDir } from '../support/server.js';

const ROOT_DIR = resolve(import.meta.dirname, '../../..');

/** Parent pid of a process, from /proc (undefined when it is gone). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function descendants(root: number): number[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of all) if (parentOf(c) === p) (out.push(c), walk(c));
  };
  walk(root);
  return out;
}

/** Running (a zombie waiting to be reaped counts as gone). */
const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

const leftovers: number[] = [];
after(() => {
  for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

it('kill <npm pid> stops the server started by `npm start`', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tempDir('coffer-npm-start-') };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
  const npm = spawn('npm', ['start', '--', `-dev-listen-address=127.0.0.1:${port}`, '-dev-no-store-token', '-dev-root-token-id=npm-start-root'], { cwd: ROOT_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((r) => npm.once('exit', () => r()));
  await new Promise<void>((res, rej) => {
    const check = (): void => {
      if (/Root Token: npm-start-root/.test(out)) res();
      else if (npm.exitCode !== null) rej(new Error(`npm start exited:\n${out}`));
      else setTimeout(check, 50);
    };
    check();
  });
  const under = descendants(npm.pid!);
  leftovers.push(...under);
  assert.ok(under.some((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('coffer.js')), `the coffer server runs under npm: ${under.join(',')}`);

  npm.kill('SIGTERM');
  await exited;
  while (under.some(alive)) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(under.filter(alive), [], 'no process started by npm start is left');
  assert.match(out, /==> Coffer shutdown triggered/);
});
