// KV helpers against a real dev server: v2 versions, check-and-set, patch, delete/undelete/
// destroy, metadata and list; v1 on a mounted kv; kvKind on v1 and v2 mounts, and its
// fallbacks (404 -> v1 like the Vault CLI, other errors thrown) against a stub.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDevServer, type DevServer } from '../support/server.js';
import { Client, VaultError } from '../../src/client/index.js';
import { startStub } from './stub.js';

let srv: DevServer;
let c: Client;
before(async () => {
  srv = await startDevServer('root-token-kv');
  c = new Client({ address: srv.addr, token: srv.rootToken, env: {} });
  await c.sys.mounts.enable('kv1', { type: 'kv', options: { version: '1' } });
  await c.sys.mounts.enable('team/kv2', { type: 'kv-v2' });
});
after(async () => {
  c.close();
  await srv.stop();
});

test('KV v2: put, get, versions, cas, patch', async () => {
  const kv = c.kv.v2();
  assert.equal(await kv.get('app/config'), null);
  const m1 = await kv.put('app/config', { user: 'u', pass: 'p1' }, { cas: 0 });
  assert.equal(m1.version, 1);
  assert.equal(m1.destroyed, false);
  const m2 = await kv.put('app/config', { user: 'u', pass: 'p2' }, { cas: 1 });
  assert.equal(m2.version, 2);

  const err = await kv.put('app/config', { pass: 'p3' }, { cas: 1 }).catch((e: unknown) => e);
  assert.ok(err instanceof VaultError);
  assert.equal(err.status, 400);
  assert.match(err.errors.join(), /check-and-set parameter did not match the current version/);
  assert.match(err.message, /PUT \/v1\/secret\/data\/app\/config: 400 check-and-set/);
  assert.ok(!err.message.includes('p3'));

  const latest = await kv.get<{ user: string; pass: string }>('app/config');
  assert.equal(latest?.data?.pass, 'p2');
  assert.equal(latest?.metadata.version, 2);
  const first = await kv.get<{ pass: string }>('app/config', { version: 1 });
  assert.equal(first?.data?.pass, 'p1');

  const m3 = await kv.patch('app/config', { pass: 'p3', extra: 'e' }, { cas: 2 });
  assert.equal(m3.version, 3);
  assert.deepEqual((await kv.get('app/config'))?.data, { user: 'u', pass: 'p3', extra: 'e' });
  await assert.rejects(kv.patch('app/config', { pass: 'x' }, { cas: 1 }), (e: unknown) => e instanceof VaultError && e.status === 400);
});

test('KV v2: delete, undelete, destroy, metadata, list', async () => {
  const kv = c.kv.v2('secret');
  await kv.put('lifecycle/s', { v: 1 });
  await kv.put('lifecycle/s', { v: 2 });
  await kv.put('lifecycle/s', { v: 3 });

  await kv.delete('lifecycle/s');
  const deleted = await kv.get('lifecycle/s');
  assert.ok(deleted, 'a deleted version still reads with its metadata');
  assert.equal(deleted.data, null);
  assert.notEqual(deleted.metadata.deletion_time, '');

  await kv.undelete('lifecycle/s', [3]);
  assert.deepEqual((await kv.get('lifecycle/s'))?.data, { v: 3 });

  await kv.delete('lifecycle/s', [1]);
  assert.equal((await kv.get('lifecycle/s', { version: 1 }))?.data, null);

  await kv.destroy('lifecycle/s', [2]);
  const destroyed = await kv.get('lifecycle/s', { version: 2 });
  assert.equal(destroyed?.data, null);
  assert.equal(destroyed?.metadata.destroyed, true);
  await kv.undelete('lifecycle/s', [2]);
  assert.equal((await kv.get('lifecycle/s', { version: 2 }))?.data, null, 'a destroyed version cannot be undeleted');

  await kv.writeMetadata('lifecycle/s', { max_versions: 5, custom_metadata: { owner: 'team-a' } });
  const md = await kv.readMetadata('lifecycle/s');
  assert.ok(md);
  assert.equal(md.current_version, 3);
  assert.equal(md.max_versions, 5);
  assert.deepEqual(md.custom_metadata, { owner: 'team-a' });
  assert.equal(md.versions['2']?.destroyed, true);
  assert.notEqual(md.versions['1']?.deletion_time, '');

  await kv.put('lifecycle/other', { v: 1 });
  assert.deepEqual((await kv.list('lifecycle')).sort(), ['other', 's']);
  assert.ok((await kv.list()).includes('lifecycle/'));
  assert.deepEqual(await kv.list('nothing/here'), []);

  await kv.deleteMetadata('lifecycle/s');
  assert.equal(await kv.readMetadata('lifecycle/s'), null);
  assert.equal(await kv.get('lifecycle/s'), null);
  assert.deepEqual(await kv.list('lifecycle'), ['other']);
});

