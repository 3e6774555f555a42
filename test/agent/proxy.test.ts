// The API proxy: an app calls the agent's listener without a token and gets answers made with
// the auto-auth token; a request carrying its own token keeps it; require_request_header.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ACCESS_KEY, agentEnv, api, approleAutoAuth, readIfExists, startAgent, startLab, writeConfig, type Lab } from './support.js';

describe('agent: api_proxy', () => {
  let lab: Lab;
  before(async () => {
    lab = await startLab();
  });
  after(async () => {
    await lab?.stop();
  });

  it('adds the auto-auth token to requests without one', async () => {
    const sink = join(lab.dir, 'proxy/token');
    const cfg = writeConfig(
      lab.dir,
      'proxy.hcl',
      `${approleAutoAuth(lab, sink)}
api_proxy {
  use_auto_auth_token = true
}
listener "tcp" {
  address     = "127.0.0.1:0"
  tls_disable = true
}
listener "tcp" {
  address                = "127.0.0.1:0"
  tls_disable            = true
  require_request_header = true
}
`,
    );
    const agent = startAgent([`-config=${cfg}`], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => (agent.output().match(/API proxy listening/g)?.length ?? 0) === 2 && readIfExists(sink) !== undefined, 'the listeners and the token');
      const [plain, strict] = [...agent.output().matchAll(/API proxy listening: address=(\S+)/g)].map((m) => `http://${m[1]}`);
      const read = await api(plain!, 'GET', 'secret/data/myapp/config');
      assert.equal(read.status, 200, read.text);
      assert.equal(read.body.data.data.aws_access_key_id, ACCESS_KEY);
      const self = await api(plain!, 'GET', 'auth/token/lookup-self');
      assert.equal(self.body.data.id, readIfExists(sink));
      const own = await api(plain!, 'GET', 'auth/token/lookup-self', { token: lab.root });
      assert.equal(own.body.data.id, lab.root, 'a request with its own token keeps it');
      const refused = await api(strict!, 'GET', 'secret/data/myapp/config');
      assert.equal(refused.status, 412);
      const allowed = await api(strict!, 'GET', 'secret/data/myapp/config', { headers: { 'X-Vault-Request': 'true' } });
      assert.equal(allowed.status, 200);
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });
});
