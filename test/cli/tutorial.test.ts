// The seed tutorial's own commands, pasted into a shell with `coffer` for `vault` (its mistakes
// fixed: the role is written under auth/kube-policy/, the policy grants secret/data/myapp/*), run
// by /bin/sh against a dev server and the fake kube-apiserver; read back; then the pod's side:
// `coffer login -method=kubernetes` with the service account's JWT and a read of the secret.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COFFER_BIN, startDevServer, tempDir, type DevServer } from '../support/server.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { coffer, expectCode, type RunResult } from './run.js';

const ROOT = 'cli-tutorial-root';
let srv: DevServer;
let kube: FakeKube;
let reviewerJwt: string;
const work = tempDir('coffer-tutorial-');

before(async () => {
  // Not in a pod: the server must not pick up a service-account directory of its own.
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-no-sa-'), 'absent');
  kube = await startFakeKube();
  srv = await startDevServer(ROOT);
  kube.createNamespace('app-namespace');
  kube.createServiceAccount('app-namespace', 'my-sa');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
  reviewerJwt = kube.legacyToken('default', 'vault-auth');
  // A `coffer` on the PATH, as `npm install -g` would give.
  const bin = join(work, 'bin');
  const wrapper = join(bin, 'coffer');
  mkdirSync(bin);
  writeFileSync(wrapper, `#!/bin/sh\nexec "${process.execPath}" "${COFFER_BIN}" "$@"\n`);
  chmodSync(wrapper, 0o755);
  writeFileSync(join(work, 'ca.pem'), kube.caPem);
});
after(async () => {
  await srv?.stop();
  await kube?.close();
});

