// `coffer k8s scan` run as the real CLI over a fixture repository (a copy in a temp folder, with a .git
// folder, node_modules and symlinks added): every finding at its exact line:column, no secret value or
// its base64 anywhere in the output, exit codes 0/1/2, and the JSON and SARIF shapes.

import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { coffer, type RunResult } from '../cli/run.js';
import { tempDir } from '../support/tmp.js';

const FIXTURE = resolve(import.meta.dirname, '../../../test/fixtures/k8s-scan/repo');

/** Every secret value in the fixture (and outside it); none may appear in any output, nor its base64. */
const SECRETS = [
  'AKIAQYLPMN5HFIQR7XYA',
  'Zq8vR3mT1xKp9Lw2Nc7Hs4Jd6Fb0Yg5UeAi+o3QW',
  'N0tSoS3cret-Pg',
  'q7Xv2LmP9zR4kT8wB3nY6cJ1hF5dG0sA',
  'Xy9-Pg-Pass',
  'MIIEpAIBAAKCAQEA0Z3VS5JJcds3xfn',
  'Tr0ub4dor&3-db-pass',
  'plain-api-key-Vb7Rt2',
  'json-registry-token-Kk3',
  'helm-rendered-s3cret-Q8',
  'kustomize-literal-Pw1',
  'kustomize-literal-Pw2',
  'kustomize-file-db-Pw3',
  'kustomize-file-tls-Pw4',
  'kustomize-env-Tok5',
  'kustomize-env-Pw6',
  'B4ckupPw9',
  'git-dir-value-Zz1',
  'node-modules-value-Zz2',
  'outside-value-Zz3',
];

/** file:line:column rule [key], in the order the scan sorts them. */
const EXPECTED = [
  'apps/config.yaml:7:17 secretlint/database-connection-string/PostgreSQLConnection',
  'apps/config.yaml:9:5 secretlint/privatekey/PrivateKey',
  'apps/db-secret.yaml:9:3 k8s-secret-data [username]',
  'apps/db-secret.yaml:10:3 k8s-secret-data [password]',
  'apps/db-secret.yaml:12:3 k8s-secret-stringdata [api-key]',
  'apps/registry.json:9:23 k8s-secret-stringdata [token]',
  'apps/web-deployment.yaml:21:22 secretlint/aws/AWSAccessKeyID',
  'apps/web-deployment.yaml:23:23 secretlint/aws/AWSSecretAccessKey [AWS_SECRET_ACCESS_KEY]',
  'apps/workers.yaml:16:44 secretlint/database-connection-string/PostgreSQLConnection',
  'apps/workers.yaml:34:26 high-entropy-string [REPORT_API_TOKEN]',
  'helm/rendered.yaml:20:3 k8s-secret-data [session-key]',
  'kustomize/base/creds/app.env:2:1 kustomize-secret-env [API_TOKEN]',
  'kustomize/base/creds/app.env:4:3 kustomize-secret-env [REDIS_PASSWORD]',
  'kustomize/base/kustomization.yaml:7:9 kustomize-secret-literal [ADMIN_PASSWORD]',
  'kustomize/base/kustomization.yaml:8:10 kustomize-secret-literal [SMTP_PASSWORD]',
  'kustomize/base/kustomization.yaml:10:9 kustomize-secret-file [db-password.txt]',
  'kustomize/base/kustomization.yaml:11:9 kustomize-secret-file [tls.key]',
  'kustomize/base/kustomization.yaml:18:18 secretlint/basicauth/BasicAuth',
];

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  key?: string;
  fingerprint?: string;
}

