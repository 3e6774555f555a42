// Leased (dynamic) secrets against a stub Vault that answers database-style credentials with
// short leases (test/agent/database.test.ts does the same against the real database engine). A
// non-renewable lease is fetched again near its end and the file re-rendered with the new
// credentials; a renewable one is renewed (sys/leases/renew) and the file keeps its credentials;
// one capped by its max TTL is replaced before it ends; a refused renewal gets new credentials;
// a token that ends for good before a lease is warned about.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { agentEnv, readIfExists, startAgent, tempDir, writeConfig } from './support.js';

interface StubVault {
  addr: string;
  reads: Record<string, number>;
  renewals: number;
  /** Renewals per lease id. */
  renewedLeases: Record<string, number>;
  /** Leases whose renewal is refused (400) from now on. */
  refuse: Set<string>;
  close(): Promise<void>;
}

function envelope(o: Record<string, unknown>): string {
  return JSON.stringify({ request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...o });
}

async function startStubVault(): Promise<StubVault> {
  const stub = { reads: {} as Record<string, number>, renewals: 0, renewedLeases: {} as Record<string, number>, refuse: new Set<string>() };
  /** database/creds/capped: 2 s leases with a max TTL of 7 s, like a role with default_ttl 2s and max_ttl 7s. */
  const capped = new Map<string, { expiresAt: number; maxEnd: number }>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = (req.url ?? '').split('?')[0]!;
      const send = (status: number, text: string): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(text);
      };
      if (url === '/v1/auth/token/lookup-self') {
        // "ending-token" ends for good in an hour (not renewable); others never expire.
        const ending = req.headers['x-vault-token'] === 'ending-token';
        return send(200, envelope({ data: { ttl: ending ? 3600 : 0, renewable: false, policies: ['root'] } }));
      }
      if (url === '/v1/database/creds/capped' || url === '/v1/database/creds/refused') {
        const n = (stub.reads[url] = (stub.reads[url] ?? 0) + 1);
        const leaseId = `${url.slice(4)}/${n}`;
        capped.set(leaseId, { expiresAt: Date.now() + 2000, maxEnd: Date.now() + (url.endsWith('capped') ? 7000 : 3_600_000) });
        return send(200, envelope({ lease_id: leaseId, lease_duration: 2, renewable: true, data: { username: `user-${n}` } }));
      }
      if (url.startsWith('/v1/sys/internal/ui/mounts/')) return send(404, '{"errors":[]}');
      if (url === '/v1/database/creds/short' || url === '/v1/database/creds/renewable') {
        const n = (stub.reads[url] = (stub.reads[url] ?? 0) + 1);
        const renewable = url.endsWith('renewable');
        return send(200, envelope({ lease_id: `${url.slice(4)}/${n}`, lease_duration: renewable ? 3 : 2, renewable, data: { username: `user-${n}` } }));
      }
      if (url === '/v1/sys/leases/renew' && req.method === 'PUT') {
        stub.renewals++;
        const { lease_id: leaseId, increment } = JSON.parse(body) as { lease_id: string; increment?: number };
        stub.renewedLeases[leaseId] = (stub.renewedLeases[leaseId] ?? 0) + 1;
        if (stub.refuse.has(leaseId)) return send(400, '{"errors":["lease is not renewable"]}');
        const c = capped.get(leaseId);
        if (c) {
          const now = Date.now();
          if (now >= c.expiresAt) return send(400, '{"errors":["lease not found"]}');
          c.expiresAt = Math.min(c.maxEnd, now + (increment ?? 2) * 1000);
          return send(200, envelope({ lease_id: leaseId, lease_duration: Math.round((c.expiresAt - now) / 1000), renewable: true }));
        }
        return send(200, envelope({ lease_id: leaseId, lease_duration: 3, renewable: true }));
      }
      send(404, '{"errors":[]}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    addr: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get reads() {
      return stub.reads;
    },
    get renewals() {
      return stub.renewals;
    },
    renewedLeases: stub.renewedLeases,
    refuse: stub.refuse,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('agent: leased secrets', () => {
  let vault: StubVault;
  const dir = tempDir('coffer-agent-leases-');
  before(async () => {
    vault = await startStubVault();
    writeFileSync(join(dir, 'token'), 'stub-token');
  });
  after(async () => {
    await vault?.close();
  });

  it('fetches a non-renewable lease again near its end and re-renders; renews a renewable one', async () => {
    const short = join(dir, 'short.txt');
    const renewable = join(dir, 'renewable.txt');
    const cfg = writeConfig(
      dir,
      'leases.hcl',
      `auto_auth {
  method "token_file" {
    config = {
      token_file_path = "${dir}/token"
    }
  }
}
template {
  destination = "${short}"
  contents    = "{{ with secret \\"database/creds/short\\" }}{{ .Data.username }}{{ end }}"
}
template {
  destination = "${renewable}"
  contents    = "{{ with secret \\"database/creds/renewable\\" }}{{ .Data.username }} {{ .LeaseDuration }} {{ .Renewable }}{{ end }}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`, '-log-level=debug'], agentEnv(vault.addr));
    try {
      await agent.waitFor(() => readIfExists(short) === 'user-1' && readIfExists(renewable) === 'user-1 3 true', 'the first render');
      await agent.waitFor(() => readIfExists(short) === 'user-2', 'new credentials before the 2 s lease ends', 4000);
      await agent.waitFor(() => vault.renewals >= 1, 'a renewal of the renewable lease', 5000);
      assert.equal(readIfExists(renewable), 'user-1 3 true', 'a renewed lease keeps its credentials');
      assert.equal(vault.reads['/v1/database/creds/renewable'], 1);
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });
});

