// runAgent(): wires the pieces together and decides the exit code.
//   auto_auth login -> sinks -> first render of every template (and env_template) ->
//   exit_after_auth: exit 0 once every template rendered and its command finished;
//   otherwise: start exec's app, mark ready (native sidecar), keep renewing and re-rendering.
// Any fatal problem (a login that cannot succeed, a template that cannot render) stops the
// agent with exit code 1 and the reason on stderr; in exec mode the agent exits with the app's
// code, and once the app runs a failed refresh is logged rather than fatal.
// Stopping (SIGTERM, SIGINT, or any of the above) is immediate: every backoff (auth, template
// retry, sink write retry), renewal timer and request under way is cancelled at once; only exec's
// app is waited for (it gets the signal and the agent exits with its code).

import { rm, writeFile } from 'node:fs/promises';
import { Client } from '../client/index.js';
import { AuthHandler, createAuthMethod } from './auth/index.js';
import { parseDurationMs, type AgentConfig } from './config/index.js';
import { resolveConnection, type ConnectionFlags } from './connection.js';
import { ExecSupervisor } from './exec.js';
import type { Logger } from './log.js';
import type { RunningProxy } from './proxy.js';
import { Readiness } from './readiness.js';
import { SecretFetcher } from './secret-fetcher.js';
import { FileSink } from './sink.js';
import { TemplateRunner } from './template-runner.js';

export interface AgentOptions {
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  flags?: ConnectionFlags & { readyFile?: string; readyAddress?: string };
  /** Install SIGTERM/SIGINT/SIGHUP/... handlers (default true). */
  handleSignals?: boolean;
}

/**
 * Kept-alive connections to the server at most. Every template refreshes at once, and without a
 * cap each one leaves a connection (with TLS, ~40 KB of buffers and session state) open for good.
 */
const MAX_CONNECTIONS = 8;

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/**
 * COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF: the first wait before a failed template fetch is tried
 * again (default 250 ms, doubling up to a minute), e.g. "5s" for a server known to be slow to come back.
 */
function templateRetryMinMs(env: AgentOptions['env']): number | undefined {
  const v = env.COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF;
  if (v === undefined || v === '') return undefined;
  try {
    return parseDurationMs(v);
  } catch (e) {
    throw new Error(`COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF: ${(e as Error).message}`);
  }
}

