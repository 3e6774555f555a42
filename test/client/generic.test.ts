// The generic calls against a real dev server: read/write/list/delete/patch/request, LIST,
// query strings, escaping, response wrapping, and VaultError (status, server messages, and
// neither the token nor the body in the message).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDevServer, type DevServer } from '../support/server.js';
import { Client, VaultError } from '../../src/client/index.js';

let srv: DevServer;
let c: Client;
before(async () => {
  srv = await startDevServer('root-token-generic');
  c = new Client({ address: srv.addr, token: srv.rootToken, env: {} });
});
after(async () => {
  c.close();
  await srv.stop();
});

test('write, read, list (LIST method), patch and delete on KV v2 through the generic calls', async () => {
  const w = await c.write<{ version: number }>('secret/data/generic/one', { data: { a: '1', b: '2' } });
  assert.equal(w?.data?.version, 1);
  assert.match(w!.request_id, /^[0-9a-f-]{36}$/);
  await c.write('secret/data/generic/two', { data: { x: 'y' } });

  const r = await c.read<{ data: Record<string, string>; metadata: { version: number } }>('secret/data/generic/one');
  assert.deepEqual(r?.data?.data, { a: '1', b: '2' });
  assert.equal(r?.lease_duration, 0);
  assert.equal(r?.auth, null);

  const l = await c.list('secret/metadata/generic');
  assert.deepEqual(l?.data?.keys.sort(), ['one', 'two']);
  const top = await c.list('secret/metadata/');
  assert.deepEqual(top?.data?.keys, ['generic/']);

  const p = await c.patch<{ version: number }>('secret/data/generic/one', { data: { b: null, c: '3' } });
  assert.equal(p?.data?.version, 2);
  const r2 = await c.read<{ data: Record<string, string> }>('secret/data/generic/one');
  assert.deepEqual(r2?.data?.data, { a: '1', c: '3' });

  const v1 = await c.read<{ data: Record<string, string> }>('secret/data/generic/one', { version: 1 });
  assert.deepEqual(v1?.data?.data, { a: '1', b: '2' });

  assert.equal(await c.delete('secret/metadata/generic/two'), null, '204 gives null');
  assert.deepEqual((await c.list('secret/metadata/generic'))?.data?.keys, ['one']);
});

test('a missing secret reads as null; an empty LIST is null', async () => {
  assert.equal(await c.read('secret/data/does/not/exist'), null);
  assert.equal(await c.list('secret/metadata/nothing-here'), null);
});

test('request(): any method, query, inline query, and escaped path segments', async () => {
  await c.request('POST', 'secret/data/with space/100%#1', { body: { data: { k: 'v' } } });
  assert.deepEqual((await c.list('secret/metadata/with space'))?.data?.keys, ['100%#1']);
  const r = await c.request<{ data: { k: string } }>('GET', 'secret/data/with space/100%#1');
  assert.equal(r?.data?.data.k, 'v');
  // A "?" in the path starts the query, as in a URL; `query` adds to it.
  await c.write('secret/data/q', { data: { n: 1 } });
  await c.write('secret/data/q', { data: { n: 2 } });
  const v1 = await c.request<{ data: { n: number } }>('GET', 'secret/data/q?version=1');
  assert.equal(v1?.data?.data.n, 1);
  const v2 = await c.request<{ data: { n: number } }>('GET', 'secret/data/q', { query: { version: 2 } });
  assert.equal(v2?.data?.data.n, 2);
  const health = await c.rawRequest('GET', 'sys/health?standbyok=true', { token: null, query: { sealedcode: 299 } });
  assert.equal(health.status, 200);
});

test('response wrapping: wrapTtl returns wrap_info, which unwraps to the data', async () => {
  await c.write('secret/data/wrapped', { data: { s: 'wrapped-value' } });
  const w = await c.request('GET', 'secret/data/wrapped', { wrapTtl: '60s' });
  assert.equal(w?.data, null);
  assert.ok(w?.wrap_info?.token);
  assert.equal(w?.wrap_info?.ttl, 60);
  const u = await c.request<{ data: { s: string } }>('POST', 'sys/wrapping/unwrap', { token: w!.wrap_info!.token });
  assert.equal(u?.data?.data.s, 'wrapped-value');
});

test('VaultError: status, server messages, method and path; no token or body in the message', async () => {
  const anon = new Client({ address: srv.addr, token: 'not-a-real-token-abc123', env: {} });
  const err = await anon.write('secret/data/x', { data: { password: 'super-secret-body-value' } }).catch((e: unknown) => e);
  anon.close();
  assert.ok(err instanceof VaultError);
  assert.equal(err.status, 403);
  assert.equal(err.method, 'PUT');
  assert.equal(err.path, 'secret/data/x');
  assert.ok(err.errors.length > 0);
  assert.ok(err.message.includes('403'));
  assert.ok(!err.message.includes('not-a-real-token-abc123'));
  assert.ok(!err.message.includes('super-secret-body-value'));
  assert.ok(!JSON.stringify(err).includes('super-secret-body-value'));
  assert.equal(err.attempts, 1, '403 is not retried');

  const bad = await c.request('POST', 'sys/mounts/bad', { body: { type: 'no-such-engine' } }).catch((e: unknown) => e);
  assert.ok(bad instanceof VaultError && bad.status === 400 && /no-such-engine/.test(bad.errors.join()));
});
