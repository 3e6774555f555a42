// A production server on SQLite behind real TLS (verified against a test CA), with a file audit
// device and Prometheus metrics: audit lines carry HMACs, never the secret or the token; a request
// fails when every audit device fails; sys/metrics?format=prometheus answers in text format.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { startTlsServer, tempDir, type ServerProcess } from '../support/server.js';
import { makeTestPki, type TestPki } from '../support/tls.js';

let srv: ServerProcess;
let pki: TestPki;
let root = '';
const dir = tempDir();
before(async () => {
  pki = makeTestPki(dir);
  srv = await startTlsServer(`storage "sqlite" {
  path = "${join(dir, 'coffer.db')}"
}`, pki, dir);
  const init = await api(srv.addr, 'PUT', 'sys/init', { ca: pki.ca, body: { secret_shares: 1, secret_threshold: 1 } });
  root = init.body.root_token;
  await api(srv.addr, 'PUT', 'sys/unseal', { ca: pki.ca, body: { key: init.body.keys[0] } });
  await api(srv.addr, 'POST', 'sys/mounts/secret', { ca: pki.ca, token: root, body: { type: 'kv-v2' } });
});
after(async () => {
  await srv.stop();
});

test('TLS: verified with the CA; refused without it', async () => {
  const h = await api(srv.addr, 'GET', 'sys/health', { ca: pki.ca });
  assert.equal(h.status, 200);
  await assert.rejects(api(srv.addr, 'GET', 'sys/health'), /self[- ]signed|unable to verify|certificate/i);
  const plain = await api(srv.addr.replace('https:', 'http:'), 'GET', 'sys/health').catch((e: Error) => e);
  assert.ok(plain instanceof Error || plain.status >= 400, 'plain HTTP to a TLS listener does not succeed');
});

test('audit: file device lines are HMACed; audit-hash matches; disabling stops logging', async () => {
  const log = join(dir, 'audit.log');
  const en = await api(srv.addr, 'PUT', 'sys/audit/file', { ca: pki.ca, token: root, body: { type: 'file', options: { file_path: log } } });
  assert.equal(en.status, 204, en.text);
  const listed = await api(srv.addr, 'GET', 'sys/audit', { ca: pki.ca, token: root });
  assert.equal(listed.body.data['file/'].type, 'file');
  assert.equal(listed.body.data['file/'].options.file_path, log);
  await api(srv.addr, 'PUT', 'secret/data/audited', { ca: pki.ca, token: root, body: { data: { password: 'very-secret-value-42' } } });
  const read = await api(srv.addr, 'GET', 'secret/data/audited', { ca: pki.ca, token: root });
  assert.equal(read.body.data.data.password, 'very-secret-value-42');
  const text = readFileSync(log, 'utf8');
  const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(lines.length >= 4);
  assert.ok(lines.some((l) => l.type === 'request') && lines.some((l) => l.type === 'response'));
  assert.ok(!text.includes('very-secret-value-42'), 'the secret value is in the audit log');
  assert.ok(!text.includes(root), 'the token is in the audit log');
  const hash = await api(srv.addr, 'PUT', 'sys/audit-hash/file', { ca: pki.ca, token: root, body: { input: 'very-secret-value-42' } });
  assert.match(hash.body.data.hash, /^hmac-sha256:[0-9a-f]{64}$/);
  assert.ok(text.includes(hash.body.data.hash), 'the HMAC of the secret is in the log');
  const tokenHash = await api(srv.addr, 'PUT', 'sys/audit-hash/file', { ca: pki.ca, token: root, body: { input: root } });
  assert.ok(text.includes(tokenHash.body.data.hash), 'the HMAC of the token is in the log');
  assert.equal((await api(srv.addr, 'DELETE', 'sys/audit/file', { ca: pki.ca, token: root })).status, 204);
  const size = readFileSync(log, 'utf8').length;
  await api(srv.addr, 'GET', 'secret/data/audited', { ca: pki.ca, token: root });
  assert.equal(readFileSync(log, 'utf8').length, size);
});

test('audit: when every device fails, the request fails and nothing is returned', async () => {
  const sub = join(dir, 'auditdir');
  mkdirSync(sub);
  const log = join(sub, 'audit.log');
  assert.equal((await api(srv.addr, 'PUT', 'sys/audit/failing', { ca: pki.ca, token: root, body: { type: 'file', options: { file_path: log } } })).status, 204);
  // Replace the log with a directory: appends to that path now fail.
  rmSync(log);
  mkdirSync(log);
  chmodSync(sub, 0o500);
  let r = await api(srv.addr, 'GET', 'secret/data/audited', { ca: pki.ca, token: root });
  for (let i = 0; i < 20 && r.status === 200; i++) {
    await new Promise((res) => setTimeout(res, 100));
    r = await api(srv.addr, 'GET', 'secret/data/audited', { ca: pki.ca, token: root });
  }
  assert.equal(r.status, 500, r.text);
  assert.ok(!r.text.includes('very-secret-value-42'));
  chmodSync(sub, 0o700);
  rmSync(log, { recursive: true });
  await api(srv.addr, 'DELETE', 'sys/audit/failing', { ca: pki.ca, token: root });
  assert.equal((await api(srv.addr, 'GET', 'secret/data/audited', { ca: pki.ca, token: root })).status, 200);
});

test('metrics in Prometheus text format', async () => {
  const m = await api(srv.addr, 'GET', 'sys/metrics?format=prometheus', { ca: pki.ca, token: root });
  assert.equal(m.status, 200);
  assert.match(String(m.headers['content-type']), /^text\/plain/);
  assert.match(m.text, /# TYPE coffer_core_handle_request_total counter/);
  assert.match(m.text, /coffer_core_handle_request_total\{operation="GET",status="200"\} \d+/);
  assert.match(m.text, /coffer_core_unsealed 1/);
  const denied = await api(srv.addr, 'GET', 'sys/metrics?format=prometheus', { ca: pki.ca });
  assert.equal(denied.status, 403);
});
