// One HTTP exchange with the server over node:http or node:https (not global fetch: fetch in
// Node 20 cannot take a custom CA without the undici package). Keeps connections alive, verifies
// TLS against a given CA, and sends any method, including Vault's LIST. The time limit is a plain
// timer, cleared with the answer, not an AbortSignal handed to http.request: with ten GETs a
// second, a signal per request had ~4 KB/s outlive the young generation (AbortSignal.timeout:
// ~12 KB/s) against ~1 KB/s without one, and in the long-running agent that garbage piled up in
// the old generation as resident memory until a full GC. A caller's own signal is still honoured,
// and close() abandons every request under way (a process shutting down waits for none of them).

import http from 'node:http';
import https from 'node:https';
import { createSecureContext } from 'node:tls';

export interface TlsOptions {
  /** PEM CA certificate(s); when set they replace the system's CAs for this client. */
  ca?: string | Buffer;
  rejectUnauthorized: boolean;
}

export interface ConnectionOptions {
  /** Most connections open to the server at once; further requests wait for a free one. Default: no limit. */
  maxSockets?: number;
}

export interface WireRequest {
  method: string;
  /** Path and query, e.g. `/v1/secret/data/x?version=2`. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: string;
  /** The request is abandoned after this long (TransportError with `timedOut`). */
  timeoutMs: number;
  /** The caller's signal, if any: aborting it abandons the request. */
  signal?: AbortSignal;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/**
 * A failure before a complete answer arrived. `reusedSocket`: the request went out on a kept-alive
 * connection; `timedOut`: the request's time limit ran out.
 */
export class TransportError extends Error {
  readonly timedOut: boolean;
  constructor(
    message: string,
    readonly code: string,
    readonly reusedSocket: boolean,
    options?: { cause?: unknown; timedOut?: boolean },
  ) {
    super(message, options);
    this.name = 'TransportError';
    this.timedOut = options?.timedOut ?? false;
  }
}

/** setTimeout's limit (a longer delay fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return 'UNKNOWN';
}

export class Transport {
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;
  /** How to abandon each request under way, for close(). */
  private readonly inflight = new Set<(e: TransportError) => void>();
  private closed = false;

  constructor(
    readonly base: URL,
    tls: TlsOptions,
    conn: ConnectionOptions = {},
  ) {
    const maxSockets = conn.maxSockets ?? Infinity;
    if (base.protocol === 'https:') {
      this.mod = https;
      // One TLS context (with the CA parsed once) for every connection, instead of one per connection.
      const secureContext = createSecureContext({ ca: tls.ca, minVersion: 'TLSv1.2' });
      this.agent = new https.Agent({ keepAlive: true, maxSockets, secureContext, rejectUnauthorized: tls.rejectUnauthorized, minVersion: 'TLSv1.2' });
    } else if (base.protocol === 'http:') {
      this.mod = http;
      this.agent = new http.Agent({ keepAlive: true, maxSockets });
    } else {
      throw new Error(`unsupported address scheme "${base.protocol}" in ${base.origin}: use http:// or https://`);
    }
  }

  send(req: WireRequest): Promise<WireResponse> {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    const outer = req.signal;
    return new Promise((resolve, reject) => {
      if (outer?.aborted) return reject(new TransportError('the request was aborted', 'ABORT_ERR', false, { cause: outer.reason }));
      if (this.closed) return reject(new TransportError('the client was closed', 'ERR_CLIENT_CLOSED', false));
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.inflight.delete(abandon);
        if (onAbort) outer?.removeEventListener('abort', onAbort);
        fn();
      };
      const fail = (e: TransportError): void => settle(() => reject(e));
      const r = this.mod.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port || undefined,
          path: req.pathAndQuery,
          method: req.method,
          headers,
          agent: this.agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => settle(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') })));
          res.on('error', (e) => fail(new TransportError(e.message, errorCode(e), r.reusedSocket, { cause: e })));
          res.on('aborted', () => fail(new TransportError('the connection closed before the whole answer arrived', 'ECONNRESET', r.reusedSocket)));
        },
      );
      // Settle first, then destroy: the 'error' that destroy() emits finds the promise settled.
      const abandon = (e: TransportError): void => {
        fail(e);
        r.destroy();
      };
      this.inflight.add(abandon);
      timer = setTimeout(() => abandon(new TransportError(`timed out after ${req.timeoutMs} ms`, 'ETIMEDOUT', r.reusedSocket, { timedOut: true })), Math.min(MAX_TIMER_MS, Math.max(0, req.timeoutMs)));
      if (outer) {
        onAbort = () => abandon(new TransportError('the request was aborted', 'ABORT_ERR', r.reusedSocket, { cause: outer.reason }));
        outer.addEventListener('abort', onAbort, { once: true });
      }
      r.on('error', (e) => fail(new TransportError(e.message, errorCode(e), r.reusedSocket, { cause: e })));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  /** Abandons every request under way (ERR_CLIENT_CLOSED), refuses new ones, closes the connections. */
  close(): void {
    this.closed = true;
    for (const abandon of [...this.inflight]) abandon(new TransportError('the client was closed', 'ERR_CLIENT_CLOSED', false));
    this.agent.destroy();
  }
}
