// `coffer read|write|list|delete|patch` on any path, as a child process against a dev server: the
// Key/Value table (refresh_interval, durations), JSON/YAML, -field, a JSON body on stdin, key=@file,
// key=- (a heredoc), query arguments on read, -force, the server's warnings on stderr.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { startDevServer, tempDir, type DevServer } from '../support/server.js';
import { cli, expectCode } from './run.js';

const ROOT = 'cli-generic-root';
let srv: DevServer;
let run: ReturnType<typeof cli>;

before(async () => {
  srv = await startDevServer(ROOT);
  run = cli(srv.addr, ROOT);
  expectCode(await run(['secrets', 'enable', '-path=kv', 'kv']), 0);
});
after(async () => {
  await srv.stop();
});

test('write then read a KV v1 path: "Success! Data written to", the table with refresh_interval (from KV v1 ttl), -field, JSON, YAML', async () => {
  assert.equal(expectCode(await run(['write', 'kv/app', 'user=admin', 'ttl=1h']), 0).stdout, 'Success! Data written to: kv/app\n');
  const r = expectCode(await run(['read', 'kv/app']), 0);
  assert.equal(r.stdout, 'Key                 Value\n---                 -----\nrefresh_interval    1h\nttl                 1h\nuser                admin\n');
  assert.equal(expectCode(await run(['read', '-field=user', 'kv/app']), 0).stdout, 'admin');
  assert.equal(expectCode(await run(['read', '-field=refresh_interval', 'kv/app']), 0).stdout, '3600');
  const j = JSON.parse(expectCode(await run(['read', '-format=json', 'kv/app']), 0).stdout);
  assert.deepEqual(j.data, { ttl: '1h', user: 'admin' });
  assert.equal(j.lease_duration, 3600);
  const y = expectCode(await run(['read', '-format=yaml', 'kv/app']), 0).stdout;
  assert.match(y, /^data:\n  ttl: 1h\n  user: admin\nlease_duration: 3600\nlease_id: ""\n/);
  const missing = await run(['read', 'kv/nope']);
  expectCode(missing, 2);
  assert.equal(missing.stderr, 'No value found at kv/nope\n');
});

