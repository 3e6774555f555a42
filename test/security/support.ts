// Helpers for the adversarial tests: many requests on one connection (pipelined) or on many at once,
// and a low-privilege token made from a policy, so each attack runs as an outsider would run it.

import { connect } from 'node:net';
import { api } from '../support/http.js';

export interface RawRequest {
  method: string;
  path: string;
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Sends every request back to back on one socket before reading anything; returns the statuses in order. */
export function pipelined(addr: string, reqs: RawRequest[]): Promise<number[]> {
  const url = new URL(addr);
  const wire = reqs
    .map((r) => {
      const body = r.body === undefined ? '' : JSON.stringify(r.body);
      const head = [`${r.method} ${r.path.startsWith('/') ? r.path : `/v1/${r.path}`} HTTP/1.1`, `Host: ${url.host}`, `Content-Length: ${Buffer.byteLength(body)}`];
      if (r.token) head.push(`X-Vault-Token: ${r.token}`);
      for (const [k, v] of Object.entries(r.headers ?? {})) head.push(`${k}: ${v}`);
      return `${head.join('\r\n')}\r\n\r\n${body}`;
    })
    .join('');
  return new Promise((resolve, reject) => {
    const sock = connect(Number(url.port), url.hostname);
    let text = '';
    // Responses follow each other with no separator: walk them by their Content-Length.
    const statuses = (): number[] => {
      const out: number[] = [];
      let at = 0;
      for (;;) {
        const headEnd = text.indexOf('\r\n\r\n', at);
        if (headEnd < 0) return out;
        const head = text.slice(at, headEnd);
        const status = /^HTTP\/1\.1 (\d{3})/.exec(head);
        if (!status) throw new Error(`not an HTTP response at byte ${at}: ${head.slice(0, 40)}`);
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (text.length < headEnd + 4 + length) return out;
        out.push(Number(status[1]));
        at = headEnd + 4 + length;
      }
    };
    sock.setEncoding('latin1');
    sock.on('data', (c: string) => {
      text += c;
      if (statuses().length >= reqs.length) {
        sock.destroy();
        resolve(statuses());
      }
    });
    sock.on('error', reject);
    sock.on('close', () => resolve(statuses()));
    sock.write(wire, 'latin1');
  });
}

/** The same requests, each on its own connection, all started at once; returns the statuses. */
export async function concurrent(addr: string, reqs: RawRequest[]): Promise<number[]> {
  const res = await Promise.all(reqs.map((r) => api(addr, r.method, r.path, { token: r.token, body: r.body, headers: r.headers })));
  return res.map((r) => r.status);
}

/** Writes a policy and returns a token that carries only it (and default). */
export async function tokenWithPolicy(addr: string, root: string, name: string, hcl: string, extra: Record<string, unknown> = {}): Promise<string> {
  const p = await api(addr, 'PUT', `sys/policies/acl/${name}`, { token: root, body: { policy: hcl } });
  if (p.status !== 204) throw new Error(`policy write failed: ${p.status} ${p.text}`);
  const t = await api(addr, 'POST', 'auth/token/create', { token: root, body: { policies: [name], ...extra } });
  if (t.status !== 200) throw new Error(`token create failed: ${t.status} ${t.text}`);
  return t.body.auth.client_token as string;
}

export const count = (xs: number[], v: number): number => xs.filter((x) => x === v).length;
