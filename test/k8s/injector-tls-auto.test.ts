// `coffer injector -tls-auto=<MutatingWebhookConfiguration>` started for real "in a cluster" (the
// fake kube-apiserver, KUBERNETES_SERVICE_HOST/PORT and a service-account directory): it patches
// its CA into every webhook's caBundle, serves a certificate for the service's names that verifies
// against that CA, answers /mutate, and takes the native-sidecar default from the API server's
// /version (1.29+ native, 1.28 classic; unreachable: classic with a warning). RBAC is enforced.

import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { makeTestPki } from '../support/tls.js';
import { tempDir } from '../support/tmp.js';
import { admissionReview, makePod } from './support.js';

const BIN = join(process.cwd(), 'bin', 'coffer.js');
const MWC = 'coffer-injector';
const SERVICE_HOST = 'coffer-injector.coffer.svc';

interface Running {
  proc: ChildProcess;
  port: number;
  stderr: () => string;
}

function serviceAccountDir(kube: FakeKube, sa: string): string {
  const dir = tempDir('coffer-sa-');
  writeFileSync(join(dir, 'token'), kube.legacyToken('coffer', sa));
  writeFileSync(join(dir, 'ca.crt'), kube.caPem);
  writeFileSync(join(dir, 'namespace'), 'coffer');
  return dir;
}

function inClusterEnv(kube: FakeKube, saDir: string, port = new URL(kube.url).port): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port, COFFER_SERVICEACCOUNT_DIR: saDir, AGENT_INJECT_VAULT_ADDR: 'https://coffer.coffer.svc:8200', AGENT_INJECT_LOG_LEVEL: 'info' };
  delete env.AGENT_INJECT_KUBE_VERSION;
  return env;
}

/** Starts the injector; resolves with its port once it listens, or rejects with its stderr if it exits. */
function startInjector(args: string[], env: NodeJS.ProcessEnv): Promise<Running> {
  const proc = spawn(process.execPath, [BIN, 'injector', '-listen=127.0.0.1:0', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (c: Buffer) => void (err += c.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve({ proc, port: Number(m[1]), stderr: () => err });
    });
    proc.once('exit', (code) => reject(new Error(`injector exited with ${code}: ${err}`)));
  });
}

async function stop(r: Running | undefined): Promise<void> {
  if (!r || r.proc.exitCode !== null || r.proc.signalCode !== null) return;
  const exited = new Promise((res) => r.proc.once('exit', res));
  r.proc.kill('SIGTERM');
  await exited;
}

function webhooksOf(kube: FakeKube): { name: string; clientConfig: { caBundle?: string } }[] {
  return (kube.mutatingWebhookConfiguration(MWC) as { webhooks: { name: string; clientConfig: { caBundle?: string } }[] }).webhooks;
}

/** Waits (bounded by the test's timeout) until every webhook carries a caBundle; returns the PEM. */
async function patchedCa(kube: FakeKube): Promise<string> {
  for (;;) {
    const bundles = webhooksOf(kube).map((w) => w.clientConfig.caBundle);
    if (bundles.every((b) => b !== undefined)) {
      assert.equal(new Set(bundles).size, 1, 'every webhook gets the same CA');
      return Buffer.from(bundles[0]!, 'base64').toString('utf8');
    }
    await sleep(50);
  }
}

function tlsPeer(port: number, ca: string, servername: string): Promise<X509Certificate> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca, servername }, () => {
      const cert = s.getPeerX509Certificate();
      s.end();
      if (!cert) reject(new Error('no peer certificate'));
      else resolve(cert);
    });
    s.on('error', reject);
  });
}

