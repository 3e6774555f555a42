// Production mode on SQLite and on PostgreSQL: init with Shamir shares, the unseal ceremony (progress,
// wrong keys), health codes, key rotation, a kill -9 and restart that loses nothing acknowledged,
// and a raw dump of the database that shows no secret value, no secret name and no token ID.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { api } from '../support/http.js';
import { startWithConfig, freePort, tempDir, unsealWith } from '../support/server.js';
import { writeFileSync } from 'node:fs';
import { PG_URL, testPgClient } from '../support/postgres.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

interface Backend {
  name: string;
  storageHcl(dir: string): string;
  dump(dir: string): Promise<Buffer>;
}

const table = `coffer_e2e_${randomBytes(4).toString('hex')}`;
const backends: Backend[] = [
  {
    name: 'sqlite',
    storageHcl: (dir) => `storage "sqlite" {\n  path = "${join(dir, 'data', 'coffer.db')}"\n}`,
    dump: async (dir) => {
      const files = ['coffer.db', 'coffer.db-wal'].map((f) => join(dir, 'data', f)).filter((f) => existsSync(f));
      return Buffer.concat(files.map((f) => readFileSync(f)));
    },
  },
  {
    name: 'postgresql',
    storageHcl: () => `storage "postgresql" {\n  connection_url = "${PG_URL}"\n  table = "${table}"\n}`,
    dump: async () => {
      const c = await testPgClient();
      try {
        const r = await c.query<{ row: string }>(`SELECT (parent_path || path || key || encode(value, 'escape')) AS row FROM "${table}"`);
        const raw = await c.query<{ v: Buffer }>(`SELECT value AS v FROM "${table}"`);
        return Buffer.concat([Buffer.from(r.rows.map((x) => x.row).join('\n')), ...raw.rows.map((x) => x.v)]);
      } finally {
        await c.end();
      }
    },
  },
];
cleanups.push(async () => {
  const c = await testPgClient().catch(() => null); // the test itself reports a missing server
  if (!c) return;
  await c.query(`DROP TABLE IF EXISTS "${table}"`);
  await c.end();
});

