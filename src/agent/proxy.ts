// The API proxy (`listener "tcp" { ... }` + `api_proxy { use_auto_auth_token }`): apps in the pod
// call the agent instead of the server, and the agent adds its auto-auth token to requests that
// carry none (true) or to every request ("force"). Bodies and answers are streamed through
// unchanged; no caching.

import { readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { ListenerConfig } from './config/index.js';
import type { Logger } from './log.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

export interface ProxyOptions {
  listeners: readonly ListenerConfig[];
  vaultAddress: string;
  caCert?: string;
  tlsSkipVerify?: boolean;
  useAutoAuthToken: boolean | 'force';
  getToken: () => string | undefined;
  log: Logger;
}

export interface RunningProxy {
  /** "127.0.0.1:8100" for each listener, with the port actually bound. */
  addresses: string[];
  close(): Promise<void>;
}

function splitHostPort(address: string): { host: string; port: number } {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(address.trim());
  if (!m) throw new Error(`listener address ${JSON.stringify(address)} must be HOST:PORT, such as 127.0.0.1:8100`);
  return { host: m[1] || '0.0.0.0', port: Number(m[2]) };
}

function sendError(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ errors: [message] });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startProxy(o: ProxyOptions): Promise<RunningProxy> {
  const target = new URL(o.vaultAddress);
  const ca = o.caCert ? readFileSync(o.caCert) : undefined;
  const upstream = target.protocol === 'https:' ? https : http;
  const agent = new upstream.Agent({ keepAlive: true, ...(target.protocol === 'https:' ? { ca, rejectUnauthorized: !o.tlsSkipVerify } : {}) });
  const basePath = target.pathname.replace(/\/+$/, '');
  const log = o.log;

  const handler = (l: ListenerConfig) => (req: IncomingMessage, res: ServerResponse): void => {
    if (l.requireRequestHeader && req.headers['x-vault-request'] !== 'true') return sendError(res, 412, "missing 'X-Vault-Request' header");
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
    const token = o.getToken();
    const hasOwn = headers['x-vault-token'] !== undefined || /^bearer /i.test(String(headers.authorization ?? ''));
    if (token && (o.useAutoAuthToken === 'force' || (o.useAutoAuthToken === true && !hasOwn))) {
      headers['x-vault-token'] = token;
      if (o.useAutoAuthToken === 'force') delete headers.authorization;
    }
    const up = upstream.request(
      { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: `${basePath}${req.url ?? '/'}`, headers, agent },
      (ures) => {
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(ures.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
        res.writeHead(ures.statusCode ?? 502, out);
        ures.pipe(res);
      },
    );
    up.on('error', (e) => {
      log.warn('proxy request failed', { method: req.method, path: req.url, error: e.message });
      if (!res.headersSent) sendError(res, 502, `the agent could not reach ${o.vaultAddress}: ${e.message}`);
      else res.destroy();
    });
    req.pipe(up);
  };

  const servers: (http.Server | https.Server)[] = [];
  const addresses: string[] = [];
  for (const l of o.listeners) {
    const { host, port } = splitHostPort(l.address);
    const server = l.tlsDisable
      ? http.createServer(handler(l))
      : https.createServer({ cert: readFileSync(l.tlsCertFile!), key: readFileSync(l.tlsKeyFile!) }, handler(l));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`listener "tcp" (${l.where}) cannot listen on ${l.address}: ${e.message}`)));
      server.listen(port, host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    addresses.push(`${host.includes(':') ? `[${host}]` : host}:${a.port}`);
    log.info('API proxy listening', { address: addresses[addresses.length - 1], tls: !l.tlsDisable, use_auto_auth_token: String(o.useAutoAuthToken) });
    servers.push(server);
  }
  return {
    addresses,
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      })));
      agent.destroy();
    },
  };
}
