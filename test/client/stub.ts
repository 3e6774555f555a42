// Test helpers for the client: a tiny node:http server that records what it receives and
// answers with a handler (or never), and a fake clock/scheduler for the lifetime watcher.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/client/index.js';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type StubHandler = (req: Received, n: number) => { status: number; body?: unknown; headers?: Record<string, string> } | 'hang' | 'destroy';

export interface Stub {
  addr: string;
  received: Received[];
  close(): Promise<void>;
}

export async function startStub(handler: StubHandler): Promise<Stub> {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const out = handler(r, received.length);
      if (out === 'hang') {
        hanging.add(res);
        return;
      }
      if (out === 'destroy') {
        req.socket.destroy();
        return;
      }
      const text = out.body === undefined ? '' : JSON.stringify(out.body);
      res.writeHead(out.status, { 'Content-Type': 'application/json', ...out.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    addr: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const r of hanging) r.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Time stands still until advance(); due callbacks run in order. */
export class FakeClock implements Clock {
  private t = 1_700_000_000_000;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  schedule(fn: () => void, ms: number): () => void {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return () => {
      this.timers = this.timers.filter((x) => x.id !== id);
    };
  }

  /** When the next callback is due (ms from now), or undefined. */
  nextIn(): number | undefined {
    if (this.timers.length === 0) return undefined;
    return Math.min(...this.timers.map((x) => x.at)) - this.t;
  }

  pending(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      const due = this.timers.filter((x) => x.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((x) => x.id !== due.id);
      this.t = due.at;
      due.fn();
    }
    this.t = target;
  }
}

/** Resolves with the next value pushed by `register`'s callback. */
export function nextEvent<T>(): { push: (v: T) => void; next: () => Promise<T> } {
  const queue: T[] = [];
  const waiters: ((v: T) => void)[] = [];
  return {
    push: (v) => {
      const w = waiters.shift();
      if (w) w(v);
      else queue.push(v);
    },
    next: () => (queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<T>((r) => waiters.push(r))),
  };
}
