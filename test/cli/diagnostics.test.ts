// The diagnostics that catch the tutorial's mistakes, through the CLI as a child process: a policy
// under KV v2 without data/ warns with the path meant, a role naming missing policies warns,
// writing to an auth path where nothing is mounted names the enabled ones, and `policy explain`
// says which rule of which policy decides each operation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expectCode, devServerCli } from './run.js';

const ROOT = 'cli-diag-root';
const dev = devServerCli(ROOT);
const { run } = dev;

test("the tutorial's policy path warns and names secret/data/top-secret", async () => {
  const r = expectCode(await run(['policy', 'write', 'myappp-policy', '-'], { stdin: 'path "secret/top-secret/data" {\n  capabilities = ["read", "list"]\n}\n' }), 0);
  assert.match(r.stdout, /Success! Uploaded policy: myappp-policy/);
  assert.match(r.stderr.replace(/\s+/g, ' '), /WARNING!.*"secret\/top-secret\/data" is under the KV version 2 mount "secret\/".*Did you mean "secret\/data\/top-secret"/);
});

test('a role or user naming policies that do not exist warns with their names', async () => {
  expectCode(await run(['auth', 'enable', 'userpass']), 0);
  const r = expectCode(await run(['write', 'auth/userpass/users/bob', 'password=pw', 'token_policies=myappp-policy,not-written-yet,also-missing']), 0);
  assert.match(r.stderr.replace(/\s+/g, ' '), /do not exist yet.*not-written-yet, also-missing/);
  assert.doesNotMatch(r.stderr, /myappp-policy/);
});

test("writing the tutorial's role to auth/kubernetes/ when it is enabled at kube-policy says so", async () => {
  expectCode(await run(['auth', 'enable', '-path=kube-policy', 'kubernetes']), 0);
  const r = expectCode(await run(['write', 'auth/kubernetes/role/my-role', 'bound_service_account_names=my-sa', 'bound_service_account_namespaces=app-namespace', 'policies=myappp-policy']), 2);
  assert.match(r.stderr.replace(/\s+/g, ' '), /No auth method is enabled at "auth\/kubernetes\/"; enabled auth paths: auth\/kube-policy, auth\/token, auth\/userpass/);
});

test('policy explain: no rule matches the secret the tutorial reads; a fixed policy grants read', async () => {
  const bad = expectCode(await run(['policy', 'explain', '-path=secret/data/myapp/config', '-policy=myappp-policy']), 0);
  assert.match(bad.stdout, /read +no +n\/a +n\/a +no rule in policies "myappp-policy" matches "secret\/data\/myapp\/config"/);
  expectCode(await run(['policy', 'write', 'fixed', '-'], { stdin: 'path "secret/data/myapp/*" { capabilities = ["read", "list"] }\npath "secret/data/myapp/admin" { capabilities = ["deny"] }\n' }), 0);
  const good = expectCode(await run(['policy', 'explain', '-path=secret/data/myapp/config', '-policy=fixed']), 0);
  assert.match(good.stdout, /read +yes +secret\/data\/myapp\/\* +fixed +rule "secret\/data\/myapp\/\*" in policy "fixed" grants read/);
  assert.match(good.stdout, /update +no +secret\/data\/myapp\/\* +fixed +.*needs "update"/);
  const denied = JSON.parse(expectCode(await run(['policy', 'explain', '-path=secret/data/myapp/admin', '-policy=fixed', '-format=json']), 0).stdout);
  assert.equal(denied.operations.read.decision, 'denied-by-rule');
  assert.equal(denied.operations.read.rule.pattern, 'secret/data/myapp/admin');
  const tok = JSON.parse(expectCode(await run(['token', 'create', '-policy=fixed', '-format=json']), 0).stdout).auth.client_token as string;
  const byToken = JSON.parse(expectCode(await run(['policy', 'explain', '-path=secret/data/myapp/config', `-token=${tok}`, '-format=json']), 0).stdout);
  assert.deepEqual(byToken.policies, ['default', 'fixed']);
  assert.equal(byToken.operations.read.allowed, true);
  expectCode(await run(['policy', 'explain']), 1);
});
