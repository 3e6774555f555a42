// Vault's HTTP conventions and bad input: LIST (method and ?list=true, on keep-alive connections),
// malformed JSON (400), oversized bodies (413), unknown paths (404), unsupported operations (405),
// `..` and empty segments (400), error bodies with Content-Type exactly application/json, and a
// barrage of garbage that must not take the process down.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

let srv: DevServer;
const T = 'http-root';
before(async () => {
  srv = await startDevServer(T);
  for (const k of ['a', 'b', 'dir/c']) await api(srv.addr, 'PUT', `secret/data/${k}`, { token: T, body: { data: { v: k } } });
});
after(async () => {
  await srv.stop();
});

test('LIST and GET ?list=true both list KV v2 metadata', async () => {
  const l = await api(srv.addr, 'LIST', 'secret/metadata/', { token: T });
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(l.body.data.keys, ['a', 'b', 'dir/']);
  const g = await api(srv.addr, 'GET', 'secret/metadata/?list=true', { token: T });
  assert.deepEqual(g.body.data.keys, ['a', 'b', 'dir/']);
  const empty = await api(srv.addr, 'LIST', 'secret/metadata/nothing-here/', { token: T });
  assert.equal(empty.status, 404);
  assert.deepEqual(empty.body, { errors: [] });
});

test('LIST works among other requests on one keep-alive connection', async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(srv.addr);
  const one = (method: string, path: string, body?: string): Promise<{ status: number; body: string; socket: net.Socket }> =>
    new Promise((res, rej) => {
      const req = http.request({ host: url.hostname, port: url.port, method, path: `/v1/${path}`, agent, headers: { 'X-Vault-Token': T, ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (r) => {
        let b = '';
        r.on('data', (c: Buffer) => (b += c.toString()));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: b, socket: req.socket as net.Socket }));
      });
      req.on('error', rej);
      if (body) req.write(body);
      req.end();
    });
  const results: { status: number; body: string; socket: net.Socket }[] = [];
  results.push(await one('LIST', 'secret/metadata/'));
  results.push(await one('POST', 'secret/data/ka', JSON.stringify({ data: { x: 'LIST /v1/secret/metadata/ HTTP/1.1' } })));
  results.push(await one('LIST', 'secret/metadata/', JSON.stringify({})));
  results.push(await one('GET', 'secret/data/ka'));
  results.push(await one('LIST', 'secret/metadata/dir/'));
  agent.destroy();
  assert.deepEqual(results.map((r) => r.status), [200, 200, 200, 200, 200]);
  assert.deepEqual(JSON.parse(results[2]!.body).data.keys, ['a', 'b', 'dir/', 'ka']);
  assert.equal(JSON.parse(results[3]!.body).data.data.x, 'LIST /v1/secret/metadata/ HTTP/1.1');
  assert.deepEqual(JSON.parse(results[4]!.body).data.keys, ['c']);
  assert.ok(results.every((r) => r.socket === results[0]!.socket), 'all requests used one connection');
});

test('malformed JSON is a 400 with a JSON error body', async () => {
  const r = await api(srv.addr, 'PUT', 'secret/data/x', { token: T, rawBody: '{"data": {' });
  assert.equal(r.status, 400);
  assert.equal(r.headers['content-type'], 'application/json');
  assert.match(r.body.errors[0], /failed to parse JSON input/);
  const arr = await api(srv.addr, 'PUT', 'secret/data/x', { token: T, rawBody: '[1,2]' });
  assert.equal(arr.status, 400);
});

test('a body over the limit is a 413 and the server keeps serving', async () => {
  const big = 'x'.repeat(33 * 1024 * 1024);
  const r = await api(srv.addr, 'PUT', 'secret/data/big', { token: T, rawBody: `{"data":{"v":"${big}"}}` }).catch((e: Error) => ({ status: -1, error: e }));
  assert.ok(r.status === 413 || r.status === -1, `expected 413, got ${r.status}`);
  const ok = await api(srv.addr, 'GET', 'sys/health');
  assert.equal(ok.status, 200);
});

test('unknown paths are 404 and unsupported operations 405', async () => {
  const r = await api(srv.addr, 'GET', 'nomount/here', { token: T });
  assert.equal(r.status, 404);
  assert.ok(Array.isArray(r.body.errors));
  const notApi = await api(srv.addr, 'GET', '/not-v1');
  assert.equal(notApi.status, 404);
  const op = await api(srv.addr, 'DELETE', 'sys/seal-status', { token: T });
  assert.equal(op.status, 405);
  const method = await api(srv.addr, 'OPTIONS', 'sys/health');
  assert.equal(method.status, 405);
});

test('`..`, `.` and empty segments are 400', async () => {
  for (const p of ['/v1/secret/data/../../sys/mounts', '/v1/secret//data/x', '/v1/secret/./data', '/v1/secret/data/%2e%2e/x']) {
    const r = await api(srv.addr, 'GET', p, { token: T });
    assert.equal(r.status, 400, `${p}: ${r.text}`);
  }
  const esc = await api(srv.addr, 'GET', '/v1/secret/data/%zz', { token: T });
  assert.equal(esc.status, 400);
});

test('garbage on the wire never crashes the server', async () => {
  const url = new URL(srv.addr);
  const payloads = [
    'GARBAGE\r\n\r\n',
    'GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
    'LIST /v1/secret/metadata/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
    '\u0000\u0001\u0002\u0003',
    `PUT /v1/secret/data/x HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${T}\r\nContent-Length: 4\r\n\r\n\u00ff\u00fe{}`,
    'GET /v1/sys/health HTTP/1.1\r\n' + 'X-Long: ' + 'a'.repeat(100000) + '\r\n\r\n',
  ];
  for (const p of payloads) {
    await new Promise<void>((res) => {
      const s = net.connect(Number(url.port), url.hostname, () => s.end(p));
      s.on('data', () => undefined);
      s.on('close', () => res());
      s.on('error', () => res());
      s.setTimeout(3000, () => s.destroy());
    });
  }
  const ok = await api(srv.addr, 'GET', 'sys/health');
  assert.equal(ok.status, 200);
  assert.equal(srv.proc.exitCode, null);
});

test('warnings for ignored parameters, and request_id in every envelope', async () => {
  const r = await api(srv.addr, 'POST', 'auth/token/create', { token: T, body: { policies: ['default'], bogus_field: 1 } });
  assert.equal(r.status, 200);
  assert.match(r.body.request_id, /^[0-9a-f-]{36}$/);
  assert.ok(r.body.warnings.some((w: string) => w.includes('bogus_field')));
  for (const k of ['request_id', 'lease_id', 'renewable', 'lease_duration', 'data', 'wrap_info', 'warnings', 'auth']) assert.ok(k in r.body, k);
});
