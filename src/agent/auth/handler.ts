// The auto_auth loop: log in (with exponential backoff between min_backoff and max_backoff),
// hand the token to the sinks and templates, keep it alive with a LifetimeWatcher (renew-self at
// about 2/3 of its TTL), and log in again when renewal stops working (revoked, max TTL reached,
// not renewable) or when asked to (a secret read was refused with this token).
//
// Which login failures are fatal: exit_on_err = true -> any; exit_on_err = false -> none (Vault:
// retry for ever); unset (Coffer's default) -> a 4xx answer or an unreadable credential file
// before the first successful login, which retrying cannot fix, so an init container fails with
// the reason instead of hanging. With exit_after_auth, other failures are retried
// vault.retry.num_retries times (default 12), then the agent exits 1.

import { VaultError, type AuthInfo, type Client, type LifetimeWatcher, type WrapInfo } from '../../client/index.js';
import type { MethodConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import { LocalAuthError, type AuthMethod } from './method.js';

export interface TokenEvent {
  token: string;
  auth: AuthInfo;
  /** True for the first login of this agent. */
  first: boolean;
}

export interface AuthHandlerOptions {
  client: Client;
  method: AuthMethod;
  config: MethodConfig;
  log: Logger;
  /** Stop after the first successful login (exit_after_auth): no renewal. */
  once: boolean;
  onToken(e: TokenEvent): Promise<void>;
  onWrapped(w: WrapInfo): Promise<void>;
  /**
   * The token's expiry after each login and renewal (undefined: it never expires); `final`: it
   * will not be extended (not renewable, or a renewal granted less than asked: its max TTL).
   */
  onLifetime?(l: { expiresAt: number; final: boolean } | undefined): void;
  /** With `once`: how many times a failed login is retried before giving up (vault.retry.num_retries). */
  maxRetries?: number;
  random?: () => number;
}

export class AuthFatalError extends Error {
  override readonly name = 'AuthFatalError';
}

export function describeError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isPermanent(e: unknown): boolean {
  if (e instanceof LocalAuthError) return true;
  return e instanceof VaultError && e.status >= 400 && e.status < 500 && e.status !== 412 && e.status !== 429;
}

export class AuthHandler {
  private stopped = false;
  private token: string | undefined;
  private watcher: LifetimeWatcher | undefined;
  private wake: (() => void) | undefined;
  private reauthReason: string | undefined;
  private lastVerify = 0;
  private readonly random: () => number;

  constructor(private readonly o: AuthHandlerOptions) {
    this.random = o.random ?? Math.random;
  }

  /** The current auto-auth token (undefined before the first login). */
  get currentToken(): string | undefined {
    return this.token;
  }

  /** Runs until stop() (or, with `once`, until the first login); rejects with AuthFatalError. */
  async run(): Promise<void> {
    const log = this.o.log;
    const m = this.o.config;
    let attempt = 0;
    let succeeded = false;
    while (!this.stopped) {
      if (this.reauthReason !== undefined) {
        log.info('logging in again', { reason: this.reauthReason });
        this.reauthReason = undefined;
      }
      let result;
      try {
        log.info('authenticating', { method: this.o.method.type, mount_path: m.mountPath });
        result = await this.o.method.login(this.o.client, m.wrapTtlSec === undefined ? {} : { wrapTtlSec: m.wrapTtlSec });
      } catch (e) {
        if (this.stopped) return;
        const msg = describeError(e);
        if (this.isFatal(e, succeeded)) {
          const hint = m.exitOnErr === undefined ? ' (set exit_on_err = false in the method block to keep retrying instead)' : '';
          throw new AuthFatalError(`auto_auth ${this.o.method.type} login at ${m.mountPath} failed: ${msg}${hint}`);
        }
        if (this.o.once && this.o.maxRetries !== undefined && attempt >= this.o.maxRetries) {
          throw new AuthFatalError(`auto_auth ${this.o.method.type} login at ${m.mountPath} failed ${attempt + 1} times (exit_after_auth gives up after vault.retry.num_retries retries): ${msg}`);
        }
        const delay = this.backoff(attempt++);
        log.error('error authenticating', { error: msg, backoff: `${(delay / 1000).toFixed(1)}s` });
        await this.sleep(delay);
        continue;
      }
      attempt = 0;
      if (result.kind === 'wrapped') {
        log.info('authentication successful, writing the response-wrapped token');
        await this.o.onWrapped(result.wrapInfo);
        succeeded = true;
        if (this.o.once) return;
        await this.sleep(Math.max(1000, result.wrapInfo.ttl * 1000 * 0.9));
        continue;
      }
      const auth = result.auth;
      this.token = auth.client_token;
      this.reauthReason = undefined; // a request made during this login was about the old token
      log.info('authentication successful', { ttl: `${auth.lease_duration}s`, renewable: auth.renewable });
      this.o.onLifetime?.(auth.lease_duration > 0 ? { expiresAt: Date.now() + auth.lease_duration * 1000, final: !auth.renewable } : undefined);
      await this.o.onToken({ token: auth.client_token, auth, first: !succeeded });
      succeeded = true;
      if (this.o.once || this.stopped) return;
      await this.watch(auth);
    }
  }

  /** Logs in again as soon as possible (the current token is no longer any good). */
  reauthenticate(reason: string): void {
    if (this.reauthReason !== undefined || this.stopped) return;
    this.reauthReason = reason;
    this.watcher?.stop();
    this.wake?.();
  }

  /**
   * Called when the server refused a request made with our token: asks lookup-self whether the
   * token is still valid, and logs in again if it is not. At most once per 5 seconds.
   */
  async verifyToken(now = Date.now()): Promise<void> {
    const token = this.token;
    if (!token || this.stopped || now - this.lastVerify < 5000) return;
    this.lastVerify = now;
    try {
      await this.o.client.request('GET', 'auth/token/lookup-self', { token });
    } catch (e) {
      if (e instanceof VaultError && e.status === 403 && this.token === token) this.reauthenticate('the server no longer accepts the token');
    }
  }

  stop(): void {
    this.stopped = true;
    this.watcher?.stop();
    this.wake?.();
  }

  private isFatal(e: unknown, succeeded: boolean): boolean {
    const exitOnErr = this.o.config.exitOnErr;
    if (exitOnErr !== undefined) return exitOnErr;
    return !succeeded && isPermanent(e);
  }

  private async watch(auth: AuthInfo): Promise<void> {
    const log = this.o.log;
    if (auth.lease_duration <= 0) {
      log.info('the token does not expire; not renewing it');
      await this.sleep(Infinity);
    } else {
      let capped = false;
      const watcher = this.o.client.lifetimeWatcher({
        kind: 'token',
        token: auth.client_token,
        ttl: auth.lease_duration,
        renewable: auth.renewable,
        increment: auth.lease_duration,
        random: this.random,
        onRenew: (e) => {
          log.debug('renewed the auth token', { ttl: `${e.ttl}s` });
          const final = !e.renewable || e.ttl < auth.lease_duration;
          if (final && !capped) log.info('the auth token is near its max TTL; the agent will log in again before it ends', { ttl: `${e.ttl}s` });
          capped ||= final;
          this.o.onLifetime?.({ expiresAt: e.renewedAt + e.ttl * 1000, final });
        },
        onError: (e) => log.warn('error renewing the auth token', { error: describeError(e) }),
      });
      this.watcher = watcher;
      const done = await Promise.race([watcher.done, new Promise<undefined>((r) => (this.wake = () => r(undefined)))]);
      watcher.stop();
      this.watcher = undefined;
      if (done && done.reason !== 'stopped') {
        const why = done.reason === 'failed' ? `renewal failed: ${describeError(done.error)}` : done.reason === 'max-ttl' ? 'the token reached its max TTL' : 'the token is not renewable and expires soon';
        log.info('logging in again', { reason: why });
      }
    }
    this.wake = undefined;
  }

  /** Exponential backoff from min_backoff to max_backoff, with up to 25% taken off at random. */
  private backoff(attempt: number): number {
    const { minBackoffMs, maxBackoffMs } = this.o.config;
    const base = Math.min(maxBackoffMs, minBackoffMs * 2 ** Math.min(attempt, 30));
    return Math.max(minBackoffMs, base * (1 - 0.25 * this.random()));
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const t = Number.isFinite(ms) ? setTimeout(() => done(), ms) : undefined;
      const done = (): void => {
        if (t) clearTimeout(t);
        this.wake = undefined;
        resolve();
      };
      this.wake = done;
    });
  }
}
