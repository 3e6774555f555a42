// The administrative command groups as a child process against a dev server: status, policy
// (write from a heredoc and a file, read, list, delete, fmt), secrets and auth (enable, list,
// tune, disable), audit (enable with options, list, disable), token (create, lookup, renew,
// capabilities, revoke) and lease (lookup, renew, revoke on a token lease).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/http.js';
import { tempDir } from '../support/server.js';
import { expectCode, devServerCli } from './run.js';

const ROOT = 'cli-admin-root';
const dev = devServerCli(ROOT);
const { run } = dev;

test('status: the seal status table (exit 0 when unsealed), JSON and YAML', async () => {
  const r = expectCode(await run(['status']), 0);
  assert.match(r.stdout, /^Key +Value\n--- +-----\nSeal Type +shamir\nInitialized +true\nSealed +false\nTotal Shares +1\nThreshold +1\nVersion +\S+\nBuild Date +\S+\nStorage Type +inmem\n(Cluster Name .*\nCluster ID .*\n)?HA Enabled +false\n$/);
  const j = JSON.parse(expectCode(await run(['status', '-format=json']), 0).stdout);
  assert.equal(j.sealed, false);
  assert.equal(j.ha_enabled, false);
  assert.match(expectCode(await run(['status', '-format=yaml']), 0).stdout, /^build_date: .*\n(.*\n)*sealed: false\n/);
});

test('policy write from a heredoc (-) and from a file; read, list, delete; bad policies refused with the reason', async () => {
  const hcl = 'path "secret/data/myapp/*" {\n  capabilities = ["read", "list"]\n}\n';
  const w = expectCode(await run(['policy', 'write', 'myappp-policy', '-'], { stdin: hcl }), 0);
  assert.equal(w.stdout, 'Success! Uploaded policy: myappp-policy\n');
  const dir = tempDir();
  writeFileSync(join(dir, 'ops.hcl'), 'path "sys/mounts" {\n  capabilities = ["read"]\n}\n');
  assert.equal(expectCode(await run(['policy', 'write', 'Ops', join(dir, 'ops.hcl')]), 0).stdout, 'Success! Uploaded policy: ops\n');
  assert.equal(expectCode(await run(['policy', 'read', 'myappp-policy']), 0).stdout, hcl);
  assert.deepEqual(JSON.parse(expectCode(await run(['policy', 'read', '-format=json', 'myappp-policy']), 0).stdout), { policy: hcl });
  assert.equal(expectCode(await run(['policy', 'list']), 0).stdout, 'default\nmyappp-policy\nops\nroot\n');
  assert.deepEqual(JSON.parse(expectCode(await run(['policy', 'list', '-format=json']), 0).stdout), ['default', 'myappp-policy', 'ops', 'root']);
  assert.equal(expectCode(await run(['policy', 'delete', 'ops']), 0).stdout, 'Success! Deleted policy: ops\n');
  const missing = await run(['policy', 'read', 'ops']);
  expectCode(missing, 2);
  assert.equal(missing.stderr, 'No policy named: ops\n');
  const bad = await run(['policy', 'write', 'bad', '-'], { stdin: 'path "x" { capabilites = ["read"] }' });
  expectCode(bad, 2);
  assert.match(bad.stderr, /^Error uploading policy: Error making API request\.\n\nURL: PUT http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/policies\/acl\/bad\nCode: 400\. Errors:\n\n\* .*capabilites/);
  const empty = await run(['policy', 'write', 'empty', '-']);
  expectCode(empty, 1);
});

test('policy fmt rewrites a file in canonical layout, and refuses (exit 1, file untouched) an invalid policy', async () => {
  const dir = tempDir();
  const f = join(dir, 'p.hcl');
  writeFileSync(f, '# app\npath "secret/data/app/*"   {\ncapabilities=["read"]\n    max_wrapping_ttl = "1h"\n}\n');
  assert.equal(expectCode(await run(['policy', 'fmt', f]), 0).stdout, `Success! Formatted policy: ${f}\n`);
  assert.equal(readFileSync(f, 'utf8'), '# app\npath "secret/data/app/*" {\n  capabilities     = ["read"]\n  max_wrapping_ttl = "1h"\n}\n');
  const badText = 'path "x" {\n  capabilities = ["reed"]\n}\n';
  writeFileSync(f, badText);
  const bad = await run(['policy', 'fmt', f]);
  expectCode(bad, 1);
  assert.match(bad.stderr, /^Failed to parse policy: .*reed/);
  assert.equal(readFileSync(f, 'utf8'), badText);
});

