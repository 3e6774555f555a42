// The Vault API client: address, token, TLS, timeouts and retries, and the generic calls
// (read, write, list, delete, patch, request). Typed helpers hang off it: kv, sys, token, auth.

import { readFileSync } from 'node:fs';
import { AuthApi } from './auth.js';
import { errorMessages, parseEnvelope } from './envelope.js';
import { configFromEnv, DEFAULT_ADDRESS, type Env } from './env.js';
import { VaultError, type VaultErrorInit } from './errors.js';
import { KvApi, kvKind, type KvKind } from './kv.js';
import { LifetimeWatcher, type LifetimeWatcherOptions } from './lifetime-watcher.js';
import { backoffMs, DEFAULT_RETRY, isRetryable, isTlsCode, retryAfterMs, type Outcome, type RetryPolicy } from './retry.js';
import { SysApi } from './sys.js';
import { TokenApi } from './token.js';
import { Transport, TransportError, type WireRequest, type WireResponse } from './transport.js';
import type { Query, RawResponse, RequestOptions, VaultResponse } from './types.js';

export const DEFAULT_TIMEOUT_MS = 60_000;

type AttemptResult =
  | { response: RawResponse }
  | { failure: Omit<VaultErrorInit, 'method' | 'path'>; outcome: Outcome; retryAfter?: number; timedOut?: boolean };

export interface ClientOptions {
  /** Default: VAULT_ADDR, else http://127.0.0.1:8200. */
  address?: string;
  /** Default: VAULT_TOKEN. */
  token?: string;
  /** PEM text of the CA certificate(s), or the path of a PEM file. Default: the file named by VAULT_CACERT. */
  caCert?: string | Buffer;
  /** Do not verify the server's certificate. Default: VAULT_SKIP_VERIFY, else false. */
  tlsSkipVerify?: boolean;
  /** Per call, across its retries. Default: VAULT_CLIENT_TIMEOUT, else 60 s. */
  timeoutMs?: number;
  /** Retries after the first attempt. Default: VAULT_MAX_RETRIES, else 2. */
  retries?: number;
  retryMinDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Also retry PUT/POST/PATCH on 502/504 and on connections reset after sending (Vault Go client behaviour). */
  retryNonIdempotent?: boolean;
  /** Most connections open to the server at once; further requests wait for one. Default: no limit. */
  maxSockets?: number;
  /** Where the defaults come from; default process.env. Pass {} to ignore the environment. */
  env?: Env;
  /** For tests: the jitter source. */
  random?: () => number;
}

function loadCa(ca: string | Buffer): string | Buffer {
  if (Buffer.isBuffer(ca) || ca.includes('-----BEGIN')) return ca;
  try {
    return readFileSync(ca);
  } catch (e) {
    throw new Error(`cannot read the CA certificate file ${JSON.stringify(ca)}: ${(e as Error).message}`, { cause: e });
  }
}

