// Keeps every template (file templates and exec's env_templates) rendered: the first render with
// retries, then re-renders when what they read changes. Leased secrets (database credentials) are
// kept by a LeaseKeeper: renewed while renewals extend them, so the file keeps the same
// credentials, and fetched again (and re-rendered) only when the lease cannot be kept (renewal
// refused, not renewable, max TTL near). The runner also warns when the agent's own token ends
// for good before such a lease: the server revokes a token's leases with it. Secrets without a
// lease (KV) are fetched again every static_secret_render_interval. A file is written
// (atomically, with its perms) only when its text changes, and then its command runs. Fail fast:
// a template that cannot render after its retries calls onFatal, unless
// template_config.exit_on_retry_failure = false asks for Vault's keep-retrying behaviour.

import { readFile } from 'node:fs/promises';
import { systemClock, type Client, type Clock } from '../client/index.js';
import { parse, type MissingKeyMode, type Template } from '../template/index.js';
import { atomicWrite, existingMode } from './atomic-write.js';
import type { EnvTemplateConfig, TemplateConfig, TemplateGlobalConfig } from './config/index.js';
import { LeaseKeeper } from './lease-keeper.js';
import type { Logger } from './log.js';
import { RenderError, renderTemplate } from './render.js';
import { runCommand } from './run-command.js';
import { SecretFetchError, type Dep, type Fetched, type SecretFetcher } from './secret-fetcher.js';
import { agentFunctions, NOTHING_FETCHED, type LookupSlot } from './template-funcs.js';
import { wait } from './wait.js';

/** consul-template's retry backoff: 250 ms doubling up to 1 minute. */
export const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 60_000;

interface Unit {
  kind: 'file' | 'env';
  name: string;
  where: string;
  tpl: Template;
  slot: LookupSlot;
  missingKey: MissingKeyMode;
  file?: TemplateConfig;
  deps: Map<string, Dep>;
  output: string | undefined;
  rendered: boolean;
  failing: boolean;
  queue: Promise<unknown>;
  retryTimer: NodeJS.Timeout | undefined;
}

export interface TemplateRunnerOptions {
  client: Client;
  fetcher: SecretFetcher;
  templates: readonly TemplateConfig[];
  envTemplates: readonly EnvTemplateConfig[];
  global: TemplateGlobalConfig;
  /** Retries of a failed fetch before giving up (vault.retry.num_retries resolved: 12, or 0 for -1). */
  numRetries: number;
  /** exit_after_auth: render once, no refresh; a failed command is an error. */
  once: boolean;
  log: Logger;
  /** A template failed for good; `rendered`: it had rendered before (this was a refresh). */
  onFatal(e: Error, rendered: boolean): void;
  /** An env_template's value changed after the first render. */
  onEnvChange?(env: Record<string, string>): void;
  random?: () => number;
  /** The first retry's wait (default 250 ms), doubled each retry up to max(1 minute, this). */
  retryMinMs?: number;
  /** Time for lease renewal and replacement (tests). */
  clock?: Clock;
}

/** When the agent's auth token expires; `final`: it will not be extended (not renewable, or capped by its max TTL). */
export interface TokenLifetime {
  expiresAt: number;
  final: boolean;
}

export class TemplateRunner {
  private readonly units: Unit[];
  private readonly leases = new Map<string, { keeper: LeaseKeeper; path: string }>();
  private tokenLife: TokenLifetime | undefined;
  private readonly warned = new Set<string>();
  private staticTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Aborted by stop(): ends retry waits at once. */
  private readonly stopping = new AbortController();
  private readonly random: () => number;
  private readonly allRenderedPromise: Promise<void>;
  private resolveAllRendered!: () => void;

  constructor(private readonly o: TemplateRunnerOptions) {
    this.random = o.random ?? Math.random;
    this.allRenderedPromise = new Promise((r) => (this.resolveAllRendered = r));
    const unit = (kind: Unit['kind'], name: string, where: string, text: string, errorOnMissingKey: boolean, left?: string, right?: string, denylist: readonly string[] = []): Unit => {
      const slot: LookupSlot = { current: NOTHING_FETCHED };
      return {
        kind,
        name,
        where,
        tpl: parse(text, { name, funcs: agentFunctions(slot, denylist), leftDelim: left, rightDelim: right }),
        slot,
        missingKey: errorOnMissingKey ? 'error' : 'default',
        deps: new Map(),
        output: undefined,
        rendered: false,
        failing: false,
        queue: Promise.resolve(),
        retryTimer: undefined,
      };
    };
    this.units = [
      ...o.templates.map((t) => ({ ...unit('file', t.destination, t.where, t.text, t.errorOnMissingKey, t.leftDelimiter, t.rightDelimiter, t.functionDenylist), file: t })),
      ...o.envTemplates.map((e) => unit('env', e.name, e.where, e.text, e.errorOnMissingKey, e.leftDelimiter, e.rightDelimiter)),
    ];
    if (this.units.length === 0) this.resolveAllRendered();
  }