function mutate(port: number, ca: string): Promise<{ path: string; value: { name?: string; restartPolicy?: string }[] }[]> {
  const body = JSON.stringify(admissionReview(makePod({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', 'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/db' })));
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, method: 'POST', path: '/mutate', ca, servername: SERVICE_HOST, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          assert.equal(res.statusCode, 200);
          const out = JSON.parse(Buffer.concat(chunks).toString()) as { response: { allowed: boolean; patch: string } };
          assert.equal(out.response.allowed, true);
          resolve(JSON.parse(Buffer.from(out.response.patch, 'base64').toString()));
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const initNames = (ops: Awaited<ReturnType<typeof mutate>>): string[] => (ops.find((o) => o.path === '/spec/initContainers')?.value ?? []).map((c) => `${c.name}:${c.restartPolicy ?? '-'}`);
const hasClassicSidecar = (ops: Awaited<ReturnType<typeof mutate>>): boolean => ops.some((o) => o.path.startsWith('/spec/containers') && JSON.stringify(o.value).includes('"vault-agent"'));

function applyWebhookConfig(kube: FakeKube): void {
  const hook = (name: string) => ({
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Ignore',
    clientConfig: { service: { name: 'coffer-injector', namespace: 'coffer', path: '/mutate', port: 443 } },
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  });
  kube.applyMutatingWebhookConfiguration({ metadata: { name: MWC }, webhooks: [hook('injector.coffer.dev'), hook('second.coffer.dev')] });
}

describe('coffer injector -tls-auto in a cluster (fake kube-apiserver)', () => {
  let kube: FakeKube;
  let saDir: string;
  let deniedDir: string;
  let running: Running | undefined;

  before(async () => {
    kube = await startFakeKube();
    kube.createNamespace('coffer');
    kube.createServiceAccount('coffer', 'coffer-injector');
    kube.grant('coffer', 'coffer-injector', 'get', 'mutatingwebhookconfigurations');
    kube.grant('coffer', 'coffer-injector', 'patch', 'mutatingwebhookconfigurations');
    kube.createServiceAccount('coffer', 'nobody');
    saDir = serviceAccountDir(kube, 'coffer-injector');
    deniedDir = serviceAccountDir(kube, 'nobody');
  });
  after(async () => {
    await stop(running);
    await kube.close();
  });

  it('patches the CA into every webhook, serves a certificate for the service names that verifies against it, and (API server 1.29+) injects a native sidecar', { timeout: 60_000 }, async () => {
    applyWebhookConfig(kube);
    kube.setVersion('1', '29+');
    running = await startInjector([`-tls-auto=${MWC}`], inClusterEnv(kube, saDir));
    const ca = await patchedCa(kube);
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    const caCert = new X509Certificate(ca);
    assert.equal(caCert.ca, true);

    const peer = await tlsPeer(running.port, ca, SERVICE_HOST);
    assert.equal(peer.subjectAltName, 'DNS:coffer-injector, DNS:coffer-injector.coffer, DNS:coffer-injector.coffer.svc');
    assert.ok(peer.checkIssued(caCert) && peer.verify(caCert.publicKey));
    await assert.rejects(tlsPeer(running.port, ca, 'elsewhere.example'), /altnames|Hostname/i);
    await assert.rejects(tlsPeer(running.port, kube.caPem, SERVICE_HOST), /self[- ]signed|unable to (get|verify)/i);

    const ops = await mutate(running.port, ca);
    assert.deepEqual(initNames(ops), ['vault-agent:Always']);
    assert.equal(hasClassicSidecar(ops), false);
  });

  it('API server 1.28: classic init container + sidecar', { timeout: 60_000 }, async () => {
    await stop(running);
    applyWebhookConfig(kube);
    kube.setVersion('1', '28');
    running = await startInjector([`-tls-auto=${MWC}`], inClusterEnv(kube, saDir));
    const ca = await patchedCa(kube);
    const ops = await mutate(running.port, ca);
    assert.deepEqual(initNames(ops), ['vault-agent-init:-']);
    assert.equal(hasClassicSidecar(ops), true);
    await stop(running);
    running = undefined;
  });

  it('-kube-version wins over the API server', { timeout: 60_000 }, async () => {
    applyWebhookConfig(kube);
    kube.setVersion('1', '28');
    running = await startInjector([`-tls-auto=${MWC}`, '-kube-version=1.30'], inClusterEnv(kube, saDir));
    const ops = await mutate(running.port, await patchedCa(kube));
    assert.deepEqual(initNames(ops), ['vault-agent:Always']);
    await stop(running);
    running = undefined;
  });

  it('certificate files in a cluster: no -tls-auto, and still the native-sidecar default from /version', { timeout: 60_000 }, async () => {
    await stop(running);
    kube.setVersion('1', '31');
    const pki = makeTestPki(tempDir('coffer-pki-'));
    running = await startInjector([`-tls-cert-file=${pki.certFile}`, `-tls-key-file=${pki.keyFile}`], inClusterEnv(kube, deniedDir)); // /version needs no RBAC
    const body = JSON.stringify(admissionReview(makePod({ 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'app', 'vault.hashicorp.com/agent-inject-secret-db': 'secret/data/db' })));
    const ops = await new Promise<Awaited<ReturnType<typeof mutate>>>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: running!.port, method: 'POST', path: '/mutate', ca: pki.ca, headers: { 'Content-Type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.from((JSON.parse(Buffer.concat(chunks).toString()) as { response: { patch: string } }).response.patch, 'base64').toString())));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.deepEqual(initNames(ops), ['vault-agent:Always']);
    assert.match(running.stderr(), /Kubernetes version from the API server.*31/);
    await stop(running);
    running = undefined;
  });

  it('without RBAC on the webhook configuration it refuses to start, saying why', { timeout: 60_000 }, async () => {
    applyWebhookConfig(kube);
    await assert.rejects(startInjector([`-tls-auto=${MWC}`], inClusterEnv(kube, deniedDir)), (e: Error) => {
      assert.match(e.message, /exited with 1/);
      assert.match(e.message, /mutatingwebhookconfigurations\.admissionregistration\.k8s\.io "coffer-injector" is forbidden: User "system:serviceaccount:coffer:nobody" cannot get/);
      return true;
    });
    assert.equal(webhooksOf(kube)[0]!.clientConfig.caBundle, undefined);
  });

  it('-tls-auto outside a cluster without -tls-auto-hosts refuses to start, saying what to give', { timeout: 60_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, AGENT_INJECT_VAULT_ADDR: 'https://coffer.coffer.svc:8200' };
    delete env.KUBERNETES_SERVICE_HOST;
    delete env.AGENT_INJECT_TLS_AUTO_HOSTS;
    await assert.rejects(startInjector([`-tls-auto=${MWC}`], env), /exited with 1: Error: -tls-auto: -tls-auto outside a cluster needs -tls-auto-hosts/);
  });

  it('API server unreachable: serves -tls-auto-hosts, classic injection, and warns', { timeout: 60_000 }, async () => {
    running = await startInjector([`-tls-auto=${MWC}`, '-tls-auto-hosts=injector.test,127.0.0.1'], inClusterEnv(kube, saDir, '1'));
    const san = await new Promise<string>((resolve, reject) => {
      // The CA is patched nowhere, so nothing can verify this certificate: only look at its names.
      const s = tls.connect({ host: '127.0.0.1', port: running!.port, rejectUnauthorized: false }, () => {
        const leaf = s.getPeerX509Certificate();
        s.end();
        leaf ? resolve(leaf.subjectAltName ?? '') : reject(new Error('no certificate'));
      });
      s.on('error', reject);
    });
    assert.equal(san, 'DNS:injector.test, IP Address:127.0.0.1');
    assert.match(running.stderr(), /cannot learn the Kubernetes version from the API server: classic injection/);
    assert.match(running.stderr(), /native_sidecars="?off/);
  });
});