test('write - takes a JSON body from stdin; key=@file and key=- (a heredoc) take file and stdin contents', async () => {
  expectCode(await run(['write', 'kv/json', '-'], { stdin: '{"a":1,"b":["x","y"],"c":{"d":true}}' }), 0);
  assert.deepEqual((await api(srv.addr, 'GET', 'kv/json', { token: ROOT })).body.data, { a: 1, b: ['x', 'y'], c: { d: true } });
  const dir = tempDir();
  writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  const heredoc = 'line one\nline two\n';
  expectCode(await run(['write', 'kv/files', 'ca=@ca.pem', 'notes=-'], { cwd: dir, stdin: heredoc }), 0);
  const d = (await api(srv.addr, 'GET', 'kv/files', { token: ROOT })).body.data;
  assert.equal(d.ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  assert.equal(d.notes, heredoc);
  const missingFile = await run(['write', 'kv/files', 'ca=@nope.pem'], { cwd: dir });
  expectCode(missingFile, 1);
  assert.match(missingFile.stderr, /error reading file: open nope\.pem: no such file or directory/);
  const noData = await run(['write', 'kv/empty']);
  expectCode(noData, 1);
  assert.match(noData.stderr, /^Must supply data or use -force\n\nUsage: coffer write \[options\] PATH \[DATA K=V\.\.\.\]/);
});

test('write prints the response when there is one (token create through auth/token/create), -field=token', async () => {
  const t = expectCode(await run(['write', '-field=token', 'auth/token/create', 'policies=default', 'ttl=10m']), 0).stdout;
  assert.match(t, /^hvs\.\S+$/);
  const table = expectCode(await run(['write', 'auth/token/create', 'policies=default', 'ttl=10m']), 0).stdout;
  assert.match(table, /^Key +Value\n--- +-----\ntoken +hvs\.\S+\ntoken_accessor +\S+\ntoken_duration +10m\ntoken_renewable +true\ntoken_policies +\["default"\]\nidentity_policies +\[\]\npolicies +\["default"\]\n$/);
  // read passes key=value arguments as the query string.
  const look = expectCode(await run(['read', '-format=json', 'auth/token/lookup-self']), 0).stdout;
  assert.equal(JSON.parse(look).data.id, ROOT);
});

test('-wrap-ttl wraps the response (wrapping_token rows); the KV version preflight is not wrapped', async () => {
  expectCode(await run(['kv', 'put', 'secret/wrapped', 'pw=s3cr3t']), 0);
  const r = expectCode(await run(['kv', 'get', '-wrap-ttl=60s', 'secret/wrapped']), 0).stdout;
  assert.match(r, /^Key +Value\n--- +-----\nwrapping_token: +\S+\nwrapping_accessor: +\S+\nwrapping_token_ttl: +1m\nwrapping_token_creation_time: +\S+\nwrapping_token_creation_path: +secret\/data\/wrapped\n$/);
  assert.ok(!r.includes('s3cr3t'));
  const token = expectCode(await run(['read', '-wrap-ttl=60s', '-field=wrapping_token', 'secret/data/wrapped']), 0).stdout;
  const unwrapped = JSON.parse(expectCode(await run(['write', '-format=json', 'sys/wrapping/unwrap', `token=${token}`]), 0).stdout);
  assert.equal(unwrapped.data.data.pw, 's3cr3t');
});

test('list, delete and patch on any path', async () => {
  expectCode(await run(['write', 'kv/dir/a', 'x=1']), 0);
  expectCode(await run(['write', 'kv/dir/b/c', 'x=1']), 0);
  assert.equal(expectCode(await run(['list', 'kv/dir']), 0).stdout, 'Keys\n----\na\nb/\n');
  assert.deepEqual(JSON.parse(expectCode(await run(['list', '-format=json', 'kv/dir/']), 0).stdout), ['a', 'b/']);
  const none = await run(['list', 'kv/none']);
  expectCode(none, 2);
  assert.equal(none.stderr, 'No value found at kv/none/\n');
  assert.equal(expectCode(await run(['delete', 'kv/dir/a']), 0).stdout, 'Success! Data deleted (if it existed) at: kv/dir/a\n');
  expectCode(await run(['read', 'kv/dir/a']), 2);

  expectCode(await run(['kv', 'put', 'secret/p', 'a=1', 'b=2']), 0);
  const patched = expectCode(await run(['patch', 'secret/data/p', '-'], { stdin: '{"data":{"b":null,"c":"3"}}' }), 0).stdout;
  assert.match(patched, /version +2/);
  assert.deepEqual((await api(srv.addr, 'GET', 'secret/data/p', { token: ROOT })).body.data.data, { a: '1', c: '3' });
});

test("the server's warnings go to stderr in Vault's WARNING! block, the answer to stdout", async () => {
  expectCode(await run(['auth', 'enable', 'kubernetes']), 0);
  // A role without an audience: Vault (and Coffer) answer with a warning.
  const r = expectCode(await run(['write', 'auth/kubernetes/role/r', 'bound_service_account_names=a', 'bound_service_account_namespaces=b']), 0);
  assert.match(r.stderr, /^WARNING! The following warnings were returned from Coffer:\n\n  \* This role does not specify an audience\./);
  assert.ok(!r.stdout.includes('WARNING!'));
  const j = expectCode(await run(['write', '-format=json', 'auth/kubernetes/role/r', 'bound_service_account_names=a', 'bound_service_account_namespaces=b']), 0);
  if (j.stdout) assert.match(JSON.parse(j.stdout).warnings[0], /audience/);
});