describe('agent: leases kept for the app', () => {
  let vault: StubVault;
  const dir = tempDir('coffer-agent-leases-kept-');
  before(async () => {
    vault = await startStubVault();
    writeFileSync(join(dir, 'token'), 'stub-token');
    writeFileSync(join(dir, 'ending-token'), 'ending-token');
  });
  after(async () => {
    await vault?.close();
  });

  const config = (name: string, tokenFile: string, paths: Record<string, string>): string =>
    writeConfig(
      dir,
      name,
      `auto_auth {
  method "token_file" {
    config = {
      token_file_path = "${dir}/${tokenFile}"
    }
  }
}
${Object.entries(paths)
  .map(
    ([dest, path]) => `template {
  destination = "${dest}"
  contents    = "{{ with secret \\"${path}\\" }}{{ .Data.username }}{{ end }}"
}`,
  )
  .join('\n')}
`,
    );

  it('renews a lease for as long as it is extended (same user), then fetches new credentials before its max TTL ends; a refused renewal gets new ones', async () => {
    const cappedFile = join(dir, 'capped.txt');
    const refusedFile = join(dir, 'refused.txt');
    const agent = startAgent([`-config=${config('kept.hcl', 'token', { [cappedFile]: 'database/creds/capped', [refusedFile]: 'database/creds/refused' })}`, '-log-level=debug'], agentEnv(vault.addr));
    try {
      await agent.waitFor(() => readIfExists(cappedFile) === 'user-1' && readIfExists(refusedFile) === 'user-1', 'the first render');
      // Two renewals of the 2 s lease (past its first TTL): still the first user, no second read.
      await agent.waitFor(() => (vault.renewedLeases['database/creds/capped/1'] ?? 0) >= 2, 'two renewals of the capped lease', 20_000);
      assert.equal(vault.reads['/v1/database/creds/capped'], 1, 'renewed, not fetched again');
      // The 7 s max TTL nears: a renewal comes back short, and new credentials are rendered.
      await agent.waitFor(() => readIfExists(cappedFile) === 'user-2', 'new credentials before the max TTL', 30_000);
      assert.ok(agent.output().includes('lease near its max TTL'), agent.output());
      // Renewals of the refused lease are now refused: new credentials, without waiting for its end.
      await agent.waitFor(() => (vault.renewedLeases['database/creds/refused/1'] ?? 0) >= 1, 'a renewal of the other lease', 20_000);
      vault.refuse.add('database/creds/refused/1');
      await agent.waitFor(() => readIfExists(refusedFile) === 'user-2', 'new credentials after a refused renewal', 30_000);
      assert.match(agent.output(), /renewal failed/);
      assert.doesNotMatch(agent.output(), /user-\d/, 'the credentials are never logged');
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });

  it("warns when the agent's token ends for good before a lease it read (the lease would be revoked with it)", async () => {
    const file = join(dir, 'warned.txt');
    const agent = startAgent([`-config=${config('warn.hcl', 'ending-token', { [file]: 'database/creds/refused' })}`], agentEnv(vault.addr));
    try {
      await agent.waitFor(() => readIfExists(file) !== undefined, 'the first render');
      await agent.waitFor(() => agent.output().includes("the agent's token ends before a lease it read"), 'the warning');
      assert.match(agent.output(), /token_ends_in=3\d\d\ds/);
      assert.doesNotMatch(agent.output(), /ending-token|user-\d/);
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });

  it('no warning when the token never expires', async () => {
    const file = join(dir, 'quiet.txt');
    const agent = startAgent([`-config=${config('quiet.hcl', 'token', { [file]: 'database/creds/refused' })}`], agentEnv(vault.addr));
    try {
      await agent.waitFor(() => readIfExists(file) !== undefined, 'the first render');
      const renewals = vault.renewals;
      await agent.waitFor(() => vault.renewals >= renewals + 2, 'two renewals after the first render', 20_000);
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
    assert.doesNotMatch(agent.output(), /token ends before/);
  });
});
