// The ConfigMap's server.hcl is a configuration the real server runs on: it loads with the server's
// own config reader as printed, and `coffer server` started on it (only the data path, the TLS
// files and the listener moved to a temp dir and a loopback port) initializes, unseals and answers
// the StatefulSet's probes as they mean: liveness 2xx while sealed, readiness only once unsealed.
// PostgreSQL runs with the URL only in VAULT_PG_CONNECTION_URL, as the pod gets it from its Secret.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { loadServerConfig } from '../../../src/server/config-file.js';
import { api } from '../../support/http.js';
import { COFFER_BIN, freePort, initAndUnseal, tempDir } from '../../support/server.js';
import { makeTestPki, type TestPki } from '../../support/tls.js';
import { find, printManifests, type Obj } from './print.js';

const pgUrl = process.env.COFFER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dir = tempDir('coffer-k8s-config-');
const procs: ChildProcess[] = [];
after(async () => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) await new Promise((r) => (p.once('exit', r), p.kill('SIGTERM')));
  rmSync(dir, { recursive: true, force: true });
});

/** Replaces `from` (which must occur exactly once) with `to`. */
function move(text: string, from: string, to: string): string {
  assert.equal(text.split(from).length, 2, `"${from}" once in:\n${text}`);
  return text.replace(from, to);
}

async function printed(args: string[]): Promise<{ objects: Obj[]; hcl: string; container: Obj }> {
  const r = await printManifests(args);
  assert.equal(r.code, 0, r.stderr);
  const container = find(r.objects, 'StatefulSet').spec.template.spec.containers[0];
  return { objects: r.objects, hcl: find(r.objects, 'ConfigMap').data['server.hcl'], container };
}

async function startOn(hcl: string, port: number, env: Record<string, string> = {}, pki?: TestPki): Promise<{ addr: string; ca?: string; output: () => string }> {
  const file = join(dir, `server-${port}.hcl`);
  writeFileSync(file, hcl);
  const proc = spawn(process.execPath, [COFFER_BIN, 'server', `-config=${file}`], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  proc.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const addr = `${pki ? 'https' : 'http'}://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}:\n${out}`);
    try {
      await api(addr, 'GET', 'sys/seal-status', { ca: pki?.ca });
      return { addr, ca: pki?.ca, output: () => out };
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** GETs a probe's path as the kubelet would (any 2xx or 3xx is success). */
async function probe(addr: string, p: Obj, ca?: string): Promise<number> {
  return (await api(addr, 'GET', p.httpGet.path, { ca })).status;
}

describe('the printed server.hcl', { concurrency: true }, () => {
  it('SQLite: loads as printed; the server runs on it and the probes mean what they say', async () => {
    const { hcl, container } = await printed([]);
    const asPrinted = join(dir, 'as-printed.hcl');
    writeFileSync(asPrinted, hcl);
    const config = loadServerConfig([asPrinted]);
    assert.deepEqual(config.storage, { type: 'sqlite', config: { path: '/coffer/data/coffer.db' } });
    assert.deepEqual(config.listeners, [{ host: '0.0.0.0', port: 8200, tlsDisable: true, tlsCertFile: '', tlsKeyFile: '' }]);
    assert.equal(config.apiAddr, 'http://coffer.coffer.svc:8200');
    // the config's paths are the container's mounts
    assert.ok(container.volumeMounts.some((m: Obj) => m.mountPath === '/coffer/data'));
    assert.ok(container.args.includes('-config=/coffer/config/server.hcl'));

    const port = await freePort();
    const data = join(dir, 'data');
    const srv = await startOn(move(move(hcl, '/coffer/data', data), '0.0.0.0:8200', `127.0.0.1:${port}`), port);
    assert.equal(await probe(srv.addr, container.livenessProbe), 204, 'alive while uninitialized');
    assert.equal(await probe(srv.addr, container.readinessProbe), 501, 'not ready while uninitialized');
    const { keys } = await initAndUnseal(srv.addr, 1, 1);
    assert.equal(keys.length, 1);
    assert.equal(await probe(srv.addr, container.readinessProbe), 200, 'ready once unsealed');
    assert.equal(await probe(srv.addr, container.livenessProbe), 200);
    assert.ok(existsSync(join(data, 'coffer.db')), 'the SQLite file is on the data volume');
  });

  it('PostgreSQL: the server runs with the URL only in VAULT_PG_CONNECTION_URL', async () => {
    const table = `coffer_k8s_${process.pid}_${randomBytes(3).toString('hex')}`;
    const { hcl, container } = await printed(['-storage=postgresql', '-postgresql-secret=pg', `-postgresql-table=${table}`]);
    const envName = container.env.find((e: Obj) => e.valueFrom?.secretKeyRef?.name === 'pg').name;
    assert.equal(envName, 'VAULT_PG_CONNECTION_URL');
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    try {
      const port = await freePort();
      const srv = await startOn(move(hcl, '0.0.0.0:8200', `127.0.0.1:${port}`), port, { [envName]: pgUrl });
      assert.equal(await probe(srv.addr, container.readinessProbe), 501);
      await initAndUnseal(srv.addr, 1, 1);
      assert.equal(await probe(srv.addr, container.readinessProbe), 200);
      const rows = await admin.query(`SELECT count(*)::int AS n FROM "${table}"`);
      assert.ok(rows.rows[0].n > 0, 'the server wrote its keyring to the table named in the ConfigMap');
    } finally {
      await admin.query(`DROP TABLE IF EXISTS "${table}"`);
      await admin.end();
    }
  });

  it('TLS: the listener serves the mounted certificate', async () => {
    const pki = makeTestPki(dir);
    const { hcl, container } = await printed(['-tls-secret=coffer-tls']);
    const port = await freePort();
    const adjusted = move(move(move(move(hcl, '/coffer/tls/tls.crt', pki.certFile), '/coffer/tls/tls.key', pki.keyFile), '/coffer/data', join(dir, 'tls-data')), '0.0.0.0:8200', `127.0.0.1:${port}`);
    const srv = await startOn(adjusted, port, {}, pki);
    assert.equal(container.livenessProbe.httpGet.scheme, 'HTTPS');
    assert.equal(await probe(srv.addr, container.livenessProbe, srv.ca), 204);
  });
});
