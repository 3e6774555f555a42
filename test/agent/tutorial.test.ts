// The seed tutorial's init container, end to end: `coffer agent` as a child process, the
// kubernetes auth method at auth/kube-policy checked against the fake kube-apiserver, and the
// tutorial's agent config with its mistakes fixed (the -config file name, `.Data.data.*` for the
// KV v2 secret, the missing `{{ end }}`). It must write the two export lines byte for byte and
// exit 0; the unfixed variants must exit non-zero and say why.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_KEY, agentEnv, approleAutoAuth, runAgentToExit, SECRET_KEY, startLab, writeConfig, type Lab } from './support.js';

const EXPECTED = `export AWS_ACCESS_KEY_ID='${ACCESS_KEY}'\nexport AWS_SECRET_ACCESS_KEY='${SECRET_KEY}'\n`;

/** The ConfigMap's vault-config.hcl, paths moved into `dir`. */
function tutorialConfig(lab: Lab, dir: string, opts: { fieldPath?: string; role?: string } = {}): string {
  const f = opts.fieldPath ?? '.Data.data';
  mkdirSync(dir, { recursive: true });
  return `exit_after_auth = true
pid_file = "${dir}/pidfile"
auto_auth {
    method "kubernetes" {
        mount_path = "auth/kube-policy"
        config = {
            role = "${opts.role ?? 'my-role'}"
            token_path = "${lab.jwtFile}"
        }
    }
    sink "file" {
        config = {
            path = "${dir}/.vault-token"
        }
    }
}
template {
    destination = "${dir}/etc/secrets/cloudwatch-secrets"
    contents = <<EOT
{{- with secret "secret/data/myapp/config" -}}
export AWS_ACCESS_KEY_ID='{{ ${f}.aws_access_key_id }}'
export AWS_SECRET_ACCESS_KEY='{{ ${f}.aws_secret_access_key }}'
{{- end }}
EOT
}
`;
}

describe('agent: the tutorial init container', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ kubernetes: true });
  });
  after(async () => {
    await lab?.stop();
  });

  it('kubernetes auth + fixed config: renders the export lines byte for byte and exits 0', async () => {
    const dir = join(lab.dir, 'k8s-ok');
    const cfg = writeConfig(lab.dir, 'vault-config.hcl', tutorialConfig(lab, dir));
    const run = await runAgentToExit([`-config=${cfg}`, '-log-level=debug'], agentEnv(lab.addr));
    assert.equal(run.code, 0, run.stderr);
    const dest = join(dir, 'etc/secrets/cloudwatch-secrets');
    assert.equal(readFileSync(dest, 'utf8'), EXPECTED);
    assert.equal(statSync(dest).mode & 0o777, 0o644);
    const sink = join(dir, '.vault-token');
    assert.match(readFileSync(sink, 'utf8'), /^hvs\./);
    assert.equal(statSync(sink).mode & 0o777, 0o640);
    assert.equal(existsSync(join(dir, 'pidfile')), false, 'the pid file is removed at exit');
    assert.match(run.stderr, /auth\.kubernetes: authentication successful/);
    assert.doesNotMatch(run.stderr, new RegExp(`${ACCESS_KEY}|${SECRET_KEY}`), 'no secret value in the logs');
  });

  it('the tutorial\'s -config path (vault-agent-config.hcl, not the ConfigMap key) exits 1 naming the file', async () => {
    const missing = join(lab.dir, 'vault-agent-config.hcl');
    const run = await runAgentToExit([`-config=${missing}`], agentEnv(lab.addr));
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`cannot read configuration file ${missing}: no such file or directory`));
  });

  it('the tutorial\'s `.Data.aws_access_key_id` on a KV v2 secret: exit 1, the missing key and the fix on stderr, nothing written', async () => {
    const dir = join(lab.dir, 'k8s-missing-key');
    const cfg = writeConfig(lab.dir, 'missing-key.hcl', tutorialConfig(lab, dir, { fieldPath: '.Data' }));
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /missing-key\.hcl:18\) failed: .*map has no entry for key "aws_access_key_id"/);
    assert.match(run.stderr, /write \.Data\.data\.aws_access_key_id/);
    assert.equal(existsSync(join(dir, 'etc/secrets/cloudwatch-secrets')), false);
  });

  it('a role the service account is not bound to: exit 1 at once with the server\'s reason', async () => {
    const dir = join(lab.dir, 'k8s-bad-role');
    const cfg = writeConfig(lab.dir, 'bad-role.hcl', tutorialConfig(lab, dir, { role: 'no-such-role' }));
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /auto_auth kubernetes login at auth\/kube-policy failed: POST \/v1\/auth\/kube-policy\/login: 4\d\d /);
  });

  it('the same template with approle auth renders the same bytes', async () => {
    const dir = join(lab.dir, 'approle');
    const cfg = writeConfig(
      lab.dir,
      'approle.hcl',
      `exit_after_auth = true\n${approleAutoAuth(lab, `${dir}/token`)}\ntemplate {\n  destination = "${dir}/cloudwatch-secrets"\n  contents = <<EOT\n{{ with secret "secret/myapp/config" -}}\nexport AWS_ACCESS_KEY_ID='{{ .Data.data.aws_access_key_id }}'\nexport AWS_SECRET_ACCESS_KEY='{{ .Data.data.aws_secret_access_key }}'\n{{- end }}\nEOT\n}\n`,
    );
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(join(dir, 'cloudwatch-secrets'), 'utf8'), EXPECTED);
  });
});
