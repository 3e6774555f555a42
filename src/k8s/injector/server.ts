// The injector's HTTPS server: POST /mutate (AdmissionReview v1, body capped so a huge or endless
// request cannot exhaust memory), GET /health/ready, GET /metrics (Prometheus). It needs no
// access to the Kubernetes API: everything it decides comes from the AdmissionReview and its
// settings. Logs name namespaces, pods and annotations, never an annotation's value.

import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { InjectorSettings } from '../annotations/index.js';
import type { Logger } from '../../agent/log.js';
import { review } from './mutate.js';

/** Kubernetes caps a request at 3 MiB; an AdmissionReview carries the object (and oldObject). */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface InjectorServerOptions {
  host: string;
  port: number;
  cert: string | Buffer;
  key: string | Buffer;
  settings: InjectorSettings;
  log: Logger;
  maxBodyBytes?: number;
}

export interface InjectorServer {
  port: number;
  registry: Registry;
  /** Replaces the serving certificate (after -tls-auto renews it, or the files change). */
  setCertificate(cert: string | Buffer, key: string | Buffer): void;
  close(): Promise<void>;
}

function createInjectorMetrics(): { registry: Registry; observe(outcome: string, namespace: string, seconds: number): void; queue: Gauge } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'coffer_injector_' });
  const requests = new Counter({ name: 'coffer_injector_requests_total', help: 'AdmissionReviews answered, by outcome (injected, skipped, denied, bad_request)', labelNames: ['outcome'] as const, registers: [registry] });
  const duration = new Histogram({ name: 'coffer_injector_request_duration_seconds', help: 'Time to answer an AdmissionReview', buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25], registers: [registry] });
  const injections = new Counter({ name: 'coffer_injector_injections_by_namespace_total', help: 'Pods injected, by namespace', labelNames: ['namespace'] as const, registers: [registry] });
  const failed = new Counter({ name: 'coffer_injector_failed_injections_by_namespace_total', help: 'Pods refused for malformed annotations, by namespace', labelNames: ['namespace'] as const, registers: [registry] });
  const queue = new Gauge({ name: 'coffer_injector_request_queue_length', help: 'AdmissionReviews being read or answered', registers: [registry] });
  return {
    registry,
    queue,
    observe(outcome, namespace, seconds) {
      requests.labels(outcome).inc();
      duration.observe(seconds);
      if (outcome === 'injected') injections.labels(namespace).inc();
      if (outcome === 'denied') failed.labels(namespace).inc();
    },
  };
}

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Reads the body up to `max` bytes; undefined past it (what follows is dropped as it arrives). */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > max) {
        done = true;
        chunks.length = 0;
        resolve(undefined); // the rest is read and dropped (never buffered), so the client gets the 413

        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!done) resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export async function startInjectorServer(o: InjectorServerOptions): Promise<InjectorServer> {
  const max = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const metrics = createInjectorMetrics();
  const log = o.log;

  async function mutate(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      metrics.observe('bad_request', '', seconds());
      send(res, 415, { error: `Content-Type must be application/json, not ${JSON.stringify(type)}` });
      return;
    }
    const body = await readBody(req, max);
    if (body === undefined) {
      metrics.observe('bad_request', '', seconds());
      send(res, 413, { error: `the request body is larger than ${max} bytes` });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (e) {
      metrics.observe('bad_request', '', seconds());
      send(res, 400, { error: `the body is not JSON: ${(e as Error).message}` });
      return;
    }
    const result = review(parsed, o.settings);
    if (result.http === 400) {
      metrics.observe('bad_request', '', seconds());
      log.warn('bad AdmissionReview', { error: result.body.error });
      send(res, 400, result.body);
      return;
    }
    metrics.observe(result.outcome, result.namespace, seconds());
    const pod = (parsed as { request?: { name?: string; object?: { metadata?: { name?: string; generateName?: string } } } }).request;
    const name = pod?.name || pod?.object?.metadata?.name || pod?.object?.metadata?.generateName || '';
    if (result.outcome === 'denied') log.info('pod refused', { namespace: result.namespace, pod: name, annotations: (result.errors ?? []).map((e) => e.annotation).join(',') });
    else if (result.outcome === 'injected') log.info('agent injected', { namespace: result.namespace, pod: name });
    else log.debug('pod not injected', { namespace: result.namespace, pod: name, reason: result.reason });
    send(res, 200, result.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/mutate') {
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST /mutate' });
      metrics.queue.inc();
      try {
        await mutate(req, res);
      } finally {
        metrics.queue.dec();
      }
      return;
    }
    if (path === '/health/ready' && (req.method === 'GET' || req.method === 'HEAD')) return send(res, 200, { ready: true });
    if (path === '/metrics' && req.method === 'GET') return send(res, 200, await metrics.registry.metrics(), metrics.registry.contentType);
    send(res, 404, { error: 'not found: the injector serves POST /mutate, GET /health/ready and GET /metrics' });
  }

  const server = https.createServer({ cert: o.cert, key: o.key, minVersion: 'TLSv1.2' }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      log.error('request failed', { error: (e as Error).message });
      if (!res.headersSent) send(res, 500, { error: 'internal error in the injector' });
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    registry: metrics.registry,
    setCertificate(cert, key) {
      server.setSecureContext({ cert, key, minVersion: 'TLSv1.2' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
