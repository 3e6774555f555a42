// `coffer k8s scan`'s later rules, on test/fixtures/k8s-scan/gaps: a Secret's copy in the
// kubectl.kubernetes.io/last-applied-configuration annotation; Kustomize configMapGenerator values
// (literals, files, env files) that look like credentials; and short human passwords in literals
// whose NAME says credential (DB_PASSWORD=hunter2), without reporting names that only talk about
// one (PASSWORD_FILE, TOKEN_TTL, SECRET_NAME) or values that are references.

import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { scanFiles, type Finding } from '../../src/k8s/scan/index.js';
import { credentialNamed } from '../../src/k8s/scan/literals.js';
import { gather } from '../../src/k8s/scan/walk.js';

const GAPS = resolve(import.meta.dirname, '../../../test/fixtures/k8s-scan/gaps');
const VALUES = ['applied-Pw-71', 'hunter2', 'changeme', 'Rep0rt-Pw-88', 'mailpass-55', 'letmein123'];
const sha12 = (v: string): string => `sha256:${createHash('sha256').update(v).digest('hex').slice(0, 12)}`;
const line = (f: Finding): string => `${f.file}:${f.line}:${f.column} ${f.rule}${f.key !== undefined ? ` [${f.key}]` : ''}`;

describe('k8s scan: last-applied copies, configMapGenerator values, credential-named literals', () => {
  it('finds each, at its place, with fingerprints and no value in any message', async () => {
    const g = gather(['.'], GAPS);
    const r = await scanFiles(g.files, g.readRef);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.findings.map(line), [
      'applied-secret.yaml:10:7 k8s-last-applied-secret [api-password]',
      'applied-secret.yaml:13:3 k8s-secret-data [api-password]',
      'applied-secret.yaml:33:22 credential-named-literal [DB_PASSWORD]',
      'applied-secret.yaml:50:18 credential-named-literal [smtp_password]',
      'kustomize/config/app.env:3:11 credential-named-literal [API_TOKEN]',
      'kustomize/config/app.properties:2:10 secretlint/basicauth/BasicAuth [app.properties]',
      'kustomize/config/smtp.txt:1:1 credential-named-literal [SMTP_PASSWORD]',
      'kustomize/kustomization.yaml:5:21 credential-named-literal [DB_PASSWORD]',
    ]);
    const fp = (rule: string, key: string): string | undefined => r.findings.find((f) => f.rule === rule && f.key === key)?.fingerprint;
    assert.equal(fp('k8s-last-applied-secret', 'api-password'), sha12('applied-Pw-71'));
    assert.equal(fp('k8s-last-applied-secret', 'api-password'), fp('k8s-secret-data', 'api-password'), 'the same value, so the same fingerprint');
    assert.equal(r.findings.filter((f) => f.key === 'DB_PASSWORD').every((f) => f.fingerprint === sha12('hunter2')), true);
    const text = JSON.stringify(r);
    for (const v of VALUES) assert.ok(!text.includes(v), v);
  });

  it('credential names: what counts', () => {
    for (const [k, v] of [['DB_PASSWORD', 'hunter2'], ['db.password', 'x9y'], ['apiKey', 'abc123'], ['CLIENT_SECRET', 'shh-123'], ['GITHUB_TOKEN', 'ghp-short'], ['dbPassword', 'pw1']]) assert.equal(credentialNamed(k!, v!), true, k);
    for (const [k, v] of [['PASSWORD_FILE', '/run/x'], ['TOKEN_TTL', '3600'], ['SECRET_NAME', 'db'], ['ADMIN_TOKEN', '$(BOOT)'], ['DB_PASSWORD', ''], ['AUTH_TOKEN_PATH', 'tok'], ['PASSENGER_COUNT', '4'], ['USE_TOKEN', 'true'], ['tokenPath', 'x/y']]) assert.equal(credentialNamed(k!, v!), false, k);
  });
});
