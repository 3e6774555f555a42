// `coffer injector` started for real with TLS certificate files on a loopback port: POST /mutate
// answered with a JSONPatch, garbage and oversized bodies answered (400, 413) without a crash,
// GET /health/ready, and the Prometheus metrics counting what happened. Also `coffer agent
// -config-env=VAULT_CONFIG`, the command the injected containers run.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTestPki, type TestPki } from '../support/tls.js';
import { admissionReview, makePod } from './support.js';

const BIN = join(process.cwd(), 'bin', 'coffer.js');

function request(pki: TestPki, port: number, method: string, path: string, body?: string | Buffer, type = 'application/json'): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method, path, ca: pki.ca, headers: body === undefined ? {} : { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Streams a 5 MiB body (declared or chunked) and returns the status the server answers with before it ends. */
function oversized(pki: TestPki, port: number, declared: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const total = 5 * 1024 * 1024;
    const headers: Record<string, string | number> = { 'Content-Type': 'application/json' };
    if (declared) headers['Content-Length'] = total;
    let answered = false;
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/mutate', ca: pki.ca, headers }, (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      req.destroy();
    });
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = (): void => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('coffer injector (real process, TLS from files, no Kubernetes API)', () => {
  let dir: string;
  let pki: TestPki;
  let proc: ChildProcess;
  let port = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-injector-'));
    pki = makeTestPki(dir);
    proc = spawn(process.execPath, [BIN, 'injector', '-listen=127.0.0.1:0', `-tls-cert-file=${pki.certFile}`, `-tls-key-file=${pki.keyFile}`, '-kube-version=1.30'], {
      env: { ...process.env, AGENT_INJECT_VAULT_ADDR: 'https://coffer.coffer.svc:8200', AGENT_INJECT_VAULT_IMAGE: 'coffer:0.1.0', AGENT_INJECT_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    port = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      proc.once('exit', (code) => reject(new Error(`injector exited with ${code}`)));
    });
  });
  after(async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('POST /mutate: an annotated pod gets a native sidecar (the AGENT_INJECT_* variables applied)', async () => {
    const pod = makePod({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', 'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/shop/db' });
    const r = await request(pki, port, 'POST', '/mutate', JSON.stringify(admissionReview(pod)));
    assert.equal(r.status, 200);
    const out = JSON.parse(r.text) as { apiVersion: string; kind: string; response: { uid: string; allowed: boolean; patchType: string; patch: string } };
    assert.equal(out.apiVersion, 'admission.k8s.io/v1');
    assert.equal(out.kind, 'AdmissionReview');
    assert.equal(out.response.allowed, true);
    assert.equal(out.response.patchType, 'JSONPatch');
    const ops = JSON.parse(Buffer.from(out.response.patch, 'base64').toString()) as { path: string; value: { name?: string; image?: string; restartPolicy?: string }[] }[];
    const init = ops.find((o) => o.path === '/spec/initContainers')!.value[0]!;
    assert.deepEqual([init.name, init.image, init.restartPolicy], ['vault-agent', 'coffer:0.1.0', 'Always']);
  });

  it('POST /mutate: a malformed annotation is an AdmissionReview with allowed: false', async () => {
    const pod = makePod({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', 'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/db', 'vault.hashicorp.com/agent-limits-mem': 'much' });
    const r = await request(pki, port, 'POST', '/mutate', JSON.stringify(admissionReview(pod)));
    assert.equal(r.status, 200);
    const out = JSON.parse(r.text) as { response: { allowed: boolean; status: { message: string } } };
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status.message, /vault\.hashicorp\.com\/agent-limits-mem/);
  });

  it('garbage, a wrong content type and an oversized body are answered (400, 415, 413), and the server lives on', async () => {
    assert.equal((await request(pki, port, 'POST', '/mutate', '{"kind":')).status, 400);
    assert.equal((await request(pki, port, 'POST', '/mutate', '[1,2]')).status, 400);
    assert.equal((await request(pki, port, 'POST', '/mutate', 'x', 'text/plain')).status, 415);
    assert.equal(await oversized(pki, port, true), 413);
    assert.equal(await oversized(pki, port, false), 413);
    assert.equal((await request(pki, port, 'GET', '/mutate')).status, 405);
    assert.equal((await request(pki, port, 'GET', '/health/ready')).status, 200);
  });

  it('GET /metrics counts outcomes and injections by namespace', async () => {
    const r = await request(pki, port, 'GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.text, /coffer_injector_requests_total\{outcome="injected"\} 1/);
    assert.match(r.text, /coffer_injector_requests_total\{outcome="denied"\} 1/);
    assert.match(r.text, /coffer_injector_requests_total\{outcome="bad_request"\} 5/);
    assert.match(r.text, /coffer_injector_injections_by_namespace_total\{namespace="shop"\} 1/);
    assert.match(r.text, /coffer_injector_failed_injections_by_namespace_total\{namespace="shop"\} 1/);
  });

  it('refuses to start without certificate files, saying what to give', () => {
    const r = spawnSync(process.execPath, [BIN, 'injector', '-listen=127.0.0.1:0'], { encoding: 'utf8', env: { ...process.env, AGENT_INJECT_TLS_CERT_FILE: '', AGENT_INJECT_TLS_KEY_FILE: '' } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /give -tls-cert-file and -tls-key-file/);
  });
});

describe('coffer agent -config-env (the injected command)', () => {
  it('reads base64 JSON from the variable and reports a mistake in it by name', () => {
    const cfg = Buffer.from(JSON.stringify({ vault: { address: 'http://127.0.0.1:1' }, auto_auth: { method: { type: 'kubernetes', config: { role: 'r', rolle: 'x' } } } })).toString('base64');
    const r = spawnSync(process.execPath, [BIN, 'agent', '-config-env=VAULT_CONFIG'], { encoding: 'utf8', env: { ...process.env, VAULT_CONFIG: cfg } });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\$VAULT_CONFIG:1: unknown key "rolle"/);
  });
  it('an unset variable is an error naming it', () => {
    const env = { ...process.env };
    delete env.VAULT_CONFIG;
    const r = spawnSync(process.execPath, [BIN, 'agent', '-config-env=VAULT_CONFIG'], { encoding: 'utf8', env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /VAULT_CONFIG named by -config-env is not set/);
  });
});
