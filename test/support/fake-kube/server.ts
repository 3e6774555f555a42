// The HTTPS listener: 127.0.0.1, TLS from a throwaway CA (openssl, via test/support/tls.ts), the
// latency knob applied before every response, request bodies capped like the apiserver's, and a
// close() that drops open connections and pending delayed responses instead of waiting on them.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiRequest } from './api.js';
import type { Reply } from './status.js';
import { statusReply } from './status.js';
import type { TestPki } from '../tls.js';

const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface ServerHooks {
  handle(req: ApiRequest): Reply;
  latencyMs(): number;
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

function send(res: import('node:http').ServerResponse, reply: Reply): void {
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': reply.contentType ?? 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
  });
  res.end(text);
}

export async function listen(pki: TestPki, port: number, hooks: ServerHooks): Promise<RunningServer> {
  const closing = new AbortController();
  const server = https.createServer({ key: readFileSync(pki.keyFile), cert: readFileSync(pki.certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY_BYTES) chunks.push(c);
    });
    req.on('end', () => {
      const reply =
        size > MAX_BODY_BYTES
          ? statusReply(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728')
          : hooks.handle({ method: req.method ?? 'GET', path: req.url ?? '/', authorization: req.headers.authorization, contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      const delay = hooks.latencyMs();
      if (delay <= 0) return send(res, reply);
      sleep(delay, undefined, { signal: closing.signal }).then(
        () => send(res, reply),
        () => res.destroy(),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
