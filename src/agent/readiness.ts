// Native-sidecar readiness (Coffer's own `readiness { file, address }`, or -ready-file /
// -ready-address): for Kubernetes >= 1.29, where the agent runs as one init container with
// restartPolicy: Always and the app's containers start only once its startupProbe passes.
// Before the first full render: the file does not exist and GET /ready answers 503. After it:
// the file holds "ready\n" and /ready answers 200. GET /live answers 200 while the agent runs.
// The file is removed at exit, so a restarted agent is not taken as ready before it renders.

import { rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { atomicWrite } from './atomic-write.js';
import type { Logger } from './log.js';

export interface ReadinessOptions {
  file?: string;
  address?: string;
}

export class Readiness {
  private ready = false;
  private server: http.Server | undefined;
  private boundAddress: string | undefined;

  constructor(
    private readonly o: ReadinessOptions,
    private readonly log: Logger,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** "127.0.0.1:8201" with the bound port, when there is an HTTP endpoint. */
  get address(): string | undefined {
    return this.boundAddress;
  }

  async start(): Promise<void> {
    if (this.o.file) await rm(this.o.file, { force: true });
    if (!this.o.address) return;
    const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(this.o.address);
    if (!m) throw new Error(`readiness address ${JSON.stringify(this.o.address)} must be HOST:PORT, such as 127.0.0.1:8201`);
    const host = m[1] || '0.0.0.0';
    const server = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      let status = 404;
      let body: Record<string, unknown> = { errors: ['not found: use /ready or /live'] };
      if (path === '/ready' || path === '/v1/agent/ready') {
        status = this.ready ? 200 : 503;
        body = this.ready ? { ready: true } : { ready: false, reason: 'the first render of every template has not finished' };
      } else if (path === '/live' || path === '/healthz') {
        status = 200;
        body = { live: true };
      }
      const text = JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      res.end(req.method === 'HEAD' ? undefined : text);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e) => reject(new Error(`readiness endpoint cannot listen on ${this.o.address}: ${e.message}`)));
      server.listen(Number(m[2]), host, () => resolve());
    });
    this.server = server;
    this.boundAddress = `${host}:${(server.address() as AddressInfo).port}`;
    this.log.info('readiness endpoint listening', { address: this.boundAddress });
  }

  async markReady(): Promise<void> {
    if (this.ready) return;
    if (this.o.file) await atomicWrite(this.o.file, 'ready\n', { mode: 0o644, createDirs: true });
    this.ready = true;
    if (this.o.file || this.o.address) this.log.info('ready: every template has rendered', { ...(this.o.file ? { file: this.o.file } : {}) });
  }

  async stop(): Promise<void> {
    if (this.o.file) await rm(this.o.file, { force: true }).catch(() => undefined);
    const s = this.server;
    this.server = undefined;
    if (s) {
      await new Promise<void>((r) => {
        s.close(() => r());
        s.closeAllConnections();
      });
    }
  }
}
