// One HTTP exchange with the server over node:http or node:https (not global fetch: fetch in
// Node 20 cannot take a custom CA without the undici package). Keeps connections alive, verifies
// TLS against a given CA, and sends any method, including Vault's LIST.

import http from 'node:http';
import https from 'node:https';

export interface TlsOptions {
  /** PEM CA certificate(s); when set they replace the system's CAs for this client. */
  ca?: string | Buffer;
  rejectUnauthorized: boolean;
}

export interface WireRequest {
  method: string;
  /** Path and query, e.g. `/v1/secret/data/x?version=2`. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface WireResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A failure before a complete answer arrived. `reusedSocket`: the request went out on a kept-alive connection. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly reusedSocket: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return 'UNKNOWN';
}

export class Transport {
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;

  constructor(
    readonly base: URL,
    tls: TlsOptions,
  ) {
    if (base.protocol === 'https:') {
      this.mod = https;
      this.agent = new https.Agent({ keepAlive: true, ca: tls.ca, rejectUnauthorized: tls.rejectUnauthorized, minVersion: 'TLSv1.2' });
    } else if (base.protocol === 'http:') {
      this.mod = http;
      this.agent = new http.Agent({ keepAlive: true });
    } else {
      throw new Error(`unsupported address scheme "${base.protocol}" in ${base.origin}: use http:// or https://`);
    }
  }

  send(req: WireRequest): Promise<WireResponse> {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = Buffer.byteLength(req.body);
    return new Promise((resolve, reject) => {
      const r = this.mod.request(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname.replace(/^\[|\]$/g, ''),
          port: this.base.port || undefined,
          path: req.pathAndQuery,
          method: req.method,
          headers,
          agent: this.agent,
          signal: req.signal,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => reject(new TransportError(e.message, errorCode(e), r.reusedSocket, { cause: e })));
          res.on('aborted', () => reject(new TransportError('the connection closed before the whole answer arrived', 'ECONNRESET', r.reusedSocket)));
        },
      );
      r.on('error', (e) => reject(new TransportError(e.message, errorCode(e), r.reusedSocket, { cause: e })));
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
