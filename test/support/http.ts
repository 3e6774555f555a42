// A tiny HTTP client for tests: any method (including LIST), JSON in and out, status and headers,
// over http or https (with a CA). Built on node:http so it can send what real Vault clients send.

import http from 'node:http';
import https from 'node:https';

export interface ApiResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test bodies are read field by field
  body: any;
}

export interface ApiOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
  ca?: string | Buffer;
  /** A keep-alive agent to reuse connections (default: a new connection per request). */
  agent?: http.Agent;
  /** The loopback source address to send from (127.0.0.0/8 is all local on Linux). */
  localAddress?: string;
}

export function api(addr: string, method: string, path: string, opts: ApiOptions = {}): Promise<ApiResult> {
  const url = new URL(addr);
  // The path goes on the wire as written (no URL normalization), so tests can send `..` and `//`.
  const rawPath = path.startsWith('/') ? path : `/v1/${path}`;
  const payload = opts.rawBody !== undefined ? opts.rawBody : opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.token) headers['X-Vault-Token'] = opts.token;
  if (payload !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  const mod = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request({ host: url.hostname, port: url.port, path: rawPath, method, headers, agent: opts.agent ?? false, ca: opts.ca, localAddress: opts.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