const sha12 = (v: string): string => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 12)}`;

function assertNoSecret(r: RunResult): void {
  const out = r.stdout + r.stderr;
  for (const s of SECRETS) {
    assert.ok(!out.includes(s), `output contains the secret ${s.slice(0, 4)}...`);
    assert.ok(!out.includes(Buffer.from(s).toString('base64')), `output contains the base64 of ${s.slice(0, 4)}...`);
  }
}

const line = (f: JsonFinding): string => `${f.file}:${f.line}:${f.column} ${f.rule}${f.key !== undefined ? ` [${f.key}]` : ''}`;

describe('coffer k8s scan', () => {
  let repo = '';
  before(() => {
    repo = join(tempDir('coffer-k8s-scan-'), 'repo');
    cpSync(FIXTURE, repo, { recursive: true });
    const leak = (name: string, v: string): string => `apiVersion: v1\nkind: Secret\nmetadata: {name: ${name}}\nstringData: {k: ${v}}\n`;
    mkdirSync(join(repo, '.git'));
    writeFileSync(join(repo, '.git', 'leak.yaml'), leak('in-git', 'git-dir-value-Zz1'));
    mkdirSync(join(repo, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(repo, 'node_modules', 'pkg', 'leak.yaml'), leak('in-node-modules', 'node-modules-value-Zz2'));
    const outside = tempDir('coffer-k8s-scan-outside-');
    writeFileSync(join(outside, 'secret.yaml'), leak('outside', 'outside-value-Zz3'));
    symlinkSync(join(outside, 'secret.yaml'), join(repo, 'apps', 'outside.yaml'));
    symlinkSync(outside, join(repo, 'outside-dir'));
    symlinkSync('helm', join(repo, 'zz-helm-link')); // inside the tree: followed, each file scanned once
  });

  it('reports every plaintext secret at its line:column, exit 1, and prints no value', async () => {
    const r = await coffer(['k8s', 'scan', '.'], { cwd: repo });
    assert.equal(r.code, 1, r.stderr);
    const got = r.stdout.trimEnd().split('\n').map((l) => {
      const m = /^([^:]+):(\d+):(\d+): (\S+): .*?(?: \[key ([^\]]+)\])?(?: \[sha256:[0-9a-f]{12}\])?$/.exec(l);
      assert.ok(m, `unexpected line: ${l}`);
      return `${m[1]}:${m[2]}:${m[3]} ${m[4]}${m[5] ? ` [${m[5]}]` : ''}`;
    });
    assert.deepEqual(got, EXPECTED);
    assert.match(r.stderr, /apps\/outside\.yaml: symlink leads out of the scanned tree; not followed/);
    assert.match(r.stderr, /outside-dir: symlink leads out of the scanned tree; not followed/);
    assert.match(r.stderr, /18 findings in 10 files scanned/);
    assertNoSecret(r);
  });

  it('prints JSON findings with key names and fingerprints of the decoded values', async () => {
    const r = await coffer(['k8s', 'scan', '-format=json', 'apps', 'helm', 'kustomize'], { cwd: repo });
    assert.equal(r.code, 1, r.stderr);
    assertNoSecret(r);
    const doc = JSON.parse(r.stdout) as { findings: JsonFinding[]; errors: unknown[]; warnings: unknown[]; files_scanned: number };
    assert.deepEqual(doc.findings.map(line), EXPECTED);
    assert.deepEqual(doc.errors, []);
    for (const f of doc.findings) {
      assert.match(f.fingerprint ?? '', /^sha256:[0-9a-f]{12}$/);
      assert.equal(typeof f.message, 'string');
    }
    const fp = (file: string, key: string): string | undefined => doc.findings.find((f) => f.file === file && f.key === key)?.fingerprint;
    // data is fingerprinted decoded (not its base64); files by their bytes; env lines by the value.
    assert.equal(fp('apps/db-secret.yaml', 'password'), sha12('Tr0ub4dor&3-db-pass'));
    assert.equal(fp('helm/rendered.yaml', 'session-key'), sha12('helm-rendered-s3cret-Q8'));
    assert.equal(fp('kustomize/base/kustomization.yaml', 'ADMIN_PASSWORD'), sha12('kustomize-literal-Pw1'));
    assert.equal(fp('kustomize/base/kustomization.yaml', 'db-password.txt'), sha12('kustomize-file-db-Pw3\n'));
    assert.equal(fp('kustomize/base/creds/app.env', 'REDIS_PASSWORD'), sha12('kustomize-env-Pw6'));
  });

  it('prints SARIF 2.1.0 with rules, results and relative locations', async () => {
    const r = await coffer(['k8s', 'scan', '-format=sarif', '.'], { cwd: repo });
    assert.equal(r.code, 1, r.stderr);
    assertNoSecret(r);
    const log = JSON.parse(r.stdout) as {
      version: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string; shortDescription: { text: string } }> } };
        originalUriBaseIds: Record<string, { uri: string }>;
        results: Array<{
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }>;
        }>;
      }>;
    };
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0]!;
    assert.ok(run.tool.driver.name);
    const ids = run.tool.driver.rules.map((x) => x.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    for (const rule of run.tool.driver.rules) assert.ok(rule.shortDescription.text.length > 0);
    assert.match(run.originalUriBaseIds.SRCROOT!.uri, /^file:\/\/.*\/$/);
    const got = run.results.map((x) => {
      assert.equal(ids[x.ruleIndex], x.ruleId, 'ruleIndex points at the rule');
      assert.equal(x.level, 'error');
      assert.ok(x.message.text.length > 0);
      assert.equal(x.locations.length, 1);
      const p = x.locations[0]!.physicalLocation;
      assert.equal(p.artifactLocation.uriBaseId, 'SRCROOT');
      assert.ok(!p.artifactLocation.uri.startsWith('/') && !p.artifactLocation.uri.includes(':'), 'relative URI');
      assert.ok(Number.isInteger(p.region.startLine) && p.region.startLine >= 1);
      assert.ok(Number.isInteger(p.region.startColumn) && p.region.startColumn >= 1);
      return `${p.artifactLocation.uri}:${p.region.startLine}:${p.region.startColumn} ${x.ruleId}`;
    });
    assert.deepEqual(got, EXPECTED.map((e) => e.replace(/ \[.*\]$/, '')));
  });

  it('exits 0 with no output on clean files', async () => {
    const r = await coffer(['k8s', 'scan', 'clean'], { cwd: repo });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /0 findings in 3 files scanned/);
    const s = await coffer(['k8s', 'scan', '-format=sarif', 'clean/deployment.yaml'], { cwd: repo });
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual((JSON.parse(s.stdout) as { runs: Array<{ results: unknown[] }> }).runs[0]!.results, []);
  });

  it('exits 2 on an error: a missing path, a bad flag, no path, a kustomization file that is missing or outside the tree', async () => {
    const missing = await coffer(['k8s', 'scan', 'no-such-dir'], { cwd: repo });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such-dir: cannot scan: ENOENT/);
    const badFormat = await coffer(['k8s', 'scan', '-format=xml', '.'], { cwd: repo });
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /-format must be text, json or sarif/);
    const noArgs = await coffer(['k8s', 'scan'], { cwd: repo });
    assert.equal(noArgs.code, 2);
    const unknownFlag = await coffer(['k8s', 'scan', '-nope', '.'], { cwd: repo });
    assert.equal(unknownFlag.code, 2);

    const dir = tempDir('coffer-k8s-scan-kust-');
    mkdirSync(join(dir, 'overlay'));
    writeFileSync(join(dir, 'secret.txt'), 'sibling-of-the-scanned-tree');
    writeFileSync(join(dir, 'overlay', 'kustomization.yaml'), 'secretGenerator:\n  - name: s\n    files:\n      - gone.txt\n      - ../secret.txt\n');
    const r = await coffer(['k8s', 'scan', 'overlay'], { cwd: dir });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /overlay\/kustomization.yaml:4:9: secretGenerator "s" file "gone.txt": cannot read: ENOENT/);
    assert.match(r.stderr, /overlay\/kustomization.yaml:5:9: secretGenerator "s" file "..\/secret.txt": outside the scanned tree; not read/);
    assert.ok(!(r.stdout + r.stderr).includes('sibling-of-the-scanned-tree'));
  });

  it('scans a file that is not YAML (a Helm template) as text, with a warning', async () => {
    const dir = tempDir('coffer-k8s-scan-tpl-');
    writeFileSync(join(dir, 'secret.yaml'), 'apiVersion: v1\nkind: Secret\nstringData:\n  {{- if .Values.x }}\n  url: "postgres://tpl:TemplatePw77@db.corp.io:5432/x"\n  {{- end }}\n  : [\n');
    const r = await coffer(['k8s', 'scan', '-format=json', 'secret.yaml'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes('TemplatePw77'));
    const doc = JSON.parse(r.stdout) as { findings: JsonFinding[]; warnings: Array<{ message: string }> };
    assert.deepEqual(doc.findings.map((f) => `${f.line}:${f.column} ${f.rule}`), ['5:9 secretlint/database-connection-string/PostgreSQLConnection']);
    assert.match(doc.warnings[0]!.message, /not YAML or JSON .*scanned as text only/);
  });
});
