// The CLI's view of the server: a thin adapter over the shared client (src/client) that adds what
// the CLI needs on every call (-header, -namespace, -wrap-ttl, -ca-path), hands responses over as
// plain JSON for the formatters, and words errors as Vault's CLI does ("Error making API request.
// URL: ... Code: ... Errors: ..."). No token, request body or query string goes into a message.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, VaultError, type Query } from '../client/index.js';
import { LocalError, type ClientSettings } from './config.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Vault's response envelope as JSON (request_id, lease_id, lease_duration, renewable, data, warnings, auth, wrap_info). */
export type Envelope = JsonObject;

export interface CallOptions {
  body?: unknown;
  query?: Query;
  /** Overrides the token; null sends none. */
  token?: string | null;
  /** Overrides -wrap-ttl for this call ('' to not wrap). */
  wrapTtl?: string;
}

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    method: string,
    url: string,
  ) {
    super([`Error making API request.`, '', `URL: ${method} ${url}`, `Code: ${status}. Errors:`, '', ...errors.map((e) => `* ${e}`)].join('\n'));
    this.name = 'ApiError';
  }
}

/** No answer: connection refused, TLS failure, timeout. */
export class ConnectionError extends Error {}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Data decoded from JSON by the client, seen as JSON. */
function asJson(v: unknown): JsonObject | null {
  return isObject(v) ? v : null;
}

function readLocal(what: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new LocalError(`Error loading ${what} ${path}: ${(e as Error).message}`);
  }
}

function readCaPath(dir: string): string {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.(pem|crt|cer)$/i.test(f));
  } catch (e) {
    throw new LocalError(`Error loading CA path ${dir}: ${(e as Error).message}`);
  }
  return files.map((f) => readLocal('CA certificate', join(dir, f))).join('\n');
}

export class CliClient {
  private readonly api: Client;

  constructor(
    readonly settings: ClientSettings,
    env: Readonly<Record<string, string | undefined>>,
  ) {
    const ca = settings.caCert ? readLocal('CA certificate', settings.caCert) : settings.caPath ? readCaPath(settings.caPath) : undefined;
    try {
      this.api = new Client({
        ...(settings.address !== undefined ? { address: settings.address } : {}),
        ...(settings.token !== undefined ? { token: settings.token } : {}),
        ...(ca !== undefined ? { caCert: ca } : {}),
        ...(settings.tlsSkipVerify ? { tlsSkipVerify: true } : {}),
        env,
      });
    } catch (e) {
      throw new LocalError(`Error creating the client: ${(e as Error).message}`);
    }
  }

  get address(): string {
    return this.api.address;
  }

  /** The URL shown in messages: address and API path, never the query string. */
  urlFor(path: string): string {
    return `${this.api.address}/v1/${path.replace(/^\/+/, '').split('?')[0]}`;
  }

  private options(opts: CallOptions): { body?: unknown; query?: Query; token?: string | null; wrapTtl?: string; headers: Record<string, string> } {
    const o: { body?: unknown; query?: Query; token?: string | null; wrapTtl?: string; headers: Record<string, string> } = { headers: { ...this.settings.headers } };
    if (opts.body !== undefined) o.body = opts.body;
    if (opts.query !== undefined) o.query = opts.query;
    if (opts.token !== undefined) o.token = opts.token;
    const wrap = opts.wrapTtl ?? this.settings.wrapTtl;
    if (wrap) o.wrapTtl = wrap;
    return o;
  }

  private translate(e: unknown, method: string, path: string): unknown {
    if (!(e instanceof VaultError)) return e;
    if (e.status > 0) return new ApiError(e.status, e.errors, method, this.urlFor(path));
    const what = e.errors.length > 0 ? e.errors.join('; ') : e.message;
    return new ConnectionError(`${method} ${this.urlFor(path)}: ${what}`);
  }

  private async call<T>(method: string, path: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw this.translate(e, method, path);
    }
  }

  /** One API call: the envelope, null for an empty answer (204); ApiError for status >= 400. */
  request(method: string, path: string, opts: CallOptions = {}): Promise<Envelope | null> {
    return this.call(method, path, async () => {
      const r = await this.api.rawRequest(method, path, this.options(opts));
      if (r.status === 204 || r.text.trim() === '') return null;
      const body = asJson(r.body);
      if (!body) throw new ApiError(r.status, ['the server answered with something other than a JSON object'], method, this.urlFor(path));
      return body;
    });
  }

  /** A call to an endpoint that answers without the envelope (sys/seal-status, sys/init, sys/unseal). */
  requestBare(method: string, path: string, opts: CallOptions = {}): Promise<JsonObject> {
    return this.call(method, path, async () => asJson((await this.api.rawRequest(method, path, this.options(opts))).body) ?? {});
  }

  /** GET; null when there is nothing at the path (404 without data), as Vault's client does. */
  read(path: string, query?: Query): Promise<Envelope | null> {
    return this.call('GET', path, async () => {
      const o = this.options({});
      const r = await this.api.rawRequest('GET', path, { ...o, ...(query ? { query } : {}), acceptStatus: [404] });
      const body = asJson(r.body);
      if (r.status === 404) {
        const hasData = body !== null && ((isObject(body.data) && Object.keys(body.data).length > 0) || (Array.isArray(body.warnings) && body.warnings.length > 0));
        return hasData ? body : null;
      }
      return body;
    });
  }

  write(path: string, data: unknown, method: 'PUT' | 'POST' = 'PUT'): Promise<Envelope | null> {
    return this.request(method, path, { body: data ?? {} });
  }

  /** LIST; null when there is nothing to list (404). */
  list(path: string): Promise<Envelope | null> {
    return this.call('LIST', path, async () => {
      const r = await this.api.rawRequest('LIST', path, { ...this.options({}), acceptStatus: [404] });
      return r.status === 404 ? null : asJson(r.body);
    });
  }

  delete(path: string, query?: Query): Promise<Envelope | null> {
    return this.request('DELETE', path, query ? { query } : {});
  }

  patch(path: string, data: unknown): Promise<Envelope | null> {
    return this.call('PATCH', path, async () => {
      const r = await this.api.rawRequest('PATCH', path, { ...this.options({ body: data }), contentType: 'application/merge-patch+json' });
      return r.status === 204 || r.text.trim() === '' ? null : asJson(r.body);
    });
  }

  /** The mount holding `path` and its KV version (sys/internal/ui/mounts), never wrapped. */
  kvKind(path: string): Promise<{ mount: string; version: 1 | 2 }> {
    return this.call('GET', `sys/internal/ui/mounts/${path}`, () => this.api.kvKind(path));
  }

  close(): void {
    this.api.close();
  }
}