test('secrets enable -path -version, list (table, -detailed, JSON), tune, disable', async () => {
  assert.equal(expectCode(await run(['secrets', 'enable', '-path=team', '-version=2', '-description=team secrets', 'kv']), 0).stdout, 'Success! Enabled the kv secrets engine at: team/\n');
  const list = expectCode(await run(['secrets', 'list']), 0).stdout;
  assert.match(list, /^Path +Type +Accessor +Description\n---- +---- +-------- +-----------\ncubbyhole\/ +cubbyhole +cubbyhole_\w+ +per-token private secret storage\n/);
  assert.match(list, /\nteam\/ +kv +kv_\w+ +team secrets\n/);
  assert.match(expectCode(await run(['secrets', 'list', '-detailed']), 0).stdout, /\nteam\/ +kv +kv_\w+ +system +system +false +replicated +false +false +map\[version:2\] +team secrets/);
  const j = JSON.parse(expectCode(await run(['secrets', 'list', '-format=json']), 0).stdout);
  assert.deepEqual(j['team/'].options, { version: '2' });
  assert.equal(expectCode(await run(['secrets', 'tune', '-default-lease-ttl=1h', '-description=tuned', 'team']), 0).stdout, 'Success! Tuned the secrets engine at: team/\n');
  const tuned = (await api(dev.addr, 'GET', 'sys/mounts/team/tune', { token: ROOT })).body.data;
  assert.equal(tuned.default_lease_ttl, 3600);
  assert.equal(expectCode(await run(['kv', 'put', 'team/x', 'a=b']), 0).code, 0);
  assert.equal(expectCode(await run(['secrets', 'disable', 'team/']), 0).stdout, 'Success! Disabled the secrets engine (if it existed) at: team/\n');
  const again = await run(['secrets', 'enable', '-path=secret', 'kv']);
  expectCode(again, 2);
  assert.match(again.stderr, /^Error enabling: Error making API request\.\n\nURL: POST .*\/v1\/sys\/mounts\/secret\nCode: 400\. Errors:\n\n\* /);
});

test('auth enable -path, list, tune, disable', async () => {
  assert.equal(expectCode(await run(['auth', 'enable', '-path=kube-policy', 'kubernetes']), 0).stdout, 'Success! Enabled kubernetes auth method at: kube-policy/\n');
  assert.equal(expectCode(await run(['auth', 'enable', 'userpass']), 0).stdout, 'Success! Enabled userpass auth method at: userpass/\n');
  const list = expectCode(await run(['auth', 'list']), 0).stdout;
  assert.match(list, /^Path +Type +Accessor +Description\n---- +---- +-------- +-----------\nkube-policy\/ +kubernetes +auth_kubernetes_\w+ +n\/a\ntoken\/ +token +auth_token_\w+ +token based credentials\nuserpass\/ +userpass +auth_userpass_\w+ +n\/a\n$/);
  assert.ok(JSON.parse(expectCode(await run(['auth', 'list', '-format=json']), 0).stdout)['kube-policy/']);
  assert.equal(expectCode(await run(['auth', 'tune', '-max-lease-ttl=2h', 'kube-policy/']), 0).stdout, 'Success! Tuned the auth method at: kube-policy/\n');
  assert.equal((await api(dev.addr, 'GET', 'sys/auth/kube-policy/tune', { token: ROOT })).body.data.max_lease_ttl, 7200);
  assert.equal(expectCode(await run(['auth', 'disable', 'userpass']), 0).stdout, 'Success! Disabled the auth method (if it existed) at: userpass/\n');
  const unknown = await run(['auth', 'enable', 'nosuchmethod']);
  expectCode(unknown, 2);
});

test('audit enable with key=value options, list (table and JSON), disable; "No audit devices are enabled." exits 2', async () => {
  const none = await run(['audit', 'list']);
  expectCode(none, 2);
  assert.equal(none.stdout, 'No audit devices are enabled.\n');
  const log = join(tempDir(), 'a.log');
  assert.equal(expectCode(await run(['audit', 'enable', 'file', `file_path=${log}`]), 0).stdout, 'Success! Enabled the file audit device at: file/\n');
  assert.equal(expectCode(await run(['audit', 'list']), 0).stdout, 'Path     Type    Description\n----     ----    -----------\nfile/    file    n/a\n');
  assert.match(expectCode(await run(['audit', 'list', '-detailed']), 0).stdout, new RegExp(`file/ +file +n/a +replicated +map\\[file_path:${log.replace(/[/.]/g, '\\$&')}\\]`));
  assert.equal(JSON.parse(expectCode(await run(['audit', 'list', '-format=json']), 0).stdout)['file/'].options.file_path, log);
  expectCode(await run(['kv', 'put', 'secret/audited', 'password=hunter2']), 0);
  const logged = readFileSync(log, 'utf8');
  assert.ok(logged.includes('secret/data/audited') && !logged.includes('hunter2'), 'the audit log has the request, HMAC-ed');
  assert.equal(expectCode(await run(['audit', 'disable', 'file']), 0).stdout, 'Success! Disabled audit device (if it was enabled) at: file/\n');
});

