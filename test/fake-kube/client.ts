// Test helpers for the fake kube-apiserver: an HTTPS request that verifies the server against the
// fake's CA (never with verification off), with an optional client timeout, and a TokenReview call.

import https from 'node:https';
import type { FakeKube } from '../support/fake-kube/index.js';

export interface KubeResponse<T> {
  status: number;
  headers: import('node:http').IncomingHttpHeaders;
  body: T;
}

export interface KubeRequest {
  method?: string;
  bearer?: string;
  body?: unknown;
  ca?: string | null; // null: use the system trust store only
  timeoutMs?: number;
}

export function kubeRequest<T>(kube: FakeKube, path: string, opts: KubeRequest = {}): Promise<KubeResponse<T>> {
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const headers: Record<string, string | number> = { Accept: 'application/json' };
  if (opts.bearer !== undefined) headers['Authorization'] = `Bearer ${opts.bearer}`;
  if (payload !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = Buffer.byteLength(payload);
  }
  const url = new URL(path, kube.url);
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'GET', headers, agent: false, ca: opts.ca === null ? undefined : (opts.ca ?? kube.caPem), timeout: opts.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = (res.headers['content-type'] ?? '').includes('json');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: (isJson ? JSON.parse(text) : text) as T });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const TOKENREVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';

export function tokenReviewBody(token: string, audiences?: string[]): unknown {
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, ...(audiences ? { audiences } : {}) } };
}