export async function runAgent(config: AgentConfig, options: AgentOptions): Promise<number> {
  const log = options.log;
  const env = options.env;
  for (const w of config.warnings) log.warn(w);
  const conn = resolveConnection(config.vault, env, options.flags);
  log.info('Coffer agent starting', { vault: conn.address, from: conn.addressFrom, templates: config.templates.length, mode: config.exitAfterAuth ? 'exit_after_auth' : config.exec ? 'exec' : 'long-running' });
  const client = new Client({ address: conn.address, caCert: conn.caCert, tlsSkipVerify: conn.tlsSkipVerify, retries: conn.numRetries === 0 ? 0 : 2, env: {}, maxSockets: MAX_CONNECTIONS });

  const retryMinMs = templateRetryMinMs(env);
  /** Aborted the moment the agent starts stopping. */
  const stopping = new AbortController();
  let resolveFinish!: (code: number) => void;
  const finished = new Promise<number>((r) => (resolveFinish = r));
  let finishing = false;
  const finish = (code: number, reason?: string): void => {
    if (finishing) return;
    finishing = true;
    if (reason) log.error(reason);
    resolveFinish(code);
  };
  const fatal = (e: unknown): void => finish(1, `agent stopping: ${e instanceof Error ? e.message : String(e)}`);

  const readyFile = options.flags?.readyFile ?? config.readiness?.file;
  const readyAddress = options.flags?.readyAddress ?? config.readiness?.address;
  const readiness = new Readiness({ ...(readyFile ? { file: readyFile } : {}), ...(readyAddress ? { address: readyAddress } : {}) }, log.named('readiness'));

  let handler: AuthHandler | undefined;
  let exec: ExecSupervisor | undefined;
  let proxy: RunningProxy | undefined;
  const fetcher = new SecretFetcher(client, log.named('template'), () => void handler?.verifyToken());
  const runner = new TemplateRunner({
    client,
    fetcher,
    templates: config.templates,
    envTemplates: config.envTemplates,
    global: config.templateConfig,
    numRetries: conn.numRetries,
    once: config.exitAfterAuth,
    log: log.named('template'),
    onFatal: (e, rendered) => {
      // A Vault outage must not take the app down with it: once exec's app runs, a failed refresh
      // leaves it running with the environment it has.
      if (rendered && exec?.running) log.error(`${e.message}; the app keeps running with its current environment`);
      else fatal(e);
    },
    onEnvChange: (e) => void exec?.restart(e).catch(fatal),
    ...(retryMinMs !== undefined ? { retryMinMs } : {}),
  });

  const onSignal = (sig: NodeJS.Signals): void => {
    if (exec?.running) return exec.forward(sig);
    if (sig === 'SIGHUP' || sig === 'SIGUSR1' || sig === 'SIGUSR2') return log.info('signal ignored: nothing to reload', { signal: sig });
    if (config.exitAfterAuth) return finish(1, `agent stopping: ${sig} arrived before every template rendered (exit_after_auth)`);
    log.info('shutting down', { signal: sig });
    finish(0);
  };
  if (options.handleSignals !== false) for (const s of FORWARDED) process.on(s, onSignal);

  let firstToken: Promise<void> = Promise.resolve();
  let pidWritten = false;
  try {
    if (config.pidFile) {
      await writeFile(config.pidFile, `${process.pid}\n`).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`cannot write pid_file ${config.pidFile}: ${e.code ?? e.message}`);
      });
      pidWritten = true;
    }
    await readiness.start();
    const aa = config.autoAuth;
    if (aa) {
      const sinks = aa.sinks.map((s) => new FileSink(s, client, log.named('sink.file'), stopping.signal));
      let resolveFirst!: () => void;
      firstToken = new Promise((r) => (resolveFirst = r));
      handler = new AuthHandler({
        client,
        method: createAuthMethod(aa.method),
        config: aa.method,
        log: log.named(`auth.${aa.method.type}`),
        once: config.exitAfterAuth,
        maxRetries: conn.numRetries,
        onToken: async ({ token, first }) => {
          client.setToken(token);
          fetcher.setToken(token);
          await Promise.all(sinks.map((s) => s.writeToken(token)));
          if (first) resolveFirst();
          else void runner.tokenChanged().catch(fatal);
        },
        onLifetime: (l) => runner.tokenLifetime(l),
        onWrapped: async (w) => {
          await Promise.all(sinks.map((s) => s.writeWrapped(w)));
          resolveFirst();
        },
      });
      handler.run().catch(fatal);
    } else {
      client.setToken(env.VAULT_TOKEN);
      fetcher.setToken(env.VAULT_TOKEN);
    }
    if (config.listeners.length > 0) {
      const { startProxy } = await import('./proxy.js');
      proxy = await startProxy({
        listeners: config.listeners,
        vaultAddress: conn.address,
        caCert: conn.caCert,
        tlsSkipVerify: conn.tlsSkipVerify,
        useAutoAuthToken: config.apiProxy?.useAutoAuthToken ?? false,
        getToken: () => handler?.currentToken ?? env.VAULT_TOKEN,
        log: log.named('apiproxy'),
      });
    }
    void (async () => {
      await Promise.race([firstToken, finished]);
      if (finishing) return;
      if (runner.size > 0) {
        await runner.renderAll();
        await Promise.race([runner.allRendered, finished]);
        if (finishing) return;
      }
      if (config.exitAfterAuth) {
        log.info('exit_after_auth: authenticated and every template rendered; exiting');
        return finish(0);
      }
      if (config.exec) {
        exec = new ExecSupervisor(config.exec, log.named('exec'), (code) => finish(code));
        exec.start(runner.env);
      }
      await readiness.markReady();
    })().catch(fatal);
  } catch (e) {
    fatal(e);
  }

  const code = await finished;
  if (options.handleSignals !== false) for (const s of FORWARDED) process.off(s, onSignal);
  // Everything at once: timers and backoffs cleared, requests under way abandoned.
  stopping.abort();
  handler?.stop();
  runner.stop();
  client.close();
  await exec?.stop().catch(() => undefined);
  await proxy?.close().catch(() => undefined);
  await readiness.stop();
  if (config.pidFile && pidWritten) await rm(config.pidFile, { force: true });
  return code;
}
