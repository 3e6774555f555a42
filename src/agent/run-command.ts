// Runs a template's `command` after its file changed: a string (or a one-element list) through
// `sh -c`, a longer list directly; output goes to the agent's own stdout/stderr; killed after
// the timeout. Resolves when it exits; rejects with the reason when it fails.

import { spawn } from 'node:child_process';
import type { CommandSpec } from './config/index.js';

export function commandArgv(cmd: CommandSpec): string[] {
  if (typeof cmd === 'string') return ['/bin/sh', '-c', cmd];
  if (cmd.length === 1) return ['/bin/sh', '-c', cmd[0]!];
  return cmd;
}

export function runCommand(cmd: CommandSpec, timeoutMs: number): Promise<void> {
  const [file, ...args] = commandArgv(cmd);
  const shown = typeof cmd === 'string' ? cmd : cmd.join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(file!, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`command ${JSON.stringify(shown)} could not start: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`command ${JSON.stringify(shown)} did not finish within ${timeoutMs / 1000}s and was killed`));
      else if (code === 0) resolve();
      else reject(new Error(`command ${JSON.stringify(shown)} failed: ${signal ? `killed by ${signal}` : `exit status ${code}`}`));
    });
  });
}
