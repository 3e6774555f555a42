// Nothing secret at rest or in logs, for every kind of object, on SQLite and on PostgreSQL: KV v1 and
// v2 values, cubbyhole, token IDs and accessors, wrapping tokens and wrapped responses, AppRole role
// and secret IDs, userpass passwords, the Kubernetes auth config (reviewer JWT, CA), policy text
// (Vault keeps policies behind the barrier too), unseal keys and the root token. Each is a distinctive
// random marker, searched raw, in base64 (all three alignments) and in hex, in: the SQLite file and its
// -wal/-shm files (while running and after shutdown), the PostgreSQL table (SELECT * and pg_dump),
// the file audit device (values there must be HMAC'd) and the server's own stdout/stderr.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { api, type ApiResult } from '../support/http.js';
import { freePort, startWithConfig, tempDir, type ServerProcess } from '../support/server.js';
import { makeTestPki } from '../support/tls.js';

const PG_URL = process.env.COFFER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = `coffer_atrest_${randomBytes(4).toString('hex')}`;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

const marker = (kind: string): string => `mk${kind}${randomBytes(10).toString('hex')}`;

/** The forms a value could be stored in: raw, hex (both cases) and base64 at each byte alignment. */
function forms(value: string | Buffer): Buffer[] {
  const bytes = typeof value === 'string' ? Buffer.from(value) : value;
  const out = [bytes, Buffer.from(bytes.toString('hex')), Buffer.from(bytes.toString('hex').toUpperCase())];
  for (let k = 0; k < 3 && bytes.length - k >= 9; k++) {
    const b64 = bytes.subarray(k).toString('base64');
    out.push(Buffer.from(b64.slice(0, b64.length - 4)));
  }
  return out;
}

interface Secret {
  what: string;
  value: string | Buffer;
}

function assertAbsent(where: string, haystack: Buffer, secrets: readonly Secret[]): void {
  assert.ok(haystack.length > 0, `${where} is empty: nothing was checked`);
  for (const s of secrets) {
    for (const f of forms(s.value)) {
      assert.equal(haystack.includes(f), false, `${where} contains ${s.what} (as ${JSON.stringify(f.toString('latin1').slice(0, 40))})`);
    }
  }
}

interface Backend {
  name: string;
  storageHcl(dir: string): string;
  /** Named dumps of everything the backend keeps. */
  dumps(dir: string): Promise<[string, Buffer][]>;
}

const sqliteFiles = (dir: string): [string, Buffer][] =>
  ['coffer.db', 'coffer.db-wal', 'coffer.db-shm']
    .map((f) => join(dir, 'data', f))
    .filter((f) => existsSync(f))
    .map((f) => [f, readFileSync(f)]);

