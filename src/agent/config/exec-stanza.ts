// Reads `exec { command, restart_on_secret_changes, restart_stop_signal }`: the app the agent
// runs with env_template values as environment variables (Vault's process-supervisor mode).

import { constants } from 'node:os';
import type { HclObject } from '../../hcl/index.js';
import { checkKeys, command, fail, str, type Site } from './read.js';
import type { ExecConfig } from './types.js';

export function readExec(site: Site, body: HclObject, at: string): ExecConfig {
  const what = 'exec';
  checkKeys(site, body, what, {
    supported: ['command', 'restart_on_secret_changes', 'restart_stop_signal'],
    unsupported: { child_process_stdout: "the app's output goes to the agent's stdout", child_process_stderr: "the app's errors go to the agent's stderr" },
  });
  const cmd = command(site, body, 'command', what);
  if (cmd === undefined) fail(site, body, Object.keys(body)[0] ?? 'command', 'exec needs command = ["/path/to/app", "arg"]');
  const restart = (str(site, body, 'restart_on_secret_changes', what) ?? 'always').toLowerCase();
  if (restart !== 'always' && restart !== 'never') fail(site, body, 'restart_on_secret_changes', `exec.restart_on_secret_changes must be "always" or "never", not ${JSON.stringify(restart)}`);
  let signal = (str(site, body, 'restart_stop_signal', what) ?? 'SIGTERM').toUpperCase();
  if (!signal.startsWith('SIG')) signal = `SIG${signal}`;
  if (!Object.prototype.hasOwnProperty.call(constants.signals, signal)) fail(site, body, 'restart_stop_signal', `exec.restart_stop_signal: ${JSON.stringify(signal)} is not a signal name such as "SIGTERM"`);
  return {
    command: typeof cmd === 'string' ? ['/bin/sh', '-c', cmd] : cmd,
    restartOnSecretChanges: restart,
    restartStopSignal: signal as NodeJS.Signals,
    where: at,
  };
}
