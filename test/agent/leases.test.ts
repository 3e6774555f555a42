// Leased (dynamic) secrets, which Coffer's server has no engine for yet: a stub Vault answers
// database-style credentials with short leases. A non-renewable lease is fetched again near its
// end and the file re-rendered with the new credentials; a renewable one is renewed
// (sys/leases/renew) and the file keeps its credentials.

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
  close(): Promise<void>;
}

function envelope(o: Record<string, unknown>): string {
  return JSON.stringify({ request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...o });
}

async function startStubVault(): Promise<StubVault> {
  const stub = { reads: {} as Record<string, number>, renewals: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = (req.url ?? '').split('?')[0]!;
      const send = (status: number, text: string): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(text);
      };
      if (url === '/v1/auth/token/lookup-self') return send(200, envelope({ data: { ttl: 0, renewable: false, policies: ['root'] } }));
      if (url.startsWith('/v1/sys/internal/ui/mounts/')) return send(404, '{"errors":[]}');
      if (url === '/v1/database/creds/short' || url === '/v1/database/creds/renewable') {
        const n = (stub.reads[url] = (stub.reads[url] ?? 0) + 1);
        const renewable = url.endsWith('renewable');
        return send(200, envelope({ lease_id: `${url.slice(4)}/${n}`, lease_duration: renewable ? 3 : 2, renewable, data: { username: `user-${n}` } }));
      }
      if (url === '/v1/sys/leases/renew' && req.method === 'PUT') {
        stub.renewals++;
        const leaseId = (JSON.parse(body) as { lease_id: string }).lease_id;
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