  get size(): number {
    return this.units.length;
  }

  /** The env_template values (NAME -> rendered text). */
  get env(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const u of this.units) if (u.kind === 'env' && u.output !== undefined) out[u.name] = u.output;
    return out;
  }

  /** Resolves once every template has rendered at least once. */
  get allRendered(): Promise<void> {
    return this.allRenderedPromise;
  }

  /** The first render of every template (in parallel); true when all of them rendered. */
  async renderAll(): Promise<boolean> {
    const results = await Promise.all(this.units.map((u) => this.renderQueued(u)));
    if (!this.o.once && !this.stopped) this.startStaticTimer();
    return results.every(Boolean);
  }

  /** A new auto-auth token: leases of the old one are dropped and every template renders anew. */
  async tokenChanged(): Promise<void> {
    this.stopLeases();
    this.warned.clear();
    await this.rerender(this.units);
  }

  stop(): void {
    this.stopped = true;
    this.stopping.abort();
    if (this.staticTimer) clearInterval(this.staticTimer);
    this.stopLeases();
    for (const u of this.units) if (u.retryTimer) clearTimeout(u.retryTimer);
  }

  private stopLeases(): void {
    for (const l of this.leases.values()) l.keeper.stop();
    this.leases.clear();
  }

  /** The auth token's expiry, after each login and renewal: leases that would outlive a token ending for good are warned about. */
  tokenLifetime(t: TokenLifetime | undefined): void {
    this.tokenLife = t;
    for (const [key, l] of this.leases) this.checkTokenEnd(key, l.path, l.keeper);
  }

  /**
   * A lease is a child of the token that read it: when the token ends (its max TTL), the server
   * revokes the lease and the app's credentials stop working. The agent logs in again shortly
   * before and renders new credentials; say so in advance, once per secret and token.
   */
  private checkTokenEnd(key: string, path: string, k: LeaseKeeper): void {
    const t = this.tokenLife;
    if (!t || !t.final || k.replaceAt <= t.expiresAt) return;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    const now = (this.o.clock ?? systemClock).now();
    this.o.log.warn(
      "the agent's token ends before a lease it read; the server revokes the lease with the token, so the agent will log in again and render new credentials then (raise the auth role's token_max_ttl above the secret's max_ttl to keep them)",
      {
        path,
        token_ends_in: `${Math.max(0, Math.round((t.expiresAt - now) / 1000))}s`,
        lease_ends_in: k.final ? `${Math.max(0, Math.round((k.expiresAt - now) / 1000))}s` : 'renewed while the pod runs',
      },
    );
  }

  private startStaticTimer(): void {
    if (this.staticTimer || this.units.length === 0) return;
    this.staticTimer = setInterval(() => void this.refreshStatic(), this.o.global.staticSecretRenderIntervalMs);
  }

  private async refreshStatic(): Promise<void> {
    const keys = new Map<string, Dep>();
    for (const u of this.units) {
      for (const [k, d] of u.deps) {
        const f = this.o.fetcher.recall(k);
        if (!f || f.leaseId === '') keys.set(k, d);
      }
    }
    this.o.log.debug('re-reading secrets without a lease', { count: keys.size });
    await this.refresh([...keys.values()]);
  }

  /** Fetches deps again; templates reading one that changed (or failed) render again. */
  private async refresh(deps: readonly Dep[]): Promise<void> {
    if (this.stopped) return;
    const changed = new Set<string>();
    await Promise.all(
      deps.map(async (d) => {
        const old = this.o.fetcher.recall(d.key);
        try {
          const f = await this.o.fetcher.refetch(d);
          if (!old || f.fingerprint !== old.fingerprint) changed.add(d.key);
        } catch (e) {
          this.o.log.warn('error re-reading a secret', { path: d.path, error: (e as Error).message });
          this.o.fetcher.forget(d.key);
          changed.add(d.key);
        }
      }),
    );
    const affected = this.units.filter((u) => u.failing || [...u.deps.keys()].some((k) => changed.has(k)));
    if (affected.length > 0) await this.rerender(affected);
  }

  private async rerender(units: readonly Unit[]): Promise<void> {
    const envBefore = JSON.stringify(this.env);
    await Promise.all(units.map((u) => this.renderQueued(u)));
    const env = this.env;
    if (!this.stopped && JSON.stringify(env) !== envBefore && this.units.every((u) => u.kind !== 'env' || u.rendered)) this.o.onEnvChange?.(env);
  }

  /** Renders of one template never overlap. */
  private renderQueued(u: Unit): Promise<boolean> {
    const p = u.queue.then(() => this.renderWithRetry(u));
    u.queue = p;
    return p;
  }

  private async renderWithRetry(u: Unit): Promise<boolean> {
    if (u.retryTimer) clearTimeout(u.retryTimer);
    u.retryTimer = undefined;
    for (let attempt = 0; ; attempt++) {
      if (this.stopped) return false;
      try {
        await this.renderOnce(u);
        u.failing = false;
        if (this.units.every((x) => x.rendered)) this.resolveAllRendered();
        return true;
      } catch (e) {
        if (this.stopped) return false;
        const msg = (e as Error).message;
        const retryable = e instanceof SecretFetchError;
        if (retryable && attempt < this.o.numRetries) {
          const min = this.o.retryMinMs ?? RETRY_MIN_MS;
          const delay = Math.min(Math.max(RETRY_MAX_MS, min), min * 2 ** attempt);
          this.o.log.warn('template could not render; retrying', { template: u.name, error: msg, attempt: `${attempt + 1}/${this.o.numRetries}`, backoff: `${delay}ms` });
          await wait(delay, this.stopping.signal);
          continue;
        }
        const what = u.kind === 'env' ? `env_template "${u.name}"` : `template "${u.name}"`;
        const tries = retryable && this.o.numRetries > 0 ? ` (after ${this.o.numRetries} retries)` : '';
        const err = new Error(`${what} (${u.where}) failed${tries}: ${msg}`);
        u.failing = true;
        if (this.o.once || this.o.global.exitOnRetryFailure) {
          this.o.onFatal(err, u.rendered);
          return false;
        }
        this.o.log.error(`${err.message}; keeping the previous output (exit_on_retry_failure = false)`);
        if (retryable) u.retryTimer = setTimeout(() => void this.rerender([u]), RETRY_MAX_MS);
        return false;
      }
    }
  }

  private async renderOnce(u: Unit): Promise<void> {
    let result;
    try {
      result = await renderTemplate(u.tpl, u.slot, this.o.fetcher, { missingKey: u.missingKey });
    } catch (e) {
      if (e instanceof RenderError) this.track(u, e.deps);
      throw e;
    }
    this.track(u, result.deps);
    if (u.kind === 'env' || !u.file) {
      u.output = result.output;
      u.rendered = true;
      return;
    }
    const cfg = u.file;
    const existing = await readFile(cfg.destination, 'utf8').catch(() => undefined);
    u.output = result.output;
    if (existing === result.output) {
      u.rendered = true;
      this.o.log.debug('template unchanged', { template: u.name });
      return;
    }
    const mode = cfg.perms ?? (await existingMode(cfg.destination)) ?? 0o644;
    try {
      await atomicWrite(cfg.destination, result.output, { mode, createDirs: cfg.createDestDirs, backup: cfg.backup, uid: cfg.uid, gid: cfg.gid });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`cannot write ${cfg.destination}: ${code === 'ENOENT' ? 'the directory does not exist (create_dest_dirs = false)' : (code ?? (e as Error).message)}`, { cause: e });
    }
    u.rendered = true;
    this.o.log.info('rendered', { template: u.name });
    if (cfg.command === undefined) return;
    try {
      await runCommand(cfg.command, cfg.commandTimeoutMs);
      this.o.log.debug('command finished', { template: u.name });
    } catch (e) {
      if (this.o.once) throw e;
      this.o.log.error('template command failed', { template: u.name, error: (e as Error).message });
    }
  }

  /** Remembers what a template read, and starts lease renewal / refetch timers for leased secrets. */
  private track(u: Unit, deps: readonly Dep[]): void {
    u.deps = new Map(deps.map((d) => [d.key, d]));
    if (this.o.once || this.stopped) return;
    for (const d of deps) {
      const f = this.o.fetcher.recall(d.key);
      if (f && f.leaseId !== '' && !this.leases.has(d.key)) this.watchLease(f);
    }
  }

  private watchLease(f: Fetched): void {
    const key = f.dep.key;
    const keeper: LeaseKeeper = new LeaseKeeper({
      client: this.o.client,
      leaseId: f.leaseId,
      path: f.dep.path,
      ttl: f.leaseDuration,
      renewable: f.renewable,
      threshold: this.o.global.leaseRenewalThreshold,
      log: this.o.log,
      random: this.random,
      ...(this.o.clock ? { clock: this.o.clock } : {}),
      onReplace: () => {
        if (this.leases.get(key)?.keeper !== keeper) return;
        this.leases.delete(key);
        void this.refresh([f.dep]);
      },
      onChange: () => {
        if (this.leases.get(key)?.keeper === keeper) this.checkTokenEnd(key, f.dep.path, keeper);
      },
    });
    this.leases.set(key, { keeper, path: f.dep.path });
    keeper.start();
    this.checkTokenEnd(key, f.dep.path, keeper);
  }
}
