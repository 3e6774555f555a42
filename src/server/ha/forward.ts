// Request forwarding from a standby to the active node: the client's request (method, target,
// headers, body) is replayed against the active's api_addr and its answer (status, headers, body)
// streamed back, so clients talk to any node. With X-Vault-No-Request-Forwarding the standby
// answers 307 to the active's address instead, as Vault does. While no active node is known (a
// failover in progress) the standby waits for one, up to waitMs, so a client sees latency, not errors.
// A request is only re-sent when the active refused the connection (it never saw the request).

import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HaControl, HaLeader } from './types.js';

/** Marks a forwarded request, so a node that is not active either does not forward it again. */
export const FORWARDED_HEADER = 'x-coffer-forwarded-by';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers', 'transfer-encoding', 'upgrade', 'host', 'content-length']);

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });

export interface ForwardOptions {
  control: HaControl;
  /** How long to wait for an active node to appear, ms. */
  waitMs?: number;
  onForwarded?: (outcome: 'forwarded' | 'redirected' | 'failed') => void;
}

function sendJsonError(res: ServerResponse, status: number, message: string): void {
  const text = JSON.stringify({ errors: [message] });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The active node other than this one, waiting for it while a failover runs. */
async function activeNode(control: HaControl, waitMs: number, refresh: boolean): Promise<HaLeader | null> {
  const deadline = Date.now() + waitMs;
  let leader = refresh ? await control.fetchLeader() : control.currentLeader() ?? (await control.fetchLeader());
  while (leader === null || leader.nodeId === control.self.nodeId || leader.apiAddr === '') {
    if (control.isActive() || Date.now() >= deadline) return null;
    await sleep(100);
    leader = await control.fetchLeader();
  }
  return leader;
}

interface Upstream {
  status: number;
  headers: http.IncomingHttpHeaders;
  stream: IncomingMessage;
}

function send(leader: HaLeader, req: IncomingMessage, body: Buffer, selfId: string): Promise<Upstream> {
  const url = new URL(req.url ?? '/', leader.apiAddr);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
  headers['content-length'] = body.length;
  headers[FORWARDED_HEADER] = selfId;
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const up = lib.request(url, { method: req.method, headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent }, (r) =>
      resolve({ status: r.statusCode ?? 502, headers: r.headers, stream: r }),
    );
    up.on('error', reject);
    up.end(body);
  });
}

/** Answers the client from the active node (or with a 307 to it). */
export async function forwardToActive(req: IncomingMessage, res: ServerResponse, body: Buffer, opts: ForwardOptions): Promise<void> {
  const { control } = opts;
  const waitMs = opts.waitMs ?? 5000;
  if (req.headers[FORWARDED_HEADER] !== undefined) {
    opts.onForwarded?.('failed');
    return sendJsonError(res, 503, 'this node was named the active node but is not active any more (the active node changed); retry the request');
  }
  const noForward = String(req.headers['x-vault-no-request-forwarding'] ?? '').toLowerCase();
  let refresh = false;
  for (let attempt = 0; attempt < 20; attempt++) {
    const leader = await activeNode(control, waitMs, refresh);
    if (leader === null) {
      opts.onForwarded?.('failed');
      return sendJsonError(res, 503, 'no active node is known: this node is a standby and the cluster is electing an active node; retry the request');
    }
    if (noForward === 'true' || noForward === '1') {
      opts.onForwarded?.('redirected');
      const location = new URL(req.url ?? '/', leader.apiAddr).toString();
      res.writeHead(307, { Location: location, 'Cache-Control': 'no-store', 'Content-Length': 0 });
      res.end();
      return;
    }
    let up: Upstream;
    try {
      up = await send(leader, req, body, control.self.nodeId);
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // Refused: the active never saw the request (it died or is restarting): find the new one.
      if (code === 'ECONNREFUSED') {
        refresh = true;
        await sleep(100);
        continue;
      }
      opts.onForwarded?.('failed');
      return sendJsonError(res, 502, `the request could not be forwarded to the active node ${leader.apiAddr} (${typeof code === 'string' ? code : 'connection error'}); retry the request`);
    }
    opts.onForwarded?.('forwarded');
    const headers: http.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(up.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) headers[k] = v;
    if (up.headers['content-length'] !== undefined) headers['content-length'] = up.headers['content-length'];
    res.writeHead(up.status, headers);
    up.stream.pipe(res);
    await new Promise<void>((resolve) => {
      up.stream.on('end', resolve);
      up.stream.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    return;
  }
  opts.onForwarded?.('failed');
  sendJsonError(res, 503, 'the active node could not be reached; retry the request');
}
