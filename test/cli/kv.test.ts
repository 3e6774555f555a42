// `coffer kv ...` as a child process against a real dev server: v2 (secret/) and v1 mounts detected
// through sys/internal/ui/mounts, -mount=, put/get/patch/delete/undelete/destroy/list and metadata,
// -version, -cas, every output format, -field, stdin and @file data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { tempDir } from '../support/server.js';
import { expectCode, type RunResult, devServerCli } from './run.js';

const ROOT = 'cli-kv-root';
const dev = devServerCli(ROOT);
const { run } = dev;

const ok = (r: RunResult): RunResult => expectCode(r, 0);

test('kv put / get on KV v2: the Secret Path, Metadata and Data sections, as Vault prints them', async () => {
  const put = ok(await run(['kv', 'put', 'secret/myapp/config', 'aws_access_key_id=AKIA123', 'aws_secret_access_key=s3cr3t']));
  assert.match(put.stdout, /^=+ Secret Path =+\nsecret\/data\/myapp\/config\n\n=+ Metadata =+\nKey +Value\n--- +-----\ncreated_time +\S+\ncustom_metadata +<nil>\ndeletion_time +n\/a\ndestroyed +false\nversion +1\n$/);
  const get = ok(await run(['kv', 'get', 'secret/myapp/config']));
  const lines = get.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['====== Secret Path ======', 'secret/data/myapp/config', '']);
  assert.equal(lines[3], '======= Metadata =======');
  assert.ok(get.stdout.includes('\n============ Data ============\nKey                      Value\n---                      -----\naws_access_key_id        AKIA123\naws_secret_access_key    s3cr3t\n'), get.stdout);
  // The same through -mount=.
  const viaMount = ok(await run(['kv', 'get', '-mount=secret', 'myapp/config']));
  assert.equal(viaMount.stdout.replace(/created_time +\S+/, ''), get.stdout.replace(/created_time +\S+/, ''));
  // What the server holds.
  const stored = await api(dev.addr, 'GET', 'secret/data/myapp/config', { token: ROOT });
  assert.deepEqual(stored.body.data.data, { aws_access_key_id: 'AKIA123', aws_secret_access_key: 's3cr3t' });
});

test('kv get -field prints the raw value (no newline when piped, as Vault); -format=json and yaml', async () => {
  await run(['kv', 'put', 'secret/fmt', 'password=p@ss word', 'n=1']);
  const f = ok(await run(['kv', 'get', '-field=password', 'secret/fmt']));
  assert.equal(f.stdout, 'p@ss word');
  const missing = await run(['kv', 'get', '-field=nope', 'secret/fmt']);
  expectCode(missing, 1);
  assert.match(missing.stderr, /Field "nope" not present in secret/);
  const j = JSON.parse(ok(await run(['kv', 'get', '-format=json', 'secret/fmt'])).stdout);
  assert.deepEqual(Object.keys(j), ['request_id', 'lease_id', 'lease_duration', 'renewable', 'data', 'warnings', 'mount_type']);
  assert.deepEqual(j.data.data, { n: '1', password: 'p@ss word' });
  assert.equal(j.data.metadata.version, 1);
  const y = ok(await run(['kv', 'get', '-format=yaml', 'secret/fmt'])).stdout;
  assert.match(y, /^data:\n  data:\n    "n": "1"\n    password: p@ss word\n  metadata:\n/);
  // VAULT_FORMAT chooses the format too; the flag wins over it.
  const env = ok(await run(['kv', 'get', 'secret/fmt'], { env: { VAULT_FORMAT: 'json' } }));
  assert.equal(JSON.parse(env.stdout).data.data.password, 'p@ss word');
  const flagWins = ok(await run(['kv', 'get', '-format=table', 'secret/fmt'], { env: { VAULT_FORMAT: 'json' } }));
  assert.match(flagWins.stdout, /== Data ==/);
  const bad = await run(['kv', 'get', '-format=xml', 'secret/fmt']);
  expectCode(bad, 1);
  assert.match(bad.stderr, /Invalid output format: xml/);
});

test('kv put reads values from @file, key=- (stdin) and - (a JSON object on stdin)', async () => {
  const dir = tempDir();
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  writeFileSync(join(dir, 'ca.pem'), pem);
  ok(await run(['kv', 'put', 'secret/files', `ca=@${join(dir, 'ca.pem')}`, 'note=-'], { stdin: 'from a heredoc\n' }));
  let d = (await api(dev.addr, 'GET', 'secret/data/files', { token: ROOT })).body.data.data;
  assert.deepEqual(d, { ca: pem, note: 'from a heredoc\n' });
  ok(await run(['kv', 'put', 'secret/json', '-'], { stdin: '{"user":"app","port":5432}' }));
  d = (await api(dev.addr, 'GET', 'secret/data/json', { token: ROOT })).body.data.data;
  assert.deepEqual(d, { user: 'app', port: 5432 });
  const none = await run(['kv', 'put', 'secret/empty']);
  expectCode(none, 1);
  assert.match(none.stderr, /Must supply data/);
});

