// Template features end to end (exit_after_auth, a real dev server): KV v2 with and without
// `data/` in the path, `?version=`, `secrets` (list) feeding `secret` (two-pass rendering over
// several rounds), a write-style `secret "path" "k=v"`, consul-template helpers, perms and
// backup, a command that fails, and Vault's lenient missing-key behaviour when asked for.

import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_KEY, agentEnv, runAgentToExit, startLab, writeConfig, writeSecret, type Lab } from './support.js';

describe('agent: templates', () => {
  let lab: Lab;
  let tokenFile: string;
  before(async () => {
    lab = await startLab();
    tokenFile = join(lab.dir, 'root-token');
    writeFileSync(tokenFile, lab.root);
    await writeSecret(lab, 'myapp/db', { password: 'v1' });
    await writeSecret(lab, 'myapp/db', { password: 'v2' });
  });
  after(async () => {
    await lab?.stop();
  });

  function config(name: string, templates: string, extra = ''): string {
    return writeConfig(
      lab.dir,
      name,
      `exit_after_auth = true
auto_auth {
  method "token_file" {
    config = {
      token_file_path = "${tokenFile}"
    }
  }
}
${extra}
${templates}`,
    );
  }

  it('KV v2 paths, versions, lists feeding reads, write-style secret, helpers', async () => {
    const dest = join(lab.dir, 'tpl/all.txt');
    const text = [
      '{{ with secret "secret/myapp/config" }}short={{ .Data.data.aws_access_key_id }} v={{ .Data.metadata.version }}{{ end }}',
      '{{ with secret "secret/data/myapp/db?version=1" }}old={{ .Data.data.password }}{{ end }}',
      '{{ range secrets "secret/myapp/" }}{{ . }}:{{ with secret (printf "secret/myapp/%s" .) }}{{ len .Data.data }}{{ end }} {{ end }}',
      '{{ with secret "auth/token/create" "policies=default" "ttl=1h" }}token={{ if .Auth.ClientToken }}yes{{ end }} ttl={{ .Auth.LeaseDuration }}{{ end }}',
      '{{ "x" | base64Encode }} {{ toUpper "up" }} {{ env "COFFER_TEST_VAR" }} {{ (secret "secret/myapp/config").Data.data | toJSON }}',
    ].join('\n');
    const cfg = config('all.hcl', `template {\n  destination = "${dest}"\n  perms = "0600"\n  contents = <<EOT\n${text}\nEOT\n}\n`);
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr, { COFFER_TEST_VAR: 'from-env' }));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      readFileSync(dest, 'utf8'),
      [
        `short=${ACCESS_KEY} v=1`,
        'old=v1',
        'config:2 db:1 ',
        'token=yes ttl=3600',
        `eA== UP from-env {"aws_access_key_id":"${ACCESS_KEY}","aws_secret_access_key":"my-secret-key"}`,
        '',
      ].join('\n'),
    );
    assert.equal(statSync(dest).mode & 0o777, 0o600);
  });

  it('keeps a backup, keeps the existing mode when perms is not set, runs the command, and fails on a failed command', async () => {
    const dest = join(lab.dir, 'tpl/backup.txt');
    writeFileSync(dest, 'old contents', { mode: 0o604 });
    const marker = join(lab.dir, 'tpl/cmd-ran');
    const ok = config('backup.hcl', `template {\n  destination = "${dest}"\n  backup = true\n  contents = "new"\n  command = ["touch", "${marker}"]\n}\n`);
    const run = await runAgentToExit([`-config=${ok}`], agentEnv(lab.addr));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(dest, 'utf8'), 'new');
    assert.equal(readFileSync(`${dest}.bak`, 'utf8'), 'old contents');
    assert.equal(statSync(dest).mode & 0o777, 0o604);
    assert.ok(statSync(marker).isFile());

    const failing = config('cmd-fails.hcl', `template {\n  destination = "${join(lab.dir, 'tpl/cmd-fails.txt')}"\n  contents = "x"\n  command = "echo boom >&2; exit 4"\n}\n`);
    const bad = await runAgentToExit([`-config=${failing}`], agentEnv(lab.addr));
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /boom\n/);
    assert.match(bad.stderr, /agent stopping: template ".*cmd-fails\.txt" \(.*cmd-fails\.hcl:\d+\) failed: command "echo boom >&2; exit 4" failed: exit status 4/);
  });

  it('error_on_missing_key = false gives Vault\'s lenient <no value>', async () => {
    const dest = join(lab.dir, 'tpl/lenient.txt');
    const cfg = config('lenient.hcl', `template {\n  destination = "${dest}"\n  error_on_missing_key = false\n  contents = "{{ with secret \\"secret/myapp/config\\" }}{{ .Data.nope }}{{ end }}"\n}\n`);
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readFileSync(dest, 'utf8'), '<no value>');
  });

  it('a missing secret exits 1 naming the path (num_retries = -1: no retries)', async () => {
    const cfg = config(
      'missing-secret.hcl',
      `template {\n  destination = "${join(lab.dir, 'tpl/none.txt')}"\n  contents = "{{ with secret \\"secret/myapp/nothing\\" }}{{ .Data.data.x }}{{ end }}"\n}\n`,
      'vault {\n  retry {\n    num_retries = -1\n  }\n}\n',
    );
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /failed: no secret exists at secret\/data\/myapp\/nothing/);
  });
});