test('KV v2 on a nested mount path', async () => {
  const kv = c.kv.v2('/team/kv2/');
  await kv.put('a', { n: 1 });
  assert.deepEqual((await kv.get('a'))?.data, { n: 1 });
  assert.deepEqual(await kv.list(), ['a']);
});

test('KV v1 on a mounted kv', async () => {
  const kv = c.kv.v1('kv1');
  assert.equal(await kv.get('db/creds'), null);
  await kv.put('db/creds', { user: 'app', password: 'pw' });
  await kv.put('db/other', { x: 'y' });
  await kv.put('top', { t: 1 });
  assert.deepEqual(await kv.get<{ user: string; password: string }>('db/creds'), { user: 'app', password: 'pw' });
  assert.deepEqual((await kv.list('db')).sort(), ['creds', 'other']);
  assert.deepEqual((await kv.list()).sort(), ['db/', 'top']);
  await kv.delete('db/creds');
  assert.equal(await kv.get('db/creds'), null);
  assert.deepEqual(await kv.list('db'), ['other']);
});

test('kvKind: v1 and v2 mounts, nested paths; unknown mount throws', async () => {
  assert.deepEqual(await c.kvKind('secret'), { mount: 'secret/', version: 2 });
  assert.deepEqual(await c.kvKind('secret/app/config'), { mount: 'secret/', version: 2 });
  assert.deepEqual(await c.kvKind('kv1/db/creds'), { mount: 'kv1/', version: 1 });
  assert.deepEqual(await c.kv.kind('team/kv2/a'), { mount: 'team/kv2/', version: 2 });
  const ui = await c.sys.internalUiMount('kv1/x');
  assert.equal(ui.type, 'kv');
  assert.equal(ui.path, 'kv1/');
  await assert.rejects(c.kvKind('no-such-mount/x'), (e: unknown) => e instanceof VaultError && e.status >= 400 && e.status < 500);

  // A token without access to the mount: the preflight is refused, and kvKind says so (like the CLI).
  const t = await c.token.create({ policies: ['default'] });
  const limited = new Client({ address: srv.addr, token: t.client_token, env: {} });
  await assert.rejects(limited.kvKind('secret/app/config'), (e: unknown) => e instanceof VaultError && e.status === 403);
  limited.close();
});

test('kvKind: 404 from an older server means KV v1 (Vault CLI behaviour); options without version means v1', async () => {
  const stub = await startStub((r) => {
    if (r.url.endsWith('/old/x')) return { status: 404, body: { errors: [] } };
    return { status: 200, body: { data: { path: 'plain/', type: 'kv', options: null } } };
  });
  const sc = new Client({ address: stub.addr, token: 't', env: {} });
  try {
    assert.deepEqual(await sc.kvKind('old/x'), { mount: '', version: 1 });
    assert.deepEqual(await sc.kvKind('plain/x'), { mount: 'plain/', version: 1 });
    assert.equal(stub.received[0]?.url, '/v1/sys/internal/ui/mounts/old/x');
    assert.equal(stub.received[0]?.method, 'GET');
  } finally {
    sc.close();
    await stub.close();
  }
});
