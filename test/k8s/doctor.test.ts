// `coffer k8s doctor`: the tutorial's own files (test/fixtures/k8s-doctor/seed/, rebuilt from
// /work/shared/seed/ as each file's header says) give mistakes 3-7 at their lines, a corrected copy
// gives nothing; each injector pitfall; and the server checks against a real dev server with the
// kubernetes auth method at kube-policy and the tutorial's policy.

import { strict as assert } from 'node:assert';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '../../src/client/index.js';
import { doctor, doctorFiles, type Finding } from '../../src/k8s/doctor/index.js';
import { coffer, cli, expectCode } from '../cli/run.js';
import { startDevServer, tempDir, type DevServer } from '../support/server.js';

const FIXTURES = resolve(import.meta.dirname, '../../../test/fixtures/k8s-doctor');
const SEED = join(FIXTURES, 'seed');
const CORRECTED = join(FIXTURES, 'corrected');

function load(dir: string): Array<{ path: string; text: string }> {
  return readdirSync(dir)
    .sort()
    .map((n) => ({ path: `${n}`, text: readFileSync(join(dir, n), 'utf8') }));
}

const where = (fs: Finding[]): string[] => fs.map((f) => `${f.file}:${f.line} ${f.rule}`);
const lineOf = (dir: string, file: string, n: number): string => readFileSync(join(dir, file), 'utf8').split('\n')[n - 1]!;
const one = (fs: Finding[], rule: string): Finding => {
  const hits = fs.filter((f) => f.rule === rule);
  assert.equal(hits.length, 1, `one ${rule} finding expected, got ${JSON.stringify(fs, null, 1)}`);
  return hits[0]!;
};

describe('the tutorial (seed) and its corrected copy, from the files alone', () => {
  const seed = doctorFiles(load(SEED));

  it('reports mistakes 3-7 (and 2) at their lines, and nothing else', () => {
    assert.deepEqual(where(seed), [
      'app.py:11 sa-token-path',
      'my-app.yaml:20 agent-in-containers',
      'my-app.yaml:22 agent-config-missing',
      'my-app.yaml:40 mount-over-system-dir',
      'setup.sh:15 reviewer-jwt-from-sa-secrets',
      'setup.sh:32 role-missing',
    ]);
    // The lines are the ones holding each mistake.
    assert.match(lineOf(SEED, 'app.py', 11), /open\('\/var\/run\/secrets\/'\)/);
    assert.match(lineOf(SEED, 'my-app.yaml', 20), /^ {4}- args:/);
    assert.match(lineOf(SEED, 'my-app.yaml', 21), /^ {8}- agent$/);
    assert.match(lineOf(SEED, 'my-app.yaml', 22), /-config=\/etc\/vault\/vault-agent-config\.hcl/);
    assert.match(lineOf(SEED, 'my-app.yaml', 40), /mountPath: \/etc$/);
    assert.match(lineOf(SEED, 'setup.sh', 15), /\.secrets\[\*\]/);
    assert.match(lineOf(SEED, 'setup.sh', 32), /vault write auth\/kubernetes\/role\/my-role/);
  });

  it('spells out each fix', () => {
    assert.match(one(seed, 'agent-config-missing').fix, /-config=\/etc\/vault\/vault-config\.hcl/);
    assert.match(one(seed, 'agent-in-containers').fix, /initContainers/);
    assert.match(one(seed, 'mount-over-system-dir').message, /CA certificates.*passwd.*resolv\.conf/);
    assert.match(one(seed, 'mount-over-system-dir').fix, /mountPath: \/etc\/secrets/);
    const jwt = one(seed, 'reviewer-jwt-from-sa-secrets').fix;
    assert.match(jwt, /kubectl create token my-sa/);
    assert.match(jwt, /kubernetes\.io\/service-account-token/);
    assert.match(jwt, /leave token_reviewer_jwt out of auth\/kube-policy\/config/);
    assert.match(one(seed, 'sa-token-path').fix, /\/var\/run\/secrets\/kubernetes\.io\/serviceaccount\/token/);
    assert.match(one(seed, 'role-missing').fix, /auth\/kube-policy\/role\/my-role/);
  });

  it('reports nothing on the corrected files', () => {
    assert.deepEqual(doctorFiles(load(CORRECTED)), []);
  });
});

const V = 'vault.hashicorp.com/';

function deployment(annotations: Record<string, string>, extra = ''): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: shop
spec:
  template:
    metadata:
      annotations:
${Object.entries(annotations).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`).join('\n')}
    spec:
      serviceAccountName: shop-api
      containers:
        - name: app
          image: shop:1.0${extra}
`;
}