const backends: Backend[] = [
  {
    name: 'sqlite',
    storageHcl: (dir) => `storage "sqlite" {\n  path = "${join(dir, 'data', 'coffer.db')}"\n}`,
    dumps: async (dir) => sqliteFiles(dir),
  },
  {
    name: 'postgresql',
    storageHcl: () => `storage "postgresql" {\n  connection_url = "${PG_URL}"\n  table = "${table}"\n}`,
    dumps: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        const rows = await c.query(`SELECT * FROM "${table}"`);
        const cells = rows.rows.flatMap((row: Record<string, unknown>) =>
          Object.values(row).map((v) => (Buffer.isBuffer(v) ? v : Buffer.from(String(v)))),
        );
        const out: [string, Buffer][] = [['SELECT *', Buffer.concat(cells)]];
        const dump = spawnSync('pg_dump', ['-d', PG_URL, '-t', `"${table}"`, '--data-only'], { maxBuffer: 256 * 1024 * 1024 });
        if (dump.status === 0) out.push(['pg_dump', dump.stdout]);
        return out;
      } finally {
        await c.end();
      }
    },
  },
];
cleanups.push(async () => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP TABLE IF EXISTS "${table}"`);
  await c.end();
});

for (const b of backends) {
  test(`${b.name}: no secret of any kind in storage, the audit log or the server log`, { timeout: 120_000 }, async () => {
    const dir = tempDir('coffer-atrest-');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const configPath = join(dir, 'server.hcl');
    writeFileSync(configPath, `${b.storageHcl(dir)}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\ndisable_mlock = true\nlog_level = "debug"\n`);
    const srv: ServerProcess = await startWithConfig(configPath, port);
    cleanups.push(async () => void (await srv.stop('SIGKILL')));
    const addr = srv.addr;
    const secrets: Secret[] = [];
    const keep = (what: string, value: string | Buffer): void => void secrets.push({ what, value });
    const ok = (r: ApiResult, what: string): ApiResult => {
      assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.text}`);
      return r;
    };

    const init = ok(await api(addr, 'PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } }), 'init');
    const keys: string[] = init.body.keys;
    const root: string = init.body.root_token;
    keys.forEach((k, i) => {
      keep(`unseal key ${i}`, k);
      keep(`unseal key ${i} (bytes)`, Buffer.from(k, 'hex'));
    });
    keep('the root token', root);
    keep('the root token without its prefix', root.replace(/^hvs\./, ''));
    for (const k of keys.slice(0, 2)) await api(addr, 'PUT', 'sys/unseal', { body: { key: k } });
    const R = (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResult> =>
      api(addr, method, path, { token: root, body, headers });

    const auditLog = join(dir, 'audit.log');
    ok(await R('PUT', 'sys/audit/file', { type: 'file', options: { file_path: auditLog } }), 'audit');

    // KV v1 and v2, cubbyhole.
    ok(await R('POST', 'sys/mounts/kv', { type: 'kv', options: { version: '2' } }), 'mount kv');
    ok(await R('POST', 'sys/mounts/old', { type: 'kv', options: { version: '1' } }), 'mount old');
    const v2 = marker('kv2');
    const v1 = marker('kv1');
    const cub = marker('cubby');
    keep('a KV v2 value', v2);
    keep('a KV v1 value', v1);
    keep('a cubbyhole value', cub);
    ok(await R('PUT', 'kv/data/app/config', { data: { password: v2, nested: { deep: `${v2}-deep` } } }), 'kv v2 put');
    ok(await R('PUT', 'old/app/config', { password: v1 }), 'kv v1 put');
    ok(await R('PUT', 'cubbyhole/mine', { secret: cub }), 'cubbyhole put');

    // A policy: Vault keeps policy text behind the barrier as well.
    const policyMark = marker('pol');
    keep('policy text', policyMark);
    ok(await R('PUT', 'sys/policies/acl/app', { policy: `path "kv/data/${policyMark}/*" { capabilities = ["read"] }\npath "kv/data/app/*" { capabilities = ["read"] }` }), 'policy');

    // Tokens and accessors.
    const child = ok(await R('POST', 'auth/token/create', { policies: ['app'], ttl: '1h' }), 'token create').body.auth;
    keep('a token ID', child.client_token);
    keep('a token ID without its prefix', String(child.client_token).replace(/^hvs\./, ''));
    keep('a token accessor', child.accessor);

    // Wrapping: the wrapping token, its accessor and the wrapped response.
    const wrappedMark = marker('wrap');
    keep('a wrapped response', wrappedMark);
    const w = ok(await R('POST', 'sys/wrapping/wrap', { payload: wrappedMark }, { 'X-Vault-Wrap-TTL': '1h' }), 'wrap').body.wrap_info;
    keep('a wrapping token', w.token);
    keep('a wrapping token without its prefix', String(w.token).replace(/^hvs\./, ''));
    keep('a wrapping token accessor', w.accessor);
    const w2 = ok(await R('GET', 'kv/data/app/config', undefined, { 'X-Vault-Wrap-TTL': '1h' }), 'wrapped read').body.wrap_info;
    keep('a wrapping token (wrapped read)', w2.token);

    // AppRole: role ID and secret ID (and its accessor), and the token of a login.
    ok(await R('POST', 'sys/auth/approle', { type: 'approle' }), 'enable approle');
    ok(await R('POST', 'auth/approle/role/web', { token_policies: ['app'] }), 'approle role');
    const roleId: string = ok(await R('GET', 'auth/approle/role/web/role-id'), 'role-id').body.data.role_id;
    const sid = ok(await R('POST', 'auth/approle/role/web/secret-id'), 'secret-id').body.data;
    keep('an AppRole role ID', roleId);
    keep('an AppRole secret ID', sid.secret_id);
    keep('an AppRole secret ID accessor', sid.secret_id_accessor);
    const customRole = marker('roleid');
    ok(await R('POST', 'auth/approle/role/web/role-id', { role_id: customRole }), 'custom role-id');
    keep('a custom AppRole role ID', customRole);
    const arLogin = ok(await api(addr, 'POST', 'auth/approle/login', { body: { role_id: customRole, secret_id: sid.secret_id } }), 'approle login').body.auth;
    keep('an AppRole login token', arLogin.client_token);
    keep('an AppRole login token accessor', arLogin.accessor);

    // Userpass: the password (stored as a hash, never in clear) and the login token.
    ok(await R('POST', 'sys/auth/userpass', { type: 'userpass' }), 'enable userpass');
    const password = marker('pw');
    keep('a userpass password', password);
    ok(await R('POST', 'auth/userpass/users/alice', { password, token_policies: 'app' }), 'userpass user');
    const upLogin = ok(await api(addr, 'POST', 'auth/userpass/login/alice', { body: { password } }), 'userpass login').body.auth;
    keep('a userpass login token', upLogin.client_token);

    // Kubernetes auth config: the reviewer JWT and the CA.
    ok(await R('POST', 'sys/auth/kubernetes', { type: 'kubernetes' }), 'enable kubernetes');
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: marker('jwt') })).toString('base64url')}.${marker('sig')}`;
    keep('the reviewer JWT', jwt);
    const pki = makeTestPki(dir);
    const caBody = pki.ca.split('\n').filter((l) => l !== '' && !l.startsWith('-----'))[1]!;
    keep('the Kubernetes CA (a line of its PEM body)', caBody);
    ok(await R('POST', 'auth/kubernetes/config', { kubernetes_host: 'https://127.0.0.1:1', kubernetes_ca_cert: pki.ca, token_reviewer_jwt: jwt }), 'kubernetes config');

    // Some reads and uses, so that every secret also crosses the audit log in responses.
    ok(await api(addr, 'GET', 'kv/data/app/config', { token: child.client_token }), 'read as child');
    ok(await R('GET', 'old/app/config'), 'read v1');
    ok(await R('GET', 'cubbyhole/mine'), 'read cubbyhole');
    ok(await R('POST', 'auth/token/lookup-accessor', { accessor: child.accessor }), 'lookup-accessor');
    ok(await R('POST', 'sys/wrapping/lookup', { token: w.token }), 'wrapping lookup');
    ok(await api(addr, 'POST', 'sys/wrapping/unwrap', { token: w2.token }), 'unwrap');

    // Storage while the server runs (the SQLite WAL holds recent writes), then after a clean stop.
    for (const [name, bytes] of await b.dumps(dir)) assertAbsent(`${b.name} ${name} (running)`, bytes, secrets);
    assert.equal(await srv.stop(), 0, 'the server should stop cleanly');
    for (const [name, bytes] of await b.dumps(dir)) assertAbsent(`${b.name} ${name} (stopped)`, bytes, secrets);

    const audit = readFileSync(auditLog);
    assert.ok(audit.includes(Buffer.from('hmac-sha256:')), 'the audit log holds HMACs');
    assertAbsent('the audit log', audit, secrets);
    assertAbsent('the server log (stdout/stderr)', Buffer.from(srv.output() + '\n'), secrets);
  });
}
