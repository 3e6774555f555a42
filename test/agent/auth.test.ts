// auto_auth against a real dev server: the token is renewed before it expires (a 3 s TTL keeps
// the test short), a revoked token is replaced by a new login and written to the sink; the
// token_file method; a sink with wrap_ttl writes wrap info that unwraps to a working token.

import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_KEY, agentEnv, api, approleAutoAuth, readIfExists, runAgentToExit, startAgent, startLab, writeConfig, type Lab } from './support.js';

describe('agent: auto_auth renewal and re-authentication', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab({ tokenTtl: '3s', tokenMaxTtl: '1h' });
  });
  after(async () => {
    await lab?.stop();
  });

  it('renews the token before it expires, and logs in again after it is revoked', async () => {
    const sink = join(lab.dir, 'renew/token');
    const dest = join(lab.dir, 'renew/out.txt');
    const cfg = writeConfig(
      lab.dir,
      'renew.hcl',
      `${approleAutoAuth(lab, sink, 'min_backoff = "100ms"\n    max_backoff = "1s"')}
template {
  destination = "${dest}"
  contents    = "{{ with secret \\"secret/myapp/config\\" }}{{ .Data.data.aws_access_key_id }}{{ end }}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`, '-log-level=debug'], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => readIfExists(dest) === ACCESS_KEY, 'the first render');
      const first = readFileSync(sink, 'utf8');
      await agent.waitFor(() => /renewed the auth token/.test(agent.output()), 'a renewal', 8000);
      await new Promise((r) => setTimeout(r, 3500));
      assert.equal(readFileSync(sink, 'utf8'), first, 'renewal keeps the token');
      const look = await api(lab.addr, 'GET', 'auth/token/lookup-self', { token: first });
      assert.equal(look.status, 200, 'the token outlived its 3 s TTL because it was renewed');

      const rev = await api(lab.addr, 'POST', 'auth/token/revoke', { token: lab.root, body: { token: first } });
      assert.ok(rev.status < 300, rev.text);
      await agent.waitFor(() => (readIfExists(sink) ?? first) !== first, 'a new token in the sink', 10_000);
      const second = readFileSync(sink, 'utf8');
      assert.equal((await api(lab.addr, 'GET', 'auth/token/lookup-self', { token: second })).status, 200);
      assert.match(agent.output(), /logging in again/);
      assert.equal(statSync(sink).mode & 0o777, 0o640);
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });

  it('token_file: renders with the token from the file', async () => {
    const created = await api(lab.addr, 'POST', 'auth/token/create', { token: lab.root, body: { policies: ['myapp-policy'], ttl: '1h' } });
    const tokenFile = join(lab.dir, 'given-token');
    writeFileSync(tokenFile, `${created.body.auth.client_token}\n`);
    const dest = join(lab.dir, 'token-file/out.txt');
    const cfg = writeConfig(
      lab.dir,
      'token-file.hcl',
      `exit_after_auth = true
auto_auth {
  method "token_file" {
    config = {
      token_file_path = "${tokenFile}"
    }
  }
}
template {
  destination = "${dest}"
  contents    = "{{ with secret \\"secret/data/myapp/config\\" }}{{ .Data.data.aws_access_key_id }}{{ end }}"
}
`,
    );
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 0, run.stderr);
    assert.equal(readIfExists(dest), ACCESS_KEY);
  });

  it('a sink with wrap_ttl writes wrap info that unwraps to a working token', async () => {
    const sink = join(lab.dir, 'wrapped/token.json');
    const cfg = writeConfig(
      lab.dir,
      'wrapped.hcl',
      `exit_after_auth = true
${approleAutoAuth(lab, sink).replace('sink "file" {', 'sink "file" {\n    wrap_ttl = "5m"')}`,
    );
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv(lab.addr));
    assert.equal(run.code, 0, run.stderr);
    const info = JSON.parse(readFileSync(sink, 'utf8')) as { token: string; ttl: number };
    assert.equal(info.ttl, 300);
    const unwrapped = await api(lab.addr, 'POST', 'sys/wrapping/unwrap', { token: info.token });
    assert.equal(unwrapped.status, 200, unwrapped.text);
    const token = (unwrapped.body.auth?.client_token ?? unwrapped.body.data?.token) as string;
    assert.equal((await api(lab.addr, 'GET', 'auth/token/lookup-self', { token })).status, 200);
  });

  it('with exit_after_auth, an unreachable server is retried vault.retry.num_retries times, then exit 1', async () => {
    const cfg = writeConfig(
      lab.dir,
      'unreachable.hcl',
      `exit_after_auth = true
vault {
  retry {
    num_retries = 2
  }
}
${approleAutoAuth(lab, join(lab.dir, 'unreachable/token'), 'min_backoff = "50ms"\n    max_backoff = "100ms"')}`,
    );
    const run = await runAgentToExit([`-config=${cfg}`], agentEnv('http://127.0.0.1:9'));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /login at auth\/approle failed 3 times .*cannot reach http:\/\/127\.0\.0\.1:9/);
  });

  it('with exit_after_auth, SIGTERM before the templates rendered exits 1, never 0', async () => {
    const cfg = writeConfig(lab.dir, 'interrupted.hcl', `exit_after_auth = true\n${approleAutoAuth(lab, join(lab.dir, 'interrupted/token'))}`);
    const agent = startAgent([`-config=${cfg}`], agentEnv('http://127.0.0.1:9'));
    await agent.waitFor(() => /error authenticating/.test(agent.output()), 'a failed login');
    assert.equal(await agent.stop('SIGTERM'), 1);
    assert.match(agent.output(), /SIGTERM arrived before every template rendered/);
  });
});