const GOOD = { [`${V}agent-inject`]: 'true', [`${V}role`]: 'shop', [`${V}agent-inject-secret-db`]: 'secret/data/shop/db' };
const ROLE_SCRIPT = 'vault write auth/kubernetes/role/shop \\\n  bound_service_account_names=shop-api \\\n  bound_service_account_namespaces=shop \\\n  policies=shop\n';

describe("the injector's pitfalls", () => {
  it('a well-annotated Deployment, and the script writing its role, give nothing', () => {
    assert.deepEqual(doctorFiles([{ path: 'shop.yaml', text: deployment(GOOD) }, { path: 'roles.sh', text: ROLE_SCRIPT }]), []);
  });

  it('an annotation name with a typo, at its line, with the name it means', () => {
    const text = deployment({ ...GOOD, [`${V}agent-inject-secert-db`]: 'secret/data/shop/db' });
    const f = one(doctorFiles([{ path: 'shop.yaml', text }]), 'unknown-annotation');
    assert.match(text.split('\n')[f.line - 1]!, /agent-inject-secert-db/);
    assert.match(f.fix, /vault\.hashicorp\.com\/agent-inject-secret-NAME/);
  });

  it('a role annotation with a typo', () => {
    const { [`${V}role`]: _role, ...rest } = GOOD;
    const f = one(doctorFiles([{ path: 'shop.yaml', text: deployment({ ...rest, [`${V}rol`]: 'shop' }) }]), 'unknown-annotation');
    assert.equal(f.fix, `rename it to ${V}role`);
  });

  it('vault-k8s annotations without agent-inject', () => {
    const { [`${V}agent-inject`]: _on, ...rest } = GOOD;
    const f = one(doctorFiles([{ path: 'shop.yaml', text: deployment(rest) }]), 'annotation');
    assert.match(f.fix, /agent-inject: "true"/);
  });

  it('agent-inject-secret-* on a KV v2 path without data/', () => {
    const text = deployment({ ...GOOD, [`${V}agent-inject-secret-db`]: 'secret/shop/db' });
    const f = one(doctorFiles([{ path: 'shop.yaml', text }]), 'kv2-path-without-data');
    assert.match(text.split('\n')[f.line - 1]!, /agent-inject-secret-db/);
    assert.match(f.fix, /secret\/data\/shop\/db/);
  });

  it('a KV v2 path without data/ in an agent-inject-template, at the template line', () => {
    const tpl = '{{ with secret "secret/data/shop/db" }}ok{{ end }}\n{{ with secret "secret/shop/other" }}{{ .Data.data.x }}{{ end }}\n';
    const text = deployment({ ...GOOD, [`${V}agent-inject-template-db`]: 'x' }).replace(`${V}agent-inject-template-db: "x"`, `${V}agent-inject-template-db: |\n${tpl.trimEnd().split('\n').map((l) => `          ${l}`).join('\n')}`);
    const f = one(doctorFiles([{ path: 'shop.yaml', text }]), 'kv2-path-without-data');
    assert.match(text.split('\n')[f.line - 1]!, /secret "secret\/shop\/other"/);
  });

  it('a service account that no role binds, at serviceAccountName', () => {
    const text = deployment(GOOD).replace('serviceAccountName: shop-api', 'serviceAccountName: default');
    const f = one(doctorFiles([{ path: 'shop.yaml', text }, { path: 'roles.sh', text: ROLE_SCRIPT }]), 'unbound-service-account');
    assert.equal(f.file, 'shop.yaml');
    assert.match(text.split('\n')[f.line - 1]!, /serviceAccountName: default/);
    assert.match(f.fix, /bound_service_account_names/);
  });

  it('a namespace that the role does not bind', () => {
    const text = deployment(GOOD).replace('namespace: shop', 'namespace: staging');
    const f = one(doctorFiles([{ path: 'shop.yaml', text }, { path: 'roles.sh', text: ROLE_SCRIPT }]), 'unbound-service-account');
    assert.match(f.message, /namespace staging/);
  });

  it('mistakes 3 and 4 in other shapes: a Deployment, the agent started through `sh -c`, a ConfigMap without items', () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    spec:',
      '      volumes:',
      '        - {name: cfg, configMap: {name: agent}}',
      '      containers:',
      '        - name: agent',
      '          image: hashicorp/vault',
      '          command: ["sh", "-c", "vault agent -config=/vault/config/agent.hcl"]',
      '          volumeMounts:',
      '            - {name: cfg, mountPath: /vault/config}',
      '---',
      'kind: ConfigMap',
      'metadata: {name: agent}',
      'data:',
      '  config.hcl: |',
      '    exit_after_auth = true',
    ].join('\n');
    const fs = doctorFiles([{ path: 'web.yaml', text }]);
    assert.deepEqual(where(fs), ['web.yaml:10 agent-in-containers', 'web.yaml:12 agent-config-missing']);
    assert.match(one(fs, 'agent-config-missing').fix, /-config=\/vault\/config\/config\.hcl/);
  });

  it('an unquoted annotation value (YAML true is not a string), and malformed containers, without a crash', () => {
    const text = deployment(GOOD).replace(`${V}agent-inject: "true"`, `${V}agent-inject: true`).replace('      containers:\n', '      containers:\n        - 42\n        - {name: odd, volumeMounts: oops}\n');
    const fs = doctorFiles([{ path: 'shop.yaml', text }]);
    const f = one(fs, 'annotation');
    assert.match(text.split('\n')[f.line - 1]!, /agent-inject: true/);
    assert.equal(f.fix, `quote the value: ${V}agent-inject: "true"`);
  });

  it('reads JSON manifests with their lines', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'v', mountPath: '/etc' }] }], volumes: [{ name: 'v', emptyDir: {} }] } };
    const text = JSON.stringify(pod, null, 2);
    const f = one(doctorFiles([{ path: 'pod.json', text }]), 'mount-over-system-dir');
    assert.match(text.split('\n')[f.line - 1]!, /"mountPath": "\/etc"/);
  });

  it('a YAML syntax error is a finding, and the other documents are still checked', () => {
    const text = `a: b: c\n---\n${readFileSync(join(SEED, 'my-app.yaml'), 'utf8')}`;
    const fs = doctorFiles([{ path: 'x.yaml', text }]);
    assert.equal(one(fs, 'parse').line, 1);
    assert.ok(fs.some((f) => f.rule === 'mount-over-system-dir'));
  });

  it('the token path: directories are flagged, the token file and a mountPath are not', () => {
    const code = [
      "open('/var/run/secrets/kubernetes.io/serviceaccount/token')",
      "os.path.join('/var/run/secrets/kubernetes.io/serviceaccount', 'token')",
      'cat /var/run/secrets/kubernetes.io/',
    ].join('\n');
    assert.deepEqual(where(doctorFiles([{ path: 'a.py', text: code }])), ['a.py:3 sa-token-path']);
    const manifest = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      volumeMounts:\n        - mountPath: /var/run/secrets/kubernetes.io/serviceaccount\n          name: t\n';
    assert.deepEqual(doctorFiles([{ path: 'p.yaml', text: manifest }]), []);
  });
});

