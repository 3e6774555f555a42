// Long-running (native sidecar) mode against a real dev server: the first render, then the
// readiness file and GET /ready; a changed secret is re-rendered (static_secret_render_interval
// shortened to 1s) and the template's command runs again; SIGTERM exits 0 and removes the
// readiness file. Lenient mode: not ready (503) while a secret is missing, ready once it exists.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_KEY, agentEnv, approleAutoAuth, readIfExists, startAgent, startLab, writeConfig, writeSecret, type Lab } from './support.js';

async function getStatus(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

function boundAddress(output: string, what: RegExp): string {
  const m = what.exec(output);
  if (!m) throw new Error(`no address in the output:\n${output}`);
  return m[1]!;
}

describe('agent: native sidecar mode', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  it('renders, marks itself ready, re-renders when the secret changes, runs the command after each change', async () => {
    const dir = join(lab.dir, 'sidecar');
    const dest = join(dir, 'secrets/app.env');
    const ready = join(dir, 'ready');
    const cmdLog = join(lab.dir, 'sidecar-cmd.log');
    const cfg = writeConfig(
      lab.dir,
      'sidecar.hcl',
      `${approleAutoAuth(lab, `${dir}/token`)}
template_config {
  static_secret_render_interval = "1s"
}
readiness {
  file    = "${ready}"
  address = "127.0.0.1:0"
}
template {
  destination = "${dest}"
  perms       = 0600
  contents    = "KEY={{ with secret \\"secret/myapp/config\\" }}{{ .Data.data.aws_access_key_id }}{{ end }}\\n"
  command     = "echo reloaded >> ${cmdLog}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`, '-log-level=debug'], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => existsSync(ready), 'the readiness file');
      assert.equal(readFileSync(ready, 'utf8'), 'ready\n');
      assert.equal(readFileSync(dest, 'utf8'), `KEY=${ACCESS_KEY}\n`);
      const addr = boundAddress(agent.output(), /readiness endpoint listening: address=(\S+)/);
      assert.equal(await getStatus(`http://${addr}/ready`), 200);
      assert.equal(await getStatus(`http://${addr}/live`), 200);
      assert.equal(readIfExists(cmdLog), 'reloaded\n');

      await writeSecret(lab, 'myapp/config', { aws_access_key_id: 'rotated-key', aws_secret_access_key: 'rotated-secret' });
      await agent.waitFor(() => readIfExists(dest) === 'KEY=rotated-key\n', 'the re-render after the change', 10_000);
      await agent.waitFor(() => readIfExists(cmdLog) === 'reloaded\nreloaded\n', 'the command after the re-render', 5000);
      // Unchanged secrets: no rewrite, no command.
      await new Promise((r) => setTimeout(r, 2200));
      assert.equal(readIfExists(cmdLog), 'reloaded\nreloaded\n');
      assert.equal(agent.output().match(/template: rendered:/g)?.length, 2);
    } finally {
      await writeSecret(lab, 'myapp/config', { aws_access_key_id: ACCESS_KEY, aws_secret_access_key: 'my-secret-key' });
      const code = await agent.stop('SIGTERM');
      assert.equal(code, 0, agent.output());
    }
    assert.equal(existsSync(ready), false, 'the readiness file is removed at exit');
  });

  it('lenient mode (exit_on_retry_failure = false): 503 while a secret is missing, ready once it is written', async () => {
    const dir = join(lab.dir, 'lenient');
    const dest = join(dir, 'late.txt');
    const cfg = writeConfig(
      lab.dir,
      'lenient.hcl',
      `${approleAutoAuth(lab, `${dir}/token`)}
vault {
  retry {
    num_retries = -1
  }
}
template_config {
  exit_on_retry_failure         = false
  static_secret_render_interval = "1s"
}
readiness {
  address = "127.0.0.1:0"
}
template {
  destination = "${dest}"
  contents    = "{{ with secret \\"secret/myapp/late\\" }}{{ .Data.data.v }}{{ end }}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => /no secret exists at secret\/data\/myapp\/late/.test(agent.output()), 'the missing-secret error');
      const addr = boundAddress(agent.output(), /readiness endpoint listening: address=(\S+)/);
      assert.equal(await getStatus(`http://${addr}/ready`), 503);
      assert.equal(existsSync(dest), false);
      await writeSecret(lab, 'myapp/late', { v: 'here' });
      await agent.waitFor(() => readIfExists(dest) === 'here', 'the render once the secret exists', 10_000);
      await agent.waitFor(() => /ready: every template has rendered/.test(agent.output()), 'ready');
      assert.equal(await getStatus(`http://${addr}/ready`), 200);
    } finally {
      assert.equal(await agent.stop(), 0);
    }
  });

  it('fail-fast default: a secret that disappears later stops the sidecar with exit 1 and the reason', async () => {
    const dir = join(lab.dir, 'vanish');
    await writeSecret(lab, 'myapp/vanishing', { v: '1' });
    const cfg = writeConfig(
      lab.dir,
      'vanish.hcl',
      `${approleAutoAuth(lab, `${dir}/token`)}
vault {
  retry {
    num_retries = 1
  }
}
template_config {
  static_secret_render_interval = "1s"
}
template {
  destination = "${dir}/v.txt"
  contents    = "{{ with secret \\"secret/myapp/vanishing\\" }}{{ .Data.data.v }}{{ end }}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`], agentEnv(lab.addr));
    await agent.waitFor(() => readIfExists(join(dir, 'v.txt')) === '1', 'the first render');
    const del = await fetch(`${lab.addr}/v1/secret/metadata/myapp/vanishing`, { method: 'DELETE', headers: { 'X-Vault-Token': lab.root } });
    assert.ok(del.status < 300);
    const code = await agent.exited;
    assert.equal(code, 1);
    assert.match(agent.output(), /agent stopping: template ".*v\.txt" \(.*vanish\.hcl:\d+\) failed \(after 1 retries\): no secret exists at secret\/data\/myapp\/vanishing/);
  });
});
