// `coffer k8s migrate` as the real CLI against a real dev server, on copies of the fixture repository
// (test/fixtures/migrate/repo): the dry run changes nothing; -apply writes the values to KV v2
// exactly, the policies (read on exactly the Secrets' paths, checked with sys/capabilities) and
// roles, then the files (atomically: no temporary file left); a second run has nothing to do; a KV
// path holding other data is a conflict that keeps that Secret; a mount that is not KV v2, and
// -apply without a server, are exit 2; no secret value ever appears in stdout or stderr.

import { strict as assert } from 'node:assert';
import { cpSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { FIXTURE, VALUES } from '../k8s/migrate/fixture.js';
import { coffer, type RunResult } from './run.js';

const ROOT = 'migrate-root';
let srv: DevServer;

before(async () => {
  srv = await startDevServer(ROOT);
  const r = await api(srv.addr, 'POST', 'sys/auth/kubernetes', { token: ROOT, body: { type: 'kubernetes' } });
  assert.ok(r.status < 300, r.text);
  const v1 = await api(srv.addr, 'POST', 'sys/mounts/kv1', { token: ROOT, body: { type: 'kv', options: { version: '1' } } });
  assert.ok(v1.status < 300, v1.text);
});
after(async () => {
  await srv?.stop();
});

/** A copy of the fixture's apps/ folder (or of the whole repository). */
function copy(whole = false): string {
  const dir = tempDir('coffer-migrate-');
  cpSync(whole ? FIXTURE : join(FIXTURE, 'apps'), join(dir, whole ? '.' : 'apps'), { recursive: true });
  return dir;
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const env = { VAULT_ADDR: () => srv.addr, VAULT_TOKEN: ROOT };
function migrate(dir: string, args: string[], withServer = true): Promise<RunResult> {
  return coffer(['k8s', 'migrate', ...args], { cwd: dir, env: withServer ? { VAULT_ADDR: env.VAULT_ADDR(), VAULT_TOKEN: ROOT } : {} });
}

function noValues(r: RunResult): void {
  for (const v of VALUES) {
    assert.ok(!r.stdout.includes(v), `stdout shows ${v}`);
    assert.ok(!r.stderr.includes(v), `stderr shows ${v}`);
  }
}

async function kvData(path: string): Promise<Record<string, string> | undefined> {
  const r = await api(srv.addr, 'GET', `secret/data/${path}`, { token: ROOT });
  return r.status === 200 ? (r.body.data.data as Record<string, string>) : undefined;
}

describe('coffer k8s migrate against a dev server', () => {
  it('dry run: prints the plan (diffs, masked KV writes, policies), writes nothing; unsafe files make it exit 1', async () => {
    const dir = copy(true);
    const before = snapshot(dir);
    const r = await migrate(dir, ['.']);
    assert.equal(r.code, 1, r.stderr);
    noValues(r);
    assert.match(r.stdout, /secret\/shop\/db-credentials {2}<- Secret shop\/db-credentials \(apps\/web\.yaml\): new \(written with cas=0\)/);
    assert.match(r.stdout, /^\+{3} b\/apps\/web\.yaml$/m);
    assert.match(r.stdout, /^unsafe: unsafe\/ingress\.yaml: left untouched/m);
    assert.match(r.stderr, /Dry run: 3 KV secret\(s\) and 4 file\(s\) would change/);
    assert.deepEqual(snapshot(dir), before);
    assert.equal(await kvData('shop/db-credentials'), undefined);
  });

  it('-apply: KV values exact, policies grant exactly those paths, roles bind the service accounts, files rewritten atomically; a second run has nothing to do', async () => {
    const dir = copy();
    const r = await migrate(dir, ['-apply', '-prefix=first', 'apps']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    noValues(r);
    assert.match(r.stderr, /Migrated: 3 KV secret\(s\) written, 4 file\(s\) rewritten, 3 policy\/role pair\(s\) written/);
    assert.deepEqual(await kvData('first/shop/db-credentials'), { username: 'db-user-7Qx', password: 'Pa55-db-Zk9w!' });
    assert.deepEqual(await kvData('first/shop/api-keys'), { PAYMENT_API_KEY: 'pk_live_payment_4Hf8Kq2Lm9', SEARCH_TOKEN: 'search-token-Vb71xQ' });
    assert.deepEqual(await kvData('first/shop/web-files'), {
      'server.key': '-----BEGIN FAKE KEY-----\nweb-private-key-material-Tq42\n-----END FAKE KEY-----\n',
      'server.crt': '-----BEGIN CERTIFICATE-----\nweb-certificate-body-Ru63\n-----END CERTIFICATE-----\n',
    });
    const meta = await api(srv.addr, 'GET', 'secret/metadata/first/shop/db-credentials', { token: ROOT });
    assert.equal(meta.body.data.current_version, 1);

    // The role for the web Deployment's service account, and what its policy lets a token do.
    const role = await api(srv.addr, 'GET', 'auth/kubernetes/role/migrated-shop-web', { token: ROOT });
    assert.equal(role.status, 200, role.text);
    assert.deepEqual(role.body.data.bound_service_account_names, ['web']);
    assert.deepEqual(role.body.data.bound_service_account_namespaces, ['shop']);
    assert.ok((role.body.data.token_policies as string[]).includes('migrated-shop-web'));
    const tok = await api(srv.addr, 'POST', 'auth/token/create', { token: ROOT, body: { policies: ['migrated-shop-report'], no_default_policy: true } });
    const paths = ['secret/data/first/shop/db-credentials', 'secret/data/first/shop/api-keys', 'secret/data/first/shop/web-files', 'secret/metadata/first/shop/db-credentials', 'secret/data/first/shop'];
    const caps = await api(srv.addr, 'POST', 'sys/capabilities', { token: ROOT, body: { token: tok.body.auth.client_token, paths } });
    assert.deepEqual(caps.body.data['secret/data/first/shop/db-credentials'], ['read']);
    for (const p of paths.slice(1)) assert.deepEqual(caps.body.data[p], ['deny'], p);
    const webTok = await api(srv.addr, 'POST', 'auth/token/create', { token: ROOT, body: { policies: ['migrated-shop-web'], no_default_policy: true } });
    const read = await api(srv.addr, 'GET', 'secret/data/first/shop/web-files', { token: webTok.body.auth.client_token });
    assert.equal(read.status, 200);
    const other = await api(srv.addr, 'GET', 'secret/data/first/shop/db-credentials-other', { token: webTok.body.auth.client_token });
    assert.equal(other.status, 403);

    // The files: the Secrets gone, the consumers annotated, no temporary file left.
    const files = snapshot(dir);
    assert.deepEqual(Object.keys(files).sort(), ['apps/debug-pod.json', 'apps/report-cron.yaml', 'apps/web.yaml']);
    assert.ok(!files['apps/web.yaml']!.includes('kind: Secret'));
    assert.match(files['apps/web.yaml']!, /coffer\.dev\/agent-inject-env-DB_PASSWORD: "secret\/data\/first\/shop\/db-credentials#password"/);
    assert.equal(existsSync(join(dir, 'apps/secrets.yaml')), false);

    const again = await migrate(dir, ['-apply', '-prefix=first', 'apps']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /Nothing to migrate/);
    assert.match(again.stderr, /Nothing to do\./);
    assert.deepEqual(snapshot(dir), files);
    assert.equal((await api(srv.addr, 'GET', 'secret/metadata/first/shop/db-credentials', { token: ROOT })).body.data.current_version, 1);
  });

  it('a KV path with other data: a conflict, never overwritten; that Secret and its consumers stay; the rest moves; exit 1', async () => {
    const dir = copy();
    const pre = await api(srv.addr, 'PUT', 'secret/data/clash/shop/db-credentials', { token: ROOT, body: { data: { username: 'someone-else', password: 'newer-value' } } });
    assert.equal(pre.status, 200);
    const r = await migrate(dir, ['-apply', '-prefix=clash', 'apps']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    noValues(r);
    assert.match(r.stdout, /^conflict: apps\/web\.yaml:3: Secret shop\/db-credentials stays: secret\/clash\/shop\/db-credentials already holds different data \(version 1\); migrate never overwrites it\. Compare with `coffer kv get secret\/clash\/shop\/db-credentials`/m);
    assert.deepEqual(await kvData('clash/shop/db-credentials'), { username: 'someone-else', password: 'newer-value' });
    assert.deepEqual(await kvData('clash/shop/api-keys'), { PAYMENT_API_KEY: 'pk_live_payment_4Hf8Kq2Lm9', SEARCH_TOKEN: 'search-token-Vb71xQ' });
    const web = readFileSync(join(dir, 'apps/web.yaml'), 'utf8');
    assert.match(web, /kind: Secret\nmetadata:\n {2}name: db-credentials/);
    assert.match(web, /name: DB_PASSWORD {6}# the app reads it at start\n {10}valueFrom:\n {12}secretKeyRef:/);
    assert.match(web, /agent-inject-env-PAYMENT_API_KEY/);
    assert.equal(readFileSync(join(dir, 'apps/report-cron.yaml'), 'utf8'), readFileSync(join(FIXTURE, 'apps/report-cron.yaml'), 'utf8'));
  });

  it('the same data already in KV: nothing written there, the manifests still move; -format=json', async () => {
    const dir = copy();
    await api(srv.addr, 'PUT', 'secret/data/same/shop/db-credentials', { token: ROOT, body: { data: { username: 'db-user-7Qx', password: 'Pa55-db-Zk9w!' } } });
    const r = await migrate(dir, ['-format=json', '-prefix=same', 'apps']);
    assert.equal(r.code, 0, r.stderr);
    noValues(r);
    const out = JSON.parse(r.stdout) as { applied: boolean; kv: Array<{ secret: string; state: string }>; files: Array<{ path: string }> };
    assert.equal(out.applied, false);
    assert.deepEqual(out.kv.map((w) => [w.secret, w.state]), [['shop/api-keys', 'absent'], ['shop/web-files', 'absent'], ['shop/db-credentials', 'same']]);
    assert.equal(out.files.length, 4);
  });

  it('exit 2: a KV v1 mount, no mount, -apply without a server, a bad flag', async () => {
    const dir = copy();
    const v1 = await migrate(dir, ['-mount=kv1', 'apps']);
    assert.equal(v1.code, 2);
    assert.match(v1.stderr, /kv1\/ is a kv version 1 mount, not KV version 2/);
    const none = await migrate(dir, ['-mount=nothing-here', 'apps']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no secrets engine is mounted at nothing-here\//);
    const offline = await migrate(dir, ['-apply', 'apps'], false);
    assert.equal(offline.code, 2);
    assert.match(offline.stderr, /-apply needs the server/);
    const bad = await migrate(dir, ['-format=xml', 'apps']);
    assert.equal(bad.code, 2);
    assert.deepEqual(Object.keys(snapshot(dir)).sort(), ['apps/debug-pod.json', 'apps/report-cron.yaml', 'apps/secrets.yaml', 'apps/web.yaml']);
  });
});
