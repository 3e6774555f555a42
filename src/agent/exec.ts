// Process supervisor (`exec { command = [...] }`): starts the app with the env_template values
// added to the agent's environment, passes stdio through, forwards signals, restarts the app
// (restart_stop_signal, then SIGKILL after 30 s) when a secret changes, and reports the app's
// own exit so the agent can exit with the same code.

import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import type { ExecConfig } from './config/index.js';
import type { Logger } from './log.js';

export const KILL_AFTER_MS = 30_000;

/** Shell convention: 128 + the signal number for a process killed by a signal. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n === undefined ? 1 : 128 + n;
}

export class ExecSupervisor {
  private child: ChildProcess | undefined;
  private restarting = false;
  private stopped = false;

  constructor(
    private readonly cfg: ExecConfig,
    private readonly log: Logger,
    /** The app exited by itself (not because of a restart): its exit code. */
    private readonly onExit: (code: number) => void,
    private readonly killAfterMs = KILL_AFTER_MS,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  start(env: Record<string, string>): void {
    const [file, ...args] = this.cfg.command;
    this.log.info('starting the app', { command: this.cfg.command.join(' '), env: Object.keys(env).sort().join(',') });
    const child = spawn(file!, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    this.child = child;
    child.on('error', (e) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.log.error('the app could not start', { command: file, error: e.message });
      if (!this.restarting) this.onExit(127);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      if (this.restarting) return;
      const status = exitCodeOf(code, signal);
      this.log.info('the app exited', { code: status, ...(signal ? { signal } : {}) });
      this.onExit(status);
    });
  }

  /** New secrets: stop the app with restart_stop_signal and start it again with the new env. */
  async restart(env: Record<string, string>): Promise<void> {
    if (this.stopped) return;
    if (this.cfg.restartOnSecretChanges === 'never') {
      this.log.info('a secret changed; not restarting the app (restart_on_secret_changes = "never")');
      return;
    }
    this.log.info('a secret changed; restarting the app', { signal: this.cfg.restartStopSignal });
    this.restarting = true;
    try {
      await this.terminate(this.cfg.restartStopSignal);
    } finally {
      this.restarting = false;
    }
    if (!this.stopped) this.start(env);
  }

  /** Passes a signal the agent received on to the app. */
  forward(signal: NodeJS.Signals): void {
    if (this.child?.pid !== undefined) {
      this.log.debug('forwarding a signal to the app', { signal });
      this.child.kill(signal);
    }
  }

  /** The agent is going away: stop the app (signal, then SIGKILL after the timeout). */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopped = true;
    await this.terminate(signal);
  }

  private terminate(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.log.warn('the app did not stop in time; killing it', { after: `${this.killAfterMs / 1000}s` });
        child.kill('SIGKILL');
      }, this.killAfterMs);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill(signal);
    });
  }
}
