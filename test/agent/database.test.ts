// The agent against a real Coffer server with the database engine on the local MariaDB: a role
// with default_ttl 4s and max_ttl 30s, a template rendering `database/creds/app` to a file. Over
// several TTLs the lease is renewed and the file keeps the same user, who can still log in; as the
// max TTL nears, new credentials are fetched and the file re-rendered; the old user is dropped
// when its lease ends. With an auth token whose max TTL ends before the lease, the agent warns,
// logs in again before the token ends and renders new credentials, and the server drops the old
// user with its token. Everything created in MariaDB (the run's admin and the generated users,
// all carrying a per-run tag) is dropped at the end.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createMariadbAdmin, mariadbCurrentUser, mariadbUserExists, type MariadbAdmin } from '../support/mariadb-admin.js';
import { agentEnv, api, approleAutoAuth, readIfExists, startAgent, startLab, writeConfig, type Lab } from './support.js';

async function ok(p: Promise<{ status: number; text: string }>, what: string): Promise<void> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${r.text}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function creds(text: string | undefined): { user: string; password: string } | undefined {
  if (!text) return undefined;
  const at = text.indexOf(':');
  return at > 0 ? { user: text.slice(0, at), password: text.slice(at + 1) } : undefined;
}

describe('agent: database credentials from the database engine (MariaDB)', () => {
  let lab: Lab;
  let admin: MariadbAdmin;
  before(async () => {
    admin = await createMariadbAdmin();
    lab = await startLab();
    const { addr, root } = lab;
    await ok(api(addr, 'POST', 'sys/mounts/database', { token: root, body: { type: 'database' } }), 'enable database');
    await ok(
      api(addr, 'POST', 'database/config/mariadb', {
        token: root,
        body: {
          plugin_name: 'mysql-database-plugin',
          connection_url: admin.connectionUrl,
          username: admin.user,
          password: admin.password,
          allowed_roles: 'app,long',
          // The run's tag in every generated name, so the clean-up finds them all.
          username_template: `v-{{.RoleName}}-${admin.tag}-{{random 8}}`,
        },
      }),
      'database config',
    );
    await ok(
      api(addr, 'POST', 'database/roles/app', {
        token: root,
        body: { db_name: 'mariadb', creation_statements: "CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT USAGE ON *.* TO '{{name}}'@'%';", default_ttl: '4s', max_ttl: '30s' },
      }),
      'database role',
    );
    await ok(api(addr, 'PUT', 'sys/policies/acl/db-app', { token: root, body: { policy: 'path "database/creds/app" { capabilities = ["read"] }' } }), 'policy');
    await ok(api(addr, 'POST', 'auth/approle/role/my-role', { token: root, body: { token_policies: 'myapp-policy,db-app' } }), 'approle role');
    await ok(api(addr, 'POST', 'database/roles/long', { token: root, body: { db_name: 'mariadb', creation_statements: "CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}';", default_ttl: '4s', max_ttl: '10m' } }), 'long role');
    await ok(api(addr, 'PUT', 'sys/policies/acl/db-long', { token: root, body: { policy: 'path "database/creds/long" { capabilities = ["read"] }' } }), 'policy');
    await ok(api(addr, 'POST', 'auth/approle/role/short-token', { token: root, body: { token_policies: 'db-long', token_ttl: '6s', token_max_ttl: '12s' } }), 'approle role with a short max TTL');
  });
  after(async () => {
    if (lab) {
      // Revoking the leases drops their users through the engine; the clean-up catches the rest.
      for (const role of ['app', 'long']) await api(lab.addr, 'PUT', `sys/leases/revoke-prefix/database/creds/${role}`, { token: lab.root }).catch(() => undefined);
      await lab.stop();
    }
    await admin?.cleanup();
  });

  it('renews the lease over several TTLs with the same user (who can log in), then renders new credentials as the max TTL nears', async () => {
    const file = join(lab.dir, 'db-creds');
    const cfg = writeConfig(
      lab.dir,
      'db.hcl',
      `${approleAutoAuth(lab, join(lab.dir, 'sink'))}
template {
  destination = "${file}"
  contents    = "{{ with secret \\"database/creds/app\\" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`, '-log-level=debug'], agentEnv(lab.addr));
    try {
      await agent.waitFor(() => creds(readIfExists(file)) !== undefined, 'the first render', 60_000);
      const first = creds(readIfExists(file))!;
      assert.ok(first.user.includes(admin.tag), first.user);
      assert.equal(await mariadbCurrentUser(first.user, first.password), `${first.user}@%`);
      const renderedAt = Date.now();

      // Three TTLs of 4 s and more: renewed, not replaced.
      await agent.waitFor(() => (agent.output().match(/renewed a lease; keeping the same credentials/g) ?? []).length >= 3, 'three renewals', 60_000);
      while (Date.now() - renderedAt < 13_000) await sleep(250);
      assert.deepEqual(creds(readIfExists(file)), first, 'the same credentials after three TTLs');
      assert.equal(await mariadbCurrentUser(first.user, first.password), `${first.user}@%`, 'and the user can still log in');

      // The 30 s max TTL nears: new credentials, rendered to the file, that log in too.
      await agent.waitFor(() => creds(readIfExists(file))?.user !== first.user, 'new credentials before the max TTL', 120_000);
      const second = creds(readIfExists(file))!;
      assert.ok(Date.now() - renderedAt >= 20_000, 'new credentials only near the max TTL, not at a TTL');
      assert.match(agent.output(), /lease near its max TTL/);
      assert.equal(await mariadbCurrentUser(second.user, second.password), `${second.user}@%`);
      // The old lease ends at its max TTL and the server drops its user.
      const until = Date.now() + 120_000;
      while ((await mariadbUserExists(first.user)) && Date.now() < until) await sleep(250);
      assert.equal(await mariadbUserExists(first.user), false, 'the old user is dropped when its lease ends');
      assert.equal(await mariadbCurrentUser(second.user, second.password), `${second.user}@%`, 'the new user still logs in');
      assert.ok(!agent.output().includes(first.password) && !agent.output().includes(second.password), 'no password in the log');
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });

  it("warns when its token's max TTL ends before the lease, logs in again and renders new credentials; the server drops the old user with the old token", async () => {
    const { addr, root, dir } = lab;
    const roleId = (await api(addr, 'GET', 'auth/approle/role/short-token/role-id', { token: root })).body.data.role_id as string;
    const secretId = (await api(addr, 'POST', 'auth/approle/role/short-token/secret-id', { token: root })).body.data.secret_id as string;
    writeFileSync(join(dir, 'short-role-id'), roleId);
    writeFileSync(join(dir, 'short-secret-id'), secretId);
    const file = join(dir, 'long-creds');
    const cfg = writeConfig(
      dir,
      'short-token.hcl',
      `auto_auth {
  method "approle" {
    config = {
      role_id_file_path = "${dir}/short-role-id"
      secret_id_file_path = "${dir}/short-secret-id"
      remove_secret_id_file_after_reading = false
    }
  }
}
template {
  destination = "${file}"
  contents    = "{{ with secret \\"database/creds/long\\" }}{{ .Data.username }}:{{ .Data.password }}{{ end }}"
}
`,
    );
    const agent = startAgent([`-config=${cfg}`], agentEnv(addr));
    try {
      await agent.waitFor(() => creds(readIfExists(file)) !== undefined, 'the first render', 60_000);
      const first = creds(readIfExists(file))!;
      assert.equal(await mariadbCurrentUser(first.user, first.password), `${first.user}@%`);
      // The token (6 s, at most 12 s) ends long before the lease (10 minutes): a warning first...
      await agent.waitFor(() => agent.output().includes("the agent's token ends before a lease it read"), 'the warning about the token', 60_000);
      // ...then a new login and new credentials, rendered.
      await agent.waitFor(() => creds(readIfExists(file))?.user !== first.user, 'new credentials after the new login', 60_000);
      const second = creds(readIfExists(file))!;
      assert.equal(await mariadbCurrentUser(second.user, second.password), `${second.user}@%`);
      // The old token expires and the server revokes its lease: the old user is dropped.
      const until = Date.now() + 120_000;
      while ((await mariadbUserExists(first.user)) && Date.now() < until) await sleep(250);
      assert.equal(await mariadbUserExists(first.user), false, "the old user is dropped with the old token");
      assert.ok(!agent.output().includes(first.password) && !agent.output().includes(second.password), 'no password in the log');
    } finally {
      assert.equal(await agent.stop(), 0, agent.output());
    }
  });
});
