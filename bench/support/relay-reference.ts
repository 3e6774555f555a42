// A reference for bench/k8s-login: the least a login server written on node's own http modules
// must do per login, with nothing else. A bare node:http server that reads the JSON body, makes one
// TokenReview POST to the Kubernetes API (https, keep-alive agent, the cluster CA verified, the
// reviewer's bearer), parses the answer, mints a random token, HMACs it, seals one JSON record
// with AES-256-GCM into memory (as Coffer's dev mode stores in memory) and answers JSON.
// No roles, policies, claims checks, accessor, audit or metrics.
// Usage: node dist/bench/support/relay-reference.js <port> <kubernetes_host> <ca-file> <reviewer-jwt>

import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';

const [port, host, caFile, reviewer] = process.argv.slice(2) as [string, string, string, string];
const api = new URL('/apis/authentication.k8s.io/v1/tokenreviews', host);
const agent = new https.Agent({ keepAlive: true, maxSockets: 128, ca: readFileSync(caFile, 'utf8') });
const key = randomBytes(32);
const salt = randomBytes(32);
const records = new Map<string, Buffer>();

function seal(plain: Buffer, aad: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad));
  return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
}

function review(jwt: string): Promise<{ authenticated?: boolean; user?: { username?: string } }> {
  const payload = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: jwt } });
  return new Promise((resolve, reject) => {
    const req = https.request(
      api,
      { method: 'POST', agent, headers: { Authorization: `Bearer ${reviewer}`, Accept: 'application/json', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { status?: { authenticated?: boolean } }).status ?? {}));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { jwt } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { jwt?: string };
      review(jwt ?? '').then(
        (status) => {
          if (status.authenticated !== true) return reply(res, 403, { errors: ['permission denied'] });
          const token = `hvs.${randomBytes(18).toString('base64url')}`;
          const id = createHmac('sha256', salt).update(token).digest('hex');
          records.set(id, seal(Buffer.from(JSON.stringify({ user: status.user?.username, policies: ['default'], ttl: 600, created: Date.now() })), id));
          reply(res, 200, { auth: { client_token: token, policies: ['default'], lease_duration: 600, renewable: true } });
        },
        () => reply(res, 500, { errors: ['TokenReview failed'] }),
      );
    });
  })
  .listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\n'));
