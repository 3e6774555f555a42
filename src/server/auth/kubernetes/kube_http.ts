// One JSON call to the Kubernetes API over TLS verified against the configured CA (never with
// verification off), on keep-alive connections, bounded by a timeout. Transport failures become
// CofferErrors that say what happened (timeout, refused, certificate problem) and what to check.

import http from 'node:http';
import https from 'node:https';
import { CofferError } from '../../framework/index.js';
import type { KubeTarget } from './types.js';

export interface KubeResponse {
  status: number;
  /** The parsed JSON body, or undefined when the body was not JSON. */
  json: unknown;
  text: string;
}

const MAX_BODY = 1024 * 1024;

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

class Timeout extends Error {}
class StaleSocket extends Error {}

/** Per (scheme, CA): the keep-alive pool, and a pool that never reuses a socket (for retries). */
interface Agents {
  pooled: http.Agent;
  fresh: http.Agent;
}

export class KubeHttp {
  private readonly agents = new Map<string, Agents>();

  private agentFor(url: URL, caPem: string | undefined, fresh: boolean): http.Agent {
    const key = `${url.protocol}|${caPem ?? '(system trust store)'}`;
    let agents = this.agents.get(key);
    if (!agents) {
      // CAs come and go with config writes: keep a few pools, dropping the oldest.
      const oldest = this.agents.size >= 8 ? this.agents.keys().next().value : undefined;
      if (oldest !== undefined) {
        const old = this.agents.get(oldest);
        old?.pooled.destroy();
        old?.fresh.destroy();
        this.agents.delete(oldest);
      }
      const make = (keepAlive: boolean): http.Agent =>
        url.protocol === 'https:'
          ? new https.Agent({ keepAlive, maxSockets: 128, ...(caPem !== undefined ? { ca: caPem } : {}) })
          : new http.Agent({ keepAlive, maxSockets: 128 });
      agents = { pooled: make(true), fresh: make(false) };
      this.agents.set(key, agents);
    }
    return fresh ? agents.fresh : agents.pooled;
  }

  async request(target: KubeTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<KubeResponse> {
    try {
      return await this.once(target, method, path, body);
    } catch (e) {
      // A keep-alive socket the server closed while idle: retry once, on a new connection (another
      // pooled socket may be just as stale, and a second failure must not escape as a 500).
      if (e instanceof StaleSocket) return this.once(target, method, path, body, true);
      throw e;
    }
  }

  private once(target: KubeTarget, method: 'GET' | 'POST', path: string, body?: unknown, fresh = false): Promise<KubeResponse> {
    const url = new URL(target.baseUrl + path);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise<KubeResponse>((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method,
          agent: this.agentFor(url, target.caPem, fresh),
          headers: {
            Authorization: `Bearer ${target.bearer.trim()}`,
            Accept: 'application/json',
            ...(payload !== undefined ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) req.destroy(new Error(`the response was larger than ${MAX_BODY} bytes`));
            else chunks.push(c);
          });
          res.on('end', () => {
            ended = true;
            clearTimeout(timer);
            const text = Buffer.concat(chunks).toString('utf8');
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json, text });
          });
          res.on('error', (e) => fail(e));
          // A response cut off (by the timeout or the peer) may end with 'close' and no 'error'.
          res.on('close', () => {
            if (!ended) fail(timedOut ? new Timeout() : Object.assign(new Error('the connection closed before the response was complete'), { code: 'ECONNRESET' }));
          });
        },
      );
      let ended = false;
      let timedOut = false;
      let failed = false;
      const fail = (e: Error): void => {
        if (failed || ended) return;
        failed = true;
        clearTimeout(timer);
        const code = (e as NodeJS.ErrnoException).code;
        if (req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE')) reject(new StaleSocket());
        else reject(transportError(e, target, method, url));
      };
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy(new Timeout());
      }, target.timeoutMs);
      req.on('error', fail);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  close(): void {
    for (const a of this.agents.values()) {
      a.pooled.destroy();
      a.fresh.destroy();
    }
    this.agents.clear();
  }
}

function transportError(e: Error, target: KubeTarget, method: string, url: URL): CofferError {
  const where = `${method} ${url.origin}${url.pathname}`;
  const config = `${target.mountPoint}config`;
  if (e instanceof Timeout) {
    const secs = target.timeoutMs / 1000;
    return new CofferError(
      500,
      `the Kubernetes API did not answer ${where} within ${secs}s (kubernetes_request_timeout in ${config}); check that kubernetes_host is right and reachable from Coffer, and that the API server is healthy`,
    );
  }
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (TLS_CODES.has(code) || code.startsWith('CERT_') || code.startsWith('ERR_TLS_CERT')) {
    return new CofferError(
      500,
      `TLS certificate verification failed for the Kubernetes API at ${url.origin} (${code}: ${e.message}); the CA used was ${target.caSource}: set kubernetes_ca_cert in ${config} to the CA that signed the API server's certificate`,
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL')) {
    return new CofferError(500, `TLS handshake with the Kubernetes API at ${url.origin} failed (${code}); is kubernetes_host in ${config} an https endpoint of the API server?`);
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') {
    return new CofferError(500, `could not reach the Kubernetes API at ${url.origin} (${code}); check kubernetes_host in ${config}`);
  }
  return new CofferError(500, `calling the Kubernetes API (${where}) failed: ${code ? `${code}: ` : ''}${e.message}`);
}

/** The message of a Kubernetes `Status` error body, else the raw text, shortened. */
export function statusMessage(res: KubeResponse): string {
  const j = res.json;
  if (typeof j === 'object' && j !== null && typeof (j as { message?: unknown }).message === 'string') return (j as { message: string }).message;
  const t = res.text.trim();
  return t.length > 300 ? `${t.slice(0, 300)}...` : t;
}