/** Runs a shell script the way a user pastes commands into a terminal. */
function sh(script: string, env: Record<string, string>): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const base: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('VAULT_')) base[k] = v;
    const child = spawn('/bin/sh', ['-e', '-c', script], {
      cwd: work,
      env: { ...base, PATH: `${join(work, 'bin')}:${process.env.PATH ?? ''}`, HOME: work, VAULT_MAX_RETRIES: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const TUTORIAL = `
coffer auth enable -path=kube-policy kubernetes
# Create a policy which gives access to our secret:
coffer policy write myappp-policy - << EOF
path "secret/data/myapp/*" {
       capabilities = ["read", "list"]
}
EOF
# Give the vault our service accounts information:
coffer write auth/kube-policy/config \\
  token_reviewer_jwt="$SA_TOKEN" \\
  kubernetes_host="$K8S_HOST" \\
  kubernetes_ca_cert=@ca.pem
# Finally bind the policy to the authentication:
coffer write auth/kube-policy/role/my-role \\
  bound_service_account_names=my-sa \\
  bound_service_account_namespaces=app-namespace \\
  policies=myappp-policy
`;

test("the tutorial's Vault commands, pasted with coffer for vault, configure the kubernetes auth method", async () => {
  const r = await sh(TUTORIAL, { VAULT_ADDR: srv.addr, VAULT_TOKEN: ROOT, SA_TOKEN: reviewerJwt, K8S_HOST: kube.url });
  expectCode(r, 0);
  assert.equal(
    r.stdout,
    [
      'Success! Enabled kubernetes auth method at: kube-policy/',
      'Success! Uploaded policy: myappp-policy',
      'Success! Data written to: auth/kube-policy/config',
      '',
    ].join('\n'),
  );
  // The role answers with Vault's audience warning (on stderr), and nothing on stdout.
  assert.match(r.stderr, /WARNING! The following warnings were returned from Coffer:\n\n {2}\* This role does not specify an audience/);
  assert.ok(!r.stderr.includes(reviewerJwt) && !r.stdout.includes(reviewerJwt), 'the reviewer JWT is never printed');

  // Read it all back.
  const root = (args: string[]) => coffer(args, { env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: ROOT } });
  assert.match(expectCode(await root(['auth', 'list']), 0).stdout, /\nkube-policy\/ +kubernetes +auth_kubernetes_\w+ +n\/a\n/);
  assert.equal(expectCode(await root(['policy', 'read', 'myappp-policy']), 0).stdout, 'path "secret/data/myapp/*" {\n       capabilities = ["read", "list"]\n}\n');
  const cfg = JSON.parse(expectCode(await root(['read', '-format=json', 'auth/kube-policy/config']), 0).stdout).data;
  assert.equal(cfg.kubernetes_host, kube.url);
  assert.equal(cfg.kubernetes_ca_cert, kube.caPem);
  assert.equal(cfg.token_reviewer_jwt_set, true);
  assert.equal(expectCode(await root(['read', '-field=kubernetes_host', 'auth/kube-policy/config']), 0).stdout, kube.url);
  const role = expectCode(await root(['read', 'auth/kube-policy/role/my-role']), 0).stdout;
  assert.match(role, /\nbound_service_account_names +\[my-sa\]\n/);
  assert.match(role, /\nbound_service_account_namespaces +\[app-namespace\]\n/);
  assert.match(role, /\n(token_)?policies +\[myappp-policy\]\n/);

  // The seed's own path mistake: the role written under auth/kubernetes/ goes nowhere.
  const wrong = await root(['write', 'auth/kubernetes/role/my-role', 'bound_service_account_names=my-sa', 'bound_service_account_namespaces=app-namespace', 'policies=myappp-policy']);
  expectCode(wrong, 2);
  assert.match(wrong.stderr, /Code: (403|404)\./);
});

test("the pod's side: login -method=kubernetes with the service account JWT, then read secret/data/myapp/config", async () => {
  const root = (args: string[]) => coffer(args, { env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: ROOT } });
  expectCode(await root(['kv', 'put', 'secret/myapp/config', 'aws_access_key_id=my-access-key', 'aws_secret_access_key=my-secret-key']), 0);
  const jwtFile = join(work, 'token');
  writeFileSync(jwtFile, `${kube.projectedToken('app-namespace', 'my-sa', { podName: 'my-app' })}\n`);
  const home = tempDir();
  const pod = (args: string[]) => coffer(args, { env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: undefined, HOME: home } });
  const login = expectCode(await pod(['login', '-method=kubernetes', '-path=kube-policy', 'role=my-role', `jwt=@${jwtFile}`]), 0);
  assert.match(login.stdout, /^Success! You are now authenticated\./);
  assert.match(login.stdout, /\ntoken_policies +\["default" "myappp-policy"\]\n/);
  assert.match(login.stdout, /\ntoken_meta_service_account_name +my-sa\n/);
  assert.match(readFileSync(join(home, '.vault-token'), 'utf8'), /^hvs\./);
  // The template in the tutorial reads these two fields.
  assert.equal(expectCode(await pod(['kv', 'get', '-field=aws_access_key_id', 'secret/myapp/config']), 0).stdout, 'my-access-key');
  assert.equal(expectCode(await pod(['read', '-field=data', '-format=json', 'secret/data/myapp/config']), 0).stdout, '{\n  "aws_access_key_id": "my-access-key",\n  "aws_secret_access_key": "my-secret-key"\n}');
  const other = await pod(['kv', 'put', 'secret/myapp/config', 'x=y']);
  expectCode(other, 2);
  assert.match(other.stderr, /permission denied/);
  // A JWT of another service account is refused by the role's bindings: exit 2, the JWT not echoed.
  kube.createServiceAccount('app-namespace', 'intruder');
  const bad = kube.projectedToken('app-namespace', 'intruder');
  const refused = await pod(['login', '-method=kubernetes', '-path=kube-policy', 'role=my-role', `jwt=${bad}`]);
  expectCode(refused, 2);
  assert.ok(!refused.stderr.includes(bad));
  // The same login through the generic write, as the Python snippet's hvac call does.
  const w = JSON.parse(expectCode(await coffer(['write', '-format=json', 'auth/kube-policy/login', 'role=my-role', `jwt=@${jwtFile}`], { env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: undefined } }), 0).stdout);
  assert.deepEqual(w.auth.policies, ['default', 'myappp-policy']);
});
