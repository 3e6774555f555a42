// Process-supervisor mode (`exec` + `env_template`): the app gets the secrets as environment
// variables (no `source /etc/secrets/...` trick), is restarted with the new value when the
// secret changes, receives the signals the agent gets, and the agent exits with its exit code.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_KEY, agentEnv, api, approleAutoAuth, readIfExists, runAgentToExit, SECRET_KEY, startAgent, startLab, writeConfig, writeSecret, type Lab } from './support.js';

function execConfig(lab: Lab, name: string, command: string[], extra = ''): string {
  const cmd = `[${command.map((c) => JSON.stringify(c)).join(', ')}]`;
  return writeConfig(
    lab.dir,
    name,
    `${approleAutoAuth(lab, `${lab.dir}/${name}.token`)}
template_config {
  static_secret_render_interval = "1s"
}
env_template "AWS_ACCESS_KEY_ID" {
  contents = "{{ with secret \\"secret/myapp/config\\" }}{{ .Data.data.aws_access_key_id }}{{ end }}"
}
env_template "AWS_SECRET_ACCESS_KEY" {
  contents = "{{ with secret \\"secret/myapp/config\\" }}{{ .Data.data.aws_secret_access_key }}{{ end }}"
}
exec {
  command = ${cmd}
  ${extra}
}
`,
  );
}

describe('agent: exec mode', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  it('passes the secrets as env vars and exits with the app\'s exit code', async () => {
    const out = join(lab.dir, 'exec-env.txt');
    const cfg = execConfig(lab, 'exec-code.hcl', ['/bin/sh', '-c', `echo "$AWS_ACCESS_KEY_ID $AWS_SECRET_ACCESS_KEY" > ${out}; exit 3`]);
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 3, run.stderr);
    assert.equal(readIfExists(out), `${ACCESS_KEY} ${SECRET_KEY}\n`);
    assert.match(run.stderr, /exec: starting the app: command=.* env=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY/);
    assert.doesNotMatch(run.stderr, new RegExp(SECRET_KEY), 'no secret value in the logs');
  });

  it('restarts the app with the new value when the secret changes; forwards SIGTERM and exits with the app\'s code', async () => {
    const log = join(lab.dir, 'exec-restart.log');
    const script = `echo "start $AWS_ACCESS_KEY_ID" >> ${log}; trap 'echo "stop $AWS_ACCESS_KEY_ID" >> ${log}; exit 0' TERM; while true; do sleep 0.05; done`;
    const cfg = execConfig(lab, 'exec-restart.hcl', ['/bin/sh', '-c', script], 'restart_stop_signal = "SIGTERM"');
    const agent = startAgent([`-config=${cfg}`], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => readIfExists(log) === `start ${ACCESS_KEY}\n`, 'the app to start');
      await writeSecret(lab, 'myapp/config', { aws_access_key_id: 'rotated-key', aws_secret_access_key: SECRET_KEY });
      await agent.waitFor(() => readIfExists(log) === `start ${ACCESS_KEY}\nstop ${ACCESS_KEY}\nstart rotated-key\n`, 'the restart with the new value', 10_000);
      assert.match(agent.output(), /a secret changed; restarting the app/);
    } finally {
      await writeSecret(lab, 'myapp/config', { aws_access_key_id: ACCESS_KEY, aws_secret_access_key: SECRET_KEY });
    }
    const code = await agent.stop('SIGTERM');
    assert.equal(code, 0, agent.output());
    assert.match(readIfExists(log) ?? '', /stop rotated-key\n$/, 'the app got the SIGTERM');
  });

  it('restart_on_secret_changes = "never" keeps the app running', async () => {
    const log = join(lab.dir, 'exec-never.log');
    const script = `echo "start $AWS_ACCESS_KEY_ID" >> ${log}; trap 'exit 7' TERM; while true; do sleep 0.05; done`;
    const cfg = execConfig(lab, 'exec-never.hcl', ['/bin/sh', '-c', script], 'restart_on_secret_changes = "never"');
    const agent = startAgent([`-config=${cfg}`], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => readIfExists(log) === `start ${ACCESS_KEY}\n`, 'the app to start');
      await writeSecret(lab, 'myapp/config', { aws_access_key_id: 'other-key', aws_secret_access_key: SECRET_KEY });
      await agent.waitFor(() => /not restarting the app/.test(agent.output()), 'the change to be noticed', 10_000);
      assert.equal(readIfExists(log), `start ${ACCESS_KEY}\n`);
    } finally {
      await writeSecret(lab, 'myapp/config', { aws_access_key_id: ACCESS_KEY, aws_secret_access_key: SECRET_KEY });
    }
    assert.equal(await agent.stop('SIGTERM'), 7, 'the agent exits with the app\'s code');
  });

  it('a secret that cannot be refreshed while the app runs: logged, and the app keeps running', async () => {
    await writeSecret(lab, 'myapp/flaky', { v: 'one' });
    const log = join(lab.dir, 'exec-outage.log');
    const cfg = writeConfig(
      lab.dir,
      'exec-outage.hcl',
      `${approleAutoAuth(lab, `${lab.dir}/exec-outage.token`)}
vault {
  retry {
    num_retries = -1
  }
}
template_config {
  static_secret_render_interval = "1s"
}
env_template "V" {
  contents = "{{ with secret \\"secret/myapp/flaky\\" }}{{ .Data.data.v }}{{ end }}"
}
exec {
  command = ["/bin/sh", "-c", "echo \\"start $V\\" >> ${log}; trap 'exit 0' TERM; while true; do sleep 0.05; done"]
}
`,
    );
    const agent = startAgent([`-config=${cfg}`], agentEnv(lab.addr));
    await agent.waitFor(() => readIfExists(log) === 'start one\n', 'the app to start');
    const del = await api(lab.addr, 'DELETE', 'secret/metadata/myapp/flaky', { token: lab.root });
    assert.ok(del.status < 300);
    await agent.waitFor(() => /the app keeps running with its current environment/.test(agent.output()), 'the refresh error', 10_000);
    assert.equal(agent.proc.exitCode, null, 'the agent (and the app) still run');
    assert.equal(readIfExists(log), 'start one\n');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  it('an app that cannot start: exit 127 with the reason', async () => {
    const cfg = execConfig(lab, 'exec-missing.hcl', ['/no/such/app']);
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 127);
    assert.match(run.stderr, /the app could not start: command=\/no\/such\/app error=.*ENOENT/);
  });
});