describe('coffer k8s doctor (the command)', () => {
  it('exits 1 with file:line findings on the seed, 0 on the corrected files, 2 on usage and file errors', async () => {
    const seed = expectCode(await coffer(['k8s', 'doctor', '-f', SEED]), 1);
    assert.match(seed.stdout, /seed\/my-app\.yaml:22: \[agent-config-missing\] .*\n {2}fix: start the agent with -config=\/etc\/vault\/vault-config\.hcl/);
    const json = expectCode(await coffer(['k8s', 'doctor', '-format=json', '-f', join(SEED, 'app.py')]), 1);
    const parsed = JSON.parse(json.stdout) as { findings: Finding[]; server_checked: boolean };
    assert.deepEqual(parsed.findings.map((f) => [f.line, f.column, f.rule]), [[11, 11, 'sa-token-path']]);
    assert.equal(parsed.server_checked, false);
    expectCode(await coffer(['k8s', 'doctor', '-f', CORRECTED]), 0);
    expectCode(await coffer(['k8s', 'doctor']), 2);
    const missing = expectCode(await coffer(['k8s', 'doctor', '-f', join(FIXTURES, 'no-such-file.yaml')]), 2);
    assert.match(missing.stderr, /no such file/);
  });
});

describe('server checks (dev server, kubernetes auth at kube-policy, the tutorial policy)', () => {
  let srv: DevServer;
  let client: Client;
  const TUTORIAL_POLICY = 'path "secret/top-secret/data" {\n  capabilities = ["read", "list"]\n}\n';
  const FIXED_POLICY = 'path "secret/data/myapp/config" {\n  capabilities = ["read"]\n}\n';
  const put = async (path: string, body: unknown): Promise<void> => {
    await client.write(path, body);
  };

  before(async () => {
    srv = await startDevServer('root-doctor');
    client = new Client({ address: srv.addr, token: 'root-doctor', retries: 0 });
    await put('sys/auth/kube-policy', { type: 'kubernetes' });
    await put('auth/kube-policy/config', { kubernetes_host: 'https://127.0.0.1:6443' });
    await put('sys/policies/acl/myappp-policy', { policy: TUTORIAL_POLICY });
    await put('auth/kube-policy/role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: 'app-namespace', policies: 'myappp-policy', audience: 'vault' });
  });
  after(async () => {
    client?.close();
    await srv?.stop();
  });

  it("the tutorial's policy grants nothing the template reads: a finding at the template's line; the fixed policy: clean", async () => {
    const r = await doctor(load(CORRECTED), { client });
    assert.equal(r.serverChecked, true);
    assert.deepEqual(where(r.findings), ['vault-config.yaml:28 policy-denies-read']);
    assert.match(lineOf(CORRECTED, 'vault-config.yaml', 28), /secret "secret\/data\/myapp\/config"/);
    assert.match(r.findings[0]!.fix, /path "secret\/data\/myapp\/config" \{ capabilities = \["read"\] \}/);
    await put('sys/policies/acl/myappp-policy', { policy: FIXED_POLICY });
    try {
      assert.deepEqual((await doctor(load(CORRECTED), { client })).findings, []);
      // The command, end to end, with VAULT_ADDR and VAULT_TOKEN.
      const run = cli(srv.addr, 'root-doctor');
      const out = expectCode(await run(['k8s', 'doctor', '-f', CORRECTED]), 0);
      assert.match(out.stderr, /nor on the server/);
    } finally {
      await put('sys/policies/acl/myappp-policy', { policy: TUTORIAL_POLICY });
    }
    const run = cli(srv.addr, 'root-doctor');
    const bad = expectCode(await run(['k8s', 'doctor', '-f', CORRECTED]), 1);
    assert.match(bad.stdout, /vault-config\.yaml:28: \[policy-denies-read\]/);
  });

  it('an auth path with no method, a missing role, an unbound namespace, a KV v2 path without data/', async () => {
    await put('sys/policies/acl/myappp-policy', { policy: FIXED_POLICY });
    try {
      const files = load(CORRECTED).filter((f) => f.path !== 'setup.sh');
      const swap = (name: string, from: string, to: string) => files.map((f) => (f.path === name ? { ...f, text: f.text.replace(from, to) } : f));
      const noAuth = await doctor(swap('vault-config.yaml', 'auth/kube-policy', 'auth/kubernetes'), { client });
      assert.deepEqual(where(noAuth.findings), ['vault-config.yaml:14 auth-path']);
      assert.match(noAuth.findings[0]!.fix, /auth\/kube-policy/);
      const noRole = await doctor(swap('vault-config.yaml', 'role = "my-role"', 'role = "my-app"'), { client });
      assert.deepEqual(where(noRole.findings), ['vault-config.yaml:16 role-missing']);
      assert.match(noRole.findings[0]!.message, /its roles: my-role/);
      const staging = files.map((f) => ({ ...f, text: f.text.replace('namespace: app-namespace', 'namespace: staging') }));
      const ns = await doctor(staging, { client });
      assert.deepEqual(where(ns.findings), ['my-app.yaml:9 unbound-service-account']);
      assert.match(ns.findings[0]!.message, /on the server does not bind namespace staging/);
      const kv = await doctor(swap('vault-config.yaml', 'secret "secret/data/myapp/config"', 'secret "secret/myapp/config"'), { client });
      assert.deepEqual(where(kv.findings), ['vault-config.yaml:28 kv2-path-without-data']);
      assert.match(kv.findings[0]!.message, /secret\/ is a KV version 2 mount/);
    } finally {
      await put('sys/policies/acl/myappp-policy', { policy: TUTORIAL_POLICY });
    }
  });

  it('-role checks a pod whose files name no login (its own code logs in)', async () => {
    const dir = tempDir('coffer-doctor-');
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: py\n  namespace: app-namespace\nspec:\n  serviceAccountName: other-sa\n  containers:\n    - name: app\n      image: py\n';
    writeFileSync(join(dir, 'py.yaml'), pod);
    const run = cli(srv.addr, 'root-doctor');
    const r = expectCode(await run(['k8s', 'doctor', '-role=my-role', '-auth-path=kube-policy', '-format=json', '-f', join(dir, 'py.yaml')]), 1);
    const out = JSON.parse(r.stdout) as { findings: Finding[] };
    assert.deepEqual(out.findings.map((f) => [f.line, f.rule]), [[7, 'unbound-service-account']]);
    assert.match(out.findings[0]!.message, /service account other-sa/);
  });
});