/** `a/b c` -> `a/b%20c`: each segment escaped, slashes kept, leading slashes dropped. */
function escapePath(path: string): string {
  return path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) q.append(k, String(x));
    else q.append(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Waits `ms`; rejects as soon as any of the signals aborts. */
function sleep(ms: number, signals: ReadonlyArray<AbortSignal | undefined>): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  return new Promise((resolve, reject) => {
    const aborted = live.find((s) => s.aborted);
    if (aborted) return reject(aborted.reason);
    const t = setTimeout(() => {
      for (const s of live) s.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    function onAbort(this: AbortSignal): void {
      clearTimeout(t);
      for (const s of live) s.removeEventListener('abort', onAbort);
      reject(this.reason);
    }
    for (const s of live) s.addEventListener('abort', onAbort, { once: true });
  });
}

export class Client {
  readonly address: string;
  readonly timeoutMs: number;
  readonly retry: Readonly<RetryPolicy>;
  readonly kv: KvApi;
  readonly sys: SysApi;
  readonly token: TokenApi;
  readonly auth: AuthApi;
  private clientToken: string | undefined;
  private readonly transport: Transport;
  private readonly random: () => number;
  /** Aborted by close(): ends the waits between retries. */
  private readonly closing = new AbortController();

  constructor(options: ClientOptions = {}) {
    const env = configFromEnv(options.env ?? process.env);
    this.address = (options.address ?? env.address ?? DEFAULT_ADDRESS).replace(/\/+$/, '');
    let base: URL;
    try {
      base = new URL(this.address);
    } catch {
      throw new Error(`invalid Vault address ${JSON.stringify(this.address)}: expected a URL such as https://vault.example.com:8200`);
    }
    this.clientToken = options.token ?? env.token;
    const ca = options.caCert ?? env.caCertFile;
    this.transport = new Transport(base, {
      ca: ca === undefined ? undefined : loadCa(ca),
      rejectUnauthorized: !(options.tlsSkipVerify ?? env.tlsSkipVerify ?? false),
    }, { maxSockets: options.maxSockets });
    this.timeoutMs = options.timeoutMs ?? env.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = {
      retries: options.retries ?? env.retries ?? DEFAULT_RETRY.retries,
      minDelayMs: options.retryMinDelayMs ?? DEFAULT_RETRY.minDelayMs,
      maxDelayMs: options.retryMaxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
      retryNonIdempotent: options.retryNonIdempotent ?? DEFAULT_RETRY.retryNonIdempotent,
    };
    this.random = options.random ?? Math.random;
    this.kv = new KvApi(this);
    this.sys = new SysApi(this);
    this.token = new TokenApi(this);
    this.auth = new AuthApi(this);
  }

  /** The token sent as X-Vault-Token (undefined: none). */
  getToken(): string | undefined {
    return this.clientToken;
  }

  setToken(token: string | undefined): void {
    this.clientToken = token;
  }

  clearToken(): void {
    this.clientToken = undefined;
  }

  /** GET; null when the server answers 404 without data (Vault's Go client does the same). */
  async read<T = Record<string, unknown>>(path: string, query?: Query): Promise<VaultResponse<T> | null> {
    return this.readOrNull<T>('GET', path, { query });
  }

  /** PUT with a JSON body; null for 204. */
  async write<T = Record<string, unknown>>(path: string, data: unknown = {}): Promise<VaultResponse<T> | null> {
    return this.request<T>('PUT', path, { body: data });
  }

  /** LIST; null when there is nothing to list (404). */
  async list<T = { keys: string[] }>(path: string): Promise<VaultResponse<T> | null> {
    return this.readOrNull<T>('LIST', path, {});
  }

  async delete<T = Record<string, unknown>>(path: string, query?: Query): Promise<VaultResponse<T> | null> {
    return this.request<T>('DELETE', path, { query });
  }

  /** PATCH with a JSON merge patch (application/merge-patch+json), as KV v2 expects. */
  async patch<T = Record<string, unknown>>(path: string, data: unknown): Promise<VaultResponse<T> | null> {
    return this.request<T>('PATCH', path, { body: data, contentType: 'application/merge-patch+json' });
  }

  /** Any method; the envelope, or null for 204/empty. Throws VaultError for non-2xx (except `acceptStatus`). */
  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<VaultResponse<T> | null> {
    const res = await this.rawRequest(method, path, options);
    if (res.status === 204 || res.text.trim() === '') return null;
    const env = parseEnvelope<T>(res.body);
    if (!env) {
      throw new VaultError({ status: res.status, errors: ['the server answered with something other than a JSON object'], method, path: this.cleanPath(path), kind: 'invalid-response' });
    }
    return env;
  }

  /** Any method; the answer as received. Throws VaultError for non-2xx (except `acceptStatus`). */
  async rawRequest(method: string, path: string, options: RequestOptions = {}): Promise<RawResponse> {
    const m = method.toUpperCase();
    const clean = this.cleanPath(path);
    const headers: Record<string, string> = { 'X-Vault-Request': 'true', ...options.headers };
    const token = options.token === undefined ? this.clientToken : options.token;
    if (token) headers['X-Vault-Token'] = token;
    if (options.wrapTtl !== undefined) headers['X-Vault-Wrap-TTL'] = String(options.wrapTtl);
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    const prefix = this.transport.base.pathname.replace(/\/+$/, '');
    const inline = path.indexOf('?') >= 0 ? path.slice(path.indexOf('?') + 1) : '';
    const extra = queryString(options.query);
    const query = inline ? `?${inline}${extra ? `&${extra.slice(1)}` : ''}` : extra;
    const pathAndQuery = `${prefix}/v1/${escapePath(clean)}${query}`;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const signal = options.signal;
    const retries = options.retries ?? this.retry.retries;
    const fail = (init: Omit<VaultErrorInit, 'method' | 'path'>): VaultError => new VaultError({ ...init, method: m, path: clean });
    const closed = this.closing.signal;
    const abortError = (attempts: number, cause: unknown): VaultError =>
      closed.aborted
        ? fail({ status: 0, errors: ['the client was closed'], kind: 'aborted', code: 'ERR_CLIENT_CLOSED', attempts, cause })
        : options.signal?.aborted
          ? fail({ status: 0, errors: ['the request was aborted'], kind: 'aborted', attempts, cause })
          : fail({ status: 0, errors: [`timed out after ${timeoutMs} ms`], kind: 'timeout', code: 'ETIMEDOUT', attempts });

    for (let attempt = 0; ; attempt++) {
      const r = await this.attempt({ method: m, pathAndQuery, headers, body, timeoutMs: deadline - Date.now(), signal }, options.acceptStatus);
      if ('response' in r) return r.response;
      const error = fail({ ...r.failure, attempts: attempt + 1 });
      if (closed.aborted || signal?.aborted || r.timedOut) throw abortError(attempt + 1, error);
      if (attempt >= retries || !isRetryable(m, r.outcome, this.retry)) throw error;
      const delay = backoffMs(attempt, this.retry, this.random, r.retryAfter);
      // No time left for the wait and another try: report what went wrong, not a timeout.
      if (Date.now() + delay >= deadline) throw error;
      try {
        await sleep(delay, [signal, closed]);
      } catch (e) {
        throw abortError(attempt + 1, e);
      }
    }
  }

  /** One HTTP exchange: the answer when it counts as success, else what failed and how. */
  private async attempt(req: WireRequest, acceptStatus: readonly number[] | undefined): Promise<AttemptResult> {
    let res: WireResponse;
    try {
      res = await this.transport.send(req);
    } catch (e) {
      const code = e instanceof TransportError ? e.code : 'UNKNOWN';
      const tls = isTlsCode(code);
      const msg = e instanceof Error ? e.message : String(e);
      return {
        failure: { status: 0, errors: [tls ? `TLS error talking to ${this.address}: ${msg}` : `cannot reach ${this.address}: ${msg}`], kind: tls ? 'tls' : 'connection', code, cause: e },
        outcome: { kind: 'transport', code, reusedSocket: e instanceof TransportError && e.reusedSocket },
        timedOut: e instanceof TransportError && e.timedOut,
      };
    }
    let parsed: unknown = null;
    try {
      parsed = res.text ? (JSON.parse(res.text) as unknown) : null;
    } catch {
      parsed = null;
    }
    if ((res.status >= 200 && res.status < 300) || (acceptStatus?.includes(res.status) ?? false)) {
      return { response: { status: res.status, headers: res.headers, text: res.text, body: parsed } };
    }
    return {
      failure: { status: res.status, errors: errorMessages(parsed, res.text) },
      outcome: { kind: 'status', status: res.status },
      retryAfter: res.status === 429 || res.status === 503 ? retryAfterMs(res.headers['retry-after']) : undefined,
    };
  }

  /** Which KV version is mounted at (the mount holding) `path`, from sys/internal/ui/mounts. */
  kvKind(path: string): Promise<KvKind> {
    return kvKind(this, path);
  }

  /** Starts watching a token or lease: renews it before it expires, reports when it cannot any more. */
  lifetimeWatcher(options: LifetimeWatcherOptions): LifetimeWatcher {
    const w = new LifetimeWatcher(this, options);
    w.start();
    return w;
  }

  /**
   * Closes the client: requests under way and waits between retries end at once (a VaultError of
   * kind 'aborted', code ERR_CLIENT_CLOSED), later calls fail the same way, connections close.
   */
  close(): void {
    this.closing.abort();
    this.transport.close();
  }

  private async readOrNull<T>(method: string, path: string, options: RequestOptions): Promise<VaultResponse<T> | null> {
    const res = await this.rawRequest(method, path, { ...options, acceptStatus: [404] });
    if (res.status === 204 || res.text.trim() === '') return null;
    const env = parseEnvelope<T>(res.body);
    if (res.status === 404) return env && (env.data !== null || (env.warnings?.length ?? 0) > 0) ? env : null;
    if (!env) throw new VaultError({ status: res.status, errors: ['the server answered with something other than a JSON object'], method, path: this.cleanPath(path), kind: 'invalid-response' });
    return env;
  }

  /** The path without leading slashes and without an inline query (`sys/metrics?format=x`). */
  private cleanPath(path: string): string {
    return path.replace(/^\/+/, '').split('?')[0]!;
  }
}
