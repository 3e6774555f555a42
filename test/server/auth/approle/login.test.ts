// AppRole login against Vault's path_login.go: the auth it returns, Vault's errors, num_uses
// consumption (also under concurrency), ttl expiry with a moved clock, CIDR refusal (secret ID and
// role), token_bound_cidrs from the secret ID, display names, and renewAuth.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approle, login, role, secretId } from './helpers.js';

describe('approle: login', () => {
  it('returns an auth with the role token settings and metadata {role_name, ...secret ID metadata}', async () => {
    const h = await approle();
    const id = await role(h, 'app', { token_policies: 'dev,ops', token_ttl: '20m', token_max_ttl: '30m', token_num_uses: 7, token_bound_cidrs: '127.0.0.0/8' });
    const s = await secretId(h, 'app', { metadata: '{"tag1":"production"}' });
    const l = await login(h, id, s.secret_id);
    assert.equal(l.status, 200, l.error);
    assert.deepEqual(l.auth, {
      policies: ['dev', 'ops'],
      metadata: { tag1: 'production', role_name: 'app' },
      displayName: '',
      ttl: 1200,
      maxTtl: 1800,
      period: 0,
      explicitMaxTtl: 0,
      numUses: 7,
      renewable: true,
      noDefaultPolicy: false,
      boundCidrs: ['127.0.0.0/8'],
      alias: { name: id, metadata: { tag1: 'production', role_name: 'app' } },
      internalData: { role_name: 'app' },
    });
  });

  it('answers Vault\'s errors: missing role_id, missing secret_id, and one message for a bad role or secret ID', async () => {
    const h = await approle();
    const id = await role(h, 'app');
    await secretId(h, 'app');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^missing role_id$/],
      [{ role_id: '  ' }, /^missing role_id$/],
      [{ role_id: id }, /^missing secret_id$/],
      [{ role_id: 'unknown', secret_id: 'x' }, /^invalid role or secret ID$/],
      [{ role_id: id, secret_id: 'wrong' }, /^invalid role or secret ID$/],
      [{ role_id: 7, secret_id: {} }, /"secret_id"/],
    ];
    for (const [data, msg] of cases) {
      const r = await h.request('update', 'login', data);
      assert.equal(r.status, 400, JSON.stringify(data));
      assert.match(r.error!, msg);
    }
  });

  it('logs in with the role ID alone when bind_secret_id is off (CIDR-bound role)', async () => {
    const h = await approle();
    const id = await role(h, 'open', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' });
    const l = await login(h, id);
    assert.equal(l.status, 200, l.error);
    assert.deepEqual(l.auth?.metadata, { role_name: 'open' });
  });

  it('consumes secret IDs per num_uses and deletes them at the last use', async () => {
    const h = await approle();
    const id = await role(h, 'app');
    const s = await secretId(h, 'app', { num_uses: 2 });
    assert.equal((await login(h, id, s.secret_id)).status, 200);
    const look = await h.request('update', 'role/app/secret-id/lookup', { secret_id: s.secret_id });
    assert.equal(look.response?.data?.secret_id_num_uses, 1);
    assert.equal((await login(h, id, s.secret_id)).status, 200);
    const third = await login(h, id, s.secret_id);
    assert.equal(third.status, 400);
    assert.equal(third.error, 'invalid role or secret ID');
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('secret_id/') || k.startsWith('accessor/')).length, 0);
    const unlimited = await secretId(h, 'app');
    for (let i = 0; i < 5; i++) assert.equal((await login(h, id, unlimited.secret_id)).status, 200);
  });

  it('lets exactly one of two concurrent logins use a single-use secret ID', async () => {
    const h = await approle();
    const id = await role(h, 'app');
    const s = await secretId(h, 'app', { num_uses: 1 });
    const results = await Promise.all([login(h, id, s.secret_id), login(h, id, s.secret_id), login(h, id, s.secret_id)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400, 400]);
  });

  it('expires secret IDs after their ttl (clock moved, no sleeping)', async () => {
    const h = await approle();
    const id = await role(h, 'app', { secret_id_ttl: 60 });
    const s = await secretId(h, 'app');
    h.clock.advance(59_000);
    assert.equal((await login(h, id, s.secret_id)).status, 200);
    h.clock.advance(1_000);
    const late = await login(h, id, s.secret_id);
    assert.equal(late.status, 400);
    assert.equal(late.error, 'invalid role or secret ID');
    assert.equal((await h.request('update', 'role/app/secret-id/lookup', { secret_id: s.secret_id })).status, 204);
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('secret_id/')).length, 0, 'the expired entry was deleted');
  });

  it("refuses clients outside the secret ID's cidr_list without consuming a use", async () => {
    const h = await approle();
    const id = await role(h, 'app');
    const far = await secretId(h, 'app', { cidr_list: '10.0.0.0/8', num_uses: 1 });
    const r = await login(h, id, far.secret_id);
    assert.equal(r.status, 400);
    assert.match(r.error!, /source address "127.0.0.1" unauthorized through CIDR restrictions on the secret ID/);
    assert.equal((await h.request('update', 'role/app/secret-id/lookup', { secret_id: far.secret_id })).response?.data?.secret_id_num_uses, 1);
    const near = await secretId(h, 'app', { cidr_list: ['127.0.0.1/32'] });
    assert.equal((await login(h, id, near.secret_id)).status, 200);
  });

  it("refuses clients outside the role's secret_id_bound_cidrs, also after the role narrows", async () => {
    const h = await approle();
    const id = await role(h, 'app', { secret_id_bound_cidrs: '10.0.0.0/8' });
    const s = await secretId(h, 'app');
    const r = await login(h, id, s.secret_id);
    assert.equal(r.status, 400);
    assert.match(r.error!, /source address "127.0.0.1" unauthorized by CIDR restrictions on the role/);
    await h.request('update', 'role/app', { secret_id_bound_cidrs: '127.0.0.0/8' });
    const issued = await secretId(h, 'app', { cidr_list: '127.0.0.0/16' });
    assert.equal((await login(h, id, issued.secret_id)).status, 200);
    await h.request('update', 'role/app', { secret_id_bound_cidrs: '127.0.0.1/32' });
    const narrowed = await login(h, id, issued.secret_id);
    assert.equal(narrowed.status, 400);
    assert.match(narrowed.error!, /no longer within the role's secret_id_bound_cidrs/);
  });

  it("binds the token to the secret ID's token_bound_cidrs over the role's", async () => {
    const h = await approle();
    const id = await role(h, 'app', { token_bound_cidrs: '127.0.0.0/8' });
    const s = await secretId(h, 'app', { token_bound_cidrs: '127.0.0.1' });
    assert.deepEqual((await login(h, id, s.secret_id)).auth?.boundCidrs, ['127.0.0.1']);
  });

  it('names tokens after the mount path, as Vault', async () => {
    const h = await approle({ mountPoint: 'auth/team/approle/' });
    const id = await role(h, 'app');
    const s = await secretId(h, 'app');
    assert.equal((await login(h, id, s.secret_id)).auth?.displayName, '', 'the core adds the mount prefix');
  });
});

describe('approle: renewAuth', () => {
  it('allows renewal while the role exists and refuses it after deletion', async () => {
    const h = await approle();
    const id = await role(h, 'app');
    const s = await secretId(h, 'app');
    const l = await login(h, id, s.secret_id);
    const renew = h.backend.renewAuth!;
    await renew(l.auth!.internalData!);
    await h.request('delete', 'role/app');
    await assert.rejects(renew(l.auth!.internalData!), (e: Error & { status?: number }) => e.status === 400 && /role "app" does not exist during renewal/.test(e.message));
    await assert.rejects(renew({}), /failed to fetch role_name during renewal/);
  });
});
