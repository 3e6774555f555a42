// The agent stops at once on SIGTERM, whatever it is waiting for: a login backoff of minutes, a
// template retry backoff of minutes, or a request the server never answers. No test here measures
// time: each wait is made so long (10 minutes, or a server that never answers) that an agent still
// waiting on it would outlive the test's own timeout. Each checks how the agent exited (code 0)
// and that it said "shutting down".

import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { freePort } from '../support/server.js';
import { agentEnv, startAgent, tempDir, writeConfig, type RunningAgent } from './support.js';
import { writeFileSync } from 'node:fs';

const TEST_TIMEOUT = 30_000;

/** A TCP server that accepts connections and never answers; counts the requests it got. */
async function silentServer(): Promise<{ addr: string; received: () => number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  let received = 0;
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.once('data', () => received++);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    addr: `http://127.0.0.1:${port}`,
    received: () => received,
    close: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function approle(dir: string, extra: string): string {
  const roleId = join(dir, 'role-id');
  const secretId = join(dir, 'secret-id');
  writeFileSync(roleId, 'some-role-id\n');
  writeFileSync(secretId, 'some-secret-id\n');
  return `auto_auth {
  method "approle" {
    ${extra}
    config = {
      role_id_file_path = "${roleId}"
      secret_id_file_path = "${secretId}"
      remove_secret_id_file_after_reading = false
    }
  }
  sink "file" {
    config = { path = "${join(dir, 'token')}" }
  }
}
`;
}

/** The agent's environment with a VAULT_TOKEN (templates without auto_auth use it). */
const withToken = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...agentEnv(undefined, extra), VAULT_TOKEN: 'hvs.some-token' });

const template = (dir: string): string => `template {
  destination = "${join(dir, 'out.txt')}"
  contents    = "{{ with secret \\"secret/data/app\\" }}{{ .Data.data.x }}{{ end }}"
}
`;

describe('agent: SIGTERM stops it at once', () => {
  const agents: RunningAgent[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const a of agents) a.proc.kill('SIGKILL');
    for (const c of cleanups) await c();
  });

  const expectShutdown = async (agent: RunningAgent): Promise<void> => {
    const code = await agent.stop('SIGTERM');
    assert.equal(code, 0, agent.output());
    assert.match(agent.output(), /shutting down.*signal=SIGTERM/);
  };

  it('during a 10-minute auto_auth login backoff (nothing listens at the server address)', { timeout: TEST_TIMEOUT }, async () => {
    const dir = tempDir('coffer-agent-stop-');
    const port = await freePort();
    const cfg = writeConfig(dir, 'agent.hcl', `vault { address = "http://127.0.0.1:${port}" }\n${approle(dir, 'min_backoff = "10m"\n    max_backoff = "20m"')}`);
    const agent = startAgent([`-config=${cfg}`], agentEnv(undefined));
    agents.push(agent);
    await agent.waitFor(() => /error authenticating.*backoff=(5|6|7|8|9|10)\d\d\.\ds/.test(agent.output()), 'the first login failure and its backoff');
    await expectShutdown(agent);
  });

  it('during a 10-minute template retry backoff (nothing listens at the server address)', { timeout: TEST_TIMEOUT }, async () => {
    const dir = tempDir('coffer-agent-stop-');
    const port = await freePort();
    const cfg = writeConfig(dir, 'agent.hcl', `vault { address = "http://127.0.0.1:${port}" }\n${template(dir)}`);
    const agent = startAgent([`-config=${cfg}`], withToken({ COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF: '10m' }));
    agents.push(agent);
    await agent.waitFor(() => /template could not render; retrying.*backoff=600000ms/.test(agent.output()), 'the first template failure and its backoff');
    await expectShutdown(agent);
  });

  it('while a login request is under way to a server that never answers', { timeout: TEST_TIMEOUT }, async () => {
    const dir = tempDir('coffer-agent-stop-');
    const silent = await silentServer();
    cleanups.push(silent.close);
    const cfg = writeConfig(dir, 'agent.hcl', `vault { address = "${silent.addr}" }\n${approle(dir, '')}`);
    const agent = startAgent([`-config=${cfg}`], agentEnv(undefined));
    agents.push(agent);
    await agent.waitFor(() => silent.received() > 0, 'the login request to arrive');
    await expectShutdown(agent);
  });

  it('while a template read is under way to a server that never answers', { timeout: TEST_TIMEOUT }, async () => {
    const dir = tempDir('coffer-agent-stop-');
    const silent = await silentServer();
    cleanups.push(silent.close);
    const cfg = writeConfig(dir, 'agent.hcl', `vault { address = "${silent.addr}" }\n${template(dir)}`);
    const agent = startAgent([`-config=${cfg}`], withToken());
    agents.push(agent);
    await agent.waitFor(() => silent.received() > 0, 'the secret read to arrive');
    await expectShutdown(agent);
  });

  it('a bad COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF is refused with exit 1', { timeout: TEST_TIMEOUT }, async () => {
    const dir = tempDir('coffer-agent-stop-');
    const cfg = writeConfig(dir, 'agent.hcl', `vault { address = "http://127.0.0.1:1" }\n${template(dir)}`);
    const agent = startAgent([`-config=${cfg}`], withToken({ COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF: 'soon' }));
    agents.push(agent);
    assert.equal(await agent.exited, 1);
    assert.match(agent.output(), /COFFER_AGENT_TEMPLATE_RETRY_MIN_BACKOFF: invalid duration "soon"/);
  });
});