test('versions: -version, -cas, patch, delete / undelete / destroy, metadata get / put / delete', async () => {
  ok(await run(['kv', 'put', 'secret/v', 'a=1']));
  ok(await run(['kv', 'put', '-cas=1', 'secret/v', 'a=2']));
  const casFail = await run(['kv', 'put', '-cas=1', 'secret/v', 'a=3']);
  expectCode(casFail, 2);
  assert.match(casFail.stderr, /Error writing data to secret\/data\/v: Error making API request\.\n\nURL: PUT http:\/\/127\.0\.0\.1:\d+\/v1\/secret\/data\/v\nCode: 400\. Errors:\n\n\* check-and-set parameter did not match the current version/);
  assert.equal(ok(await run(['kv', 'get', '-version=1', '-field=a', 'secret/v'])).stdout, '1');
  const patched = ok(await run(['kv', 'patch', 'secret/v', 'b=x']));
  assert.match(patched.stdout, /version +3/);
  assert.deepEqual(JSON.parse(ok(await run(['kv', 'get', '-format=json', '-field=data', 'secret/v'])).stdout), { a: '2', b: 'x' });
  ok(await run(['kv', 'patch', '-method=rw', '-remove-data=b', 'secret/v', 'c=y']));
  assert.deepEqual(JSON.parse(ok(await run(['kv', 'get', '-format=json', 'secret/v'])).stdout).data.data, { a: '2', c: 'y' });

  assert.equal(ok(await run(['kv', 'delete', 'secret/v'])).stdout, 'Success! Data deleted (if it existed) at: secret/data/v\n');
  const deleted = ok(await run(['kv', 'get', 'secret/v']));
  assert.match(deleted.stdout, /deletion_time +\d{4}-/);
  assert.ok(!deleted.stdout.includes('== Data =='));
  assert.equal(ok(await run(['kv', 'undelete', '-versions=4', 'secret/v'])).stdout, 'Success! Data written to: secret/undelete/v\n');
  assert.equal(ok(await run(['kv', 'get', '-field=c', 'secret/v'])).stdout, 'y');
  ok(await run(['kv', 'delete', '-versions=1,2', 'secret/v']));
  assert.equal(ok(await run(['kv', 'destroy', '-versions=3', 'secret/v'])).stdout, 'Success! Data written to: secret/destroy/v\n');
  const noVersions = await run(['kv', 'destroy', 'secret/v']);
  expectCode(noVersions, 1);
  assert.match(noVersions.stderr, /No versions provided, use the "-versions" flag/);

  assert.equal(ok(await run(['kv', 'metadata', 'put', '-max-versions=5', '-custom-metadata=team=web', 'secret/v'])).stdout, 'Success! Data written to: secret/metadata/v\n');
  const meta = ok(await run(['kv', 'metadata', 'get', 'secret/v'])).stdout;
  assert.match(meta, /^= Metadata Path =\nsecret\/metadata\/v\n\n=+ Metadata =+\nKey +Value\n/);
  assert.match(meta, /current_version +4\n/);
  assert.match(meta, /custom_metadata +map\[team:web\]\n/);
  assert.match(meta, /max_versions +5\n/);
  assert.match(meta, /\n=+ Version 1 =+\nKey +Value\n--- +-----\ncreated_time +\S+\ndeletion_time +\S+\ndestroyed +false\n/);
  assert.match(meta, /\n=+ Version 3 =+\n[^=]*destroyed +true\n/);
  const mj = JSON.parse(ok(await run(['kv', 'metadata', 'get', '-format=json', 'secret/v'])).stdout);
  assert.equal(mj.data.max_versions, 5);
  assert.equal(ok(await run(['kv', 'metadata', 'delete', 'secret/v'])).stdout, 'Success! Data deleted (if it existed) at: secret/metadata/v\n');
  const gone = await run(['kv', 'get', 'secret/v']);
  expectCode(gone, 2);
  assert.equal(gone.stderr, 'No value found at secret/data/v\n');
});

test('kv list: Keys table, JSON list, -mount; "No value found" (exit 2) for an empty folder', async () => {
  await run(['kv', 'put', 'secret/team/a', 'x=1']);
  await run(['kv', 'put', 'secret/team/sub/b', 'x=1']);
  assert.equal(ok(await run(['kv', 'list', 'secret/team'])).stdout, 'Keys\n----\na\nsub/\n');
  assert.deepEqual(JSON.parse(ok(await run(['kv', 'list', '-format=json', '-mount=secret', 'team/'])).stdout), ['a', 'sub/']);
  assert.equal(ok(await run(['kv', 'list', '-format=yaml', 'secret/team/sub'])).stdout, '- b\n');
  const none = await run(['kv', 'list', 'secret/nothing-here']);
  expectCode(none, 2);
  assert.match(none.stderr, /No value found at secret\/metadata\/nothing-here\//);
});

test('KV v1 mounts: put prints "Success!", get shows the Data section only, v2-only commands refuse', async () => {
  ok(await run(['secrets', 'enable', '-path=kv1', 'kv']));
  assert.equal(ok(await run(['kv', 'put', 'kv1/app', 'user=u', 'pass=p'])).stdout, 'Success! Data written to: kv1/app\n');
  assert.equal(ok(await run(['kv', 'get', 'kv1/app'])).stdout, '==== Data ====\nKey     Value\n---     -----\npass    p\nuser    u\n');
  assert.equal(ok(await run(['kv', 'get', '-mount=kv1', '-field=user', 'app'])).stdout, 'u');
  assert.equal(ok(await run(['kv', 'list', 'kv1/'])).stdout, 'Keys\n----\napp\n');
  const patch = await run(['kv', 'patch', 'kv1/app', 'x=y']);
  expectCode(patch, 2);
  assert.match(patch.stderr, /K\/V engine mount must be version 2 for patch support/);
  const meta = await run(['kv', 'metadata', 'get', 'kv1/app']);
  expectCode(meta, 1);
  assert.match(meta.stderr, /Metadata not supported on KV Version 1/);
  assert.equal(ok(await run(['kv', 'delete', 'kv1/app'])).stdout, 'Success! Data deleted (if it existed) at: kv1/app\n');
  assert.equal((await run(['kv', 'get', 'kv1/app'])).code, 2);
});