test('token create / lookup / renew / capabilities / revoke, with -field, -format and -accessor', async () => {
  expectCode(await run(['policy', 'write', 'reader', '-'], { stdin: 'path "secret/data/myapp/*" { capabilities = ["read", "list"] }' }), 0);
  const created = expectCode(await run(['token', 'create', '-policy=reader', '-ttl=1h', '-metadata=team=web', '-display-name=ci']), 0).stdout;
  assert.match(created, /^Key +Value\n--- +-----\ntoken +hvs\.\S+\ntoken_accessor +\S+\ntoken_duration +1h\ntoken_renewable +true\ntoken_policies +\["default" "reader"\]\nidentity_policies +\[\]\npolicies +\["default" "reader"\]\ntoken_meta_team +web\n$/);
  const j = JSON.parse(expectCode(await run(['token', 'create', '-policy=reader', '-ttl=1h', '-format=json']), 0).stdout);
  const token: string = j.auth.client_token;
  const accessor: string = j.auth.accessor;
  assert.deepEqual(j.auth.policies, ['default', 'reader']);
  const t2 = expectCode(await run(['token', 'create', '-policy=reader', '-field=token', '-orphan', '-period=1h']), 0).stdout;
  assert.match(t2, /^hvs\.\S+$/);

  const look = expectCode(await run(['token', 'lookup', token]), 0).stdout;
  assert.match(look, /\npolicies +\[default reader\]\n/);
  assert.match(look, /\ncreation_ttl +1h\n/);
  assert.match(expectCode(await run(['token', 'lookup', '-accessor', accessor]), 0).stdout, /\nid +n\/a\n|\naccessor +\S+\n/);
  const self = JSON.parse(expectCode(await run(['token', 'lookup', '-format=json']), 0).stdout);
  assert.equal(self.data.id, ROOT);
  assert.equal(expectCode(await run(['token', 'lookup', '-field=display_name', token]), 0).stdout, 'token');

  const renewed = expectCode(await run(['token', 'renew', '-increment=30m', token]), 0).stdout;
  assert.match(renewed, /\ntoken_duration +30m\n/);
  assert.equal(expectCode(await run(['token', 'capabilities', token, 'secret/data/myapp/config']), 0).stdout, 'list, read\n');
  assert.equal(expectCode(await run(['token', 'capabilities', token, 'secret/data/other']), 0).stdout, 'deny\n');
  assert.equal(expectCode(await run(['token', 'capabilities', 'secret/data/x']), 0).stdout, 'root\n');
  assert.deepEqual(JSON.parse(expectCode(await run(['token', 'capabilities', '-format=json', '-accessor', accessor, 'secret/data/myapp/a']), 0).stdout), ['list', 'read']);
  // The token's own view (VAULT_TOKEN=the token).
  assert.equal(expectCode(await run(['token', 'capabilities', 'secret/data/myapp/a'], { env: { VAULT_TOKEN: token } }), 0).stdout, 'list, read\n');

  assert.equal(expectCode(await run(['token', 'revoke', token]), 0).stdout, 'Success! Revoked token (if it existed)\n');
  const gone = await run(['token', 'lookup', token]);
  expectCode(gone, 2);
  assert.match(gone.stderr, /^Error looking up token: Error making API request\.\n\nURL: POST .*\/v1\/auth\/token\/lookup\nCode: 403\. Errors:\n\n\* bad token\n/);
  assert.ok(!gone.stderr.includes(token), 'the token is not echoed in the error');
  expectCode(await run(['token', 'revoke', '-self'], { env: { VAULT_TOKEN: t2 } }), 0);
  expectCode(await run(['token', 'lookup', '-self']), 1);
  expectCode(await run(['token', 'revoke']), 1);
});

test('lease lookup / renew / revoke on a token lease (listed under sys/leases/lookup/auth/token/create/)', async () => {
  // Start from no token leases, so the one created next is the only one.
  assert.equal(expectCode(await run(['lease', 'revoke', '-prefix', 'auth/token/create']), 0).stdout, 'Success! Revoked any leases with prefix: auth/token/create\n');
  const token = expectCode(await run(['token', 'create', '-policy=default', '-ttl=1h', '-field=token']), 0).stdout;
  const ids: string[] = JSON.parse(expectCode(await run(['list', '-format=json', 'sys/leases/lookup/auth/token/create/']), 0).stdout);
  assert.equal(ids.length, 1);
  const leaseId = `auth/token/create/${ids[0]}`;
  const table = expectCode(await run(['lease', 'lookup', leaseId]), 0).stdout;
  assert.match(table, /^Key +Value\n--- +-----\n/);
  assert.match(table, new RegExp(`\\nid +${leaseId}\\n`));
  assert.match(table, /\nrenewable +true\n/);
  assert.match(table, /\nttl +(59m\d+s|1h)\n/);
  const renewed = expectCode(await run(['lease', 'renew', '-increment=600', leaseId]), 0).stdout;
  assert.match(renewed, /^Key +Value\n--- +-----\nlease_id +auth\/token\/create\/\S+\nlease_duration +10m\nlease_renewable +true\n/);
  assert.equal(expectCode(await run(['lease', 'revoke', leaseId]), 0).stdout, `Success! Revoked lease: ${leaseId}\n`);
  expectCode(await run(['token', 'lookup', token]), 2);
  const force = await run(['lease', 'revoke', '-force', leaseId]);
  expectCode(force, 1);
  assert.match(force.stderr, /Specifying -force requires also specifying -prefix/);
  const missing = await run(['lease', 'lookup', leaseId]);
  expectCode(missing, 2);
  assert.match(missing.stderr, /^Error looking up lease: Error making API request\./);
});