for (const b of backends) {
  test(`${b.name}: init, unseal ceremony, rotate, kill -9, restart, and a dump with nothing readable`, async () => {
    if (b.name === 'postgresql') await (await testPgClient()).end(); // fails saying what is needed, not ECONNREFUSED
    const dir = tempDir();
    const port = await freePort();
    const configPath = join(dir, 'server.hcl');
    writeFileSync(configPath, `${b.storageHcl(dir)}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\ndisable_mlock = true\nui = true\nlog_level = "warn"\n`);
    let srv = await startWithConfig(configPath, port);
    cleanups.push(async () => void (await srv.stop('SIGKILL')));
    const addr = srv.addr;

    let h = await api(addr, 'GET', 'sys/health');
    assert.equal(h.status, 501);
    assert.equal(h.body.initialized, false);
    assert.equal((await api(addr, 'GET', 'sys/health?uninitcode=299')).status, 299);

    const init = await api(addr, 'PUT', 'sys/init', { body: { secret_shares: 3, secret_threshold: 2 } });
    assert.equal(init.status, 200, init.text);
    const keys: string[] = init.body.keys;
    assert.equal(keys.length, 3);
    assert.equal(init.body.keys_base64.length, 3);
    assert.equal(Buffer.from(init.body.keys_base64[0], 'base64').toString('hex'), keys[0]);
    const root: string = init.body.root_token;
    assert.match(root, /^hvs\./);
    assert.equal((await api(addr, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })).status, 400);

    h = await api(addr, 'GET', 'sys/health');
    assert.equal(h.status, 503);
    assert.equal(h.body.sealed, true);
    assert.equal((await api(addr, 'GET', 'sys/health?sealedcode=200')).status, 200);
    const sealedRead = await api(addr, 'GET', 'sys/mounts', { token: root });
    assert.equal(sealedRead.status, 503);
    assert.deepEqual(sealedRead.body, { errors: ['Vault is sealed'] });

    let st = await api(addr, 'PUT', 'sys/unseal', { body: { key: keys[0] } });
    assert.deepEqual([st.body.sealed, st.body.progress, st.body.t, st.body.n], [true, 1, 2, 3]);
    // A corrupted share (its y bytes changed, its x coordinate kept): the combined key fails the
    // authenticated decrypt of the keyring, and progress starts over.
    const corrupt = Buffer.from(keys[1]!, 'hex');
    corrupt[0] = corrupt[0]! ^ 0xff;
    const wrong = await api(addr, 'PUT', 'sys/unseal', { body: { key: corrupt.toString('hex') } });
    assert.equal(wrong.status, 400, wrong.text);
    assert.match(wrong.body.errors[0], /unseal/);
    st = await api(addr, 'GET', 'sys/seal-status');
    assert.deepEqual([st.body.sealed, st.body.progress], [true, 0]);
    st = await api(addr, 'PUT', 'sys/unseal', { body: { key: keys[1] } });
    st = await api(addr, 'PUT', 'sys/unseal', { body: { key: init.body.keys_base64[2] } });
    assert.equal(st.body.sealed, false, st.text);
    assert.equal((await api(addr, 'GET', 'sys/health')).status, 200);

    // Data to survive a crash.
    assert.equal((await api(addr, 'POST', 'sys/mounts/kv', { token: root, body: { type: 'kv', options: { version: '2' } } })).status, 204);
    assert.equal((await api(addr, 'POST', 'sys/mounts/old', { token: root, body: { type: 'kv' } })).status, 204);
    const secretValue = `value-${randomBytes(8).toString('hex')}`;
    const secretName = `name-${randomBytes(6).toString('hex')}`;
    assert.equal((await api(addr, 'PUT', `kv/data/${secretName}`, { token: root, body: { data: { password: secretValue } } })).status, 200);
    // KV v1 keeps the secret's path as its storage key, as Vault does; only its value is hidden.
    assert.equal((await api(addr, 'PUT', `old/v1-${secretName}`, { token: root, body: { password: secretValue } })).status, 204);
    await api(addr, 'PUT', 'sys/policy/reader', { token: root, body: { policy: `path "kv/data/*" { capabilities = ["read"] }` } });
    const child = await api(addr, 'POST', 'auth/token/create', { token: root, body: { policies: ['reader'], ttl: '2h' } });
    const childToken: string = child.body.auth.client_token;

    const ks1 = await api(addr, 'GET', 'sys/key-status', { token: root });
    assert.equal(ks1.body.data.term, 1);
    assert.equal((await api(addr, 'PUT', 'sys/rotate', { token: root })).status, 204);
    const ks2 = await api(addr, 'GET', 'sys/key-status', { token: root });
    assert.equal(ks2.body.data.term, 2);
    assert.equal(ks2.body.term, 2);
    assert.equal((await api(addr, 'PUT', `kv/data/${secretName}`, { token: root, body: { data: { password: `${secretValue}-2` } } })).status, 200);

    await srv.stop('SIGKILL');
    srv = await startWithConfig(configPath, port);
    assert.equal((await api(addr, 'GET', 'sys/seal-status')).body.sealed, true);
    await unsealWith(addr, [keys[2]!, keys[0]!]);
    const v2 = await api(addr, 'GET', `kv/data/${secretName}`, { token: childToken });
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.body.data.data.password, `${secretValue}-2`);
    const v1 = await api(addr, 'GET', `kv/data/${secretName}?version=1`, { token: root });
    assert.equal(v1.body.data.data.password, secretValue);
    const old = await api(addr, 'GET', `old/v1-${secretName}`, { token: root });
    assert.equal(old.body.data.password, secretValue);
    assert.equal((await api(addr, 'GET', 'sys/key-status', { token: root })).body.data.term, 2);

    const dump = await b.dump(dir);
    assert.ok(dump.length > 0);
    const visibleV1Key = `v1-${secretName}`;
    const withoutV1Key = Buffer.from(dump.toString('latin1').split(visibleV1Key).join(''), 'latin1');
    assert.equal(withoutV1Key.includes(Buffer.from(secretName)), false, 'a KV v2 secret name is visible in raw storage');
    for (const needle of [secretValue, root, childToken, root.slice(4), childToken.slice(4), 'password']) {
      assert.equal(dump.includes(Buffer.from(needle)), false, `the raw ${b.name} storage contains "${needle}"`);
    }
    await srv.stop();
  });
}
