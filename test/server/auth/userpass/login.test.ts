// userpass login against Vault's path_login.go: the auth it returns (metadata {username}, display
// name "userpass-<name>"), case-insensitive names, one 400 "invalid username or password" for an
// unknown user and a wrong password (with similar timing), token_bound_cidrs at login, and renewAuth.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { login, userpass } from './helpers.js';

describe('userpass: login', () => {
  it('returns an auth with the user token settings, metadata {username} and a Vault-style display name', async () => {
    const h = await userpass();
    await h.request('update', 'users/Mitchellh', { password: 'pw', token_policies: 'policy1,policy2', token_ttl: '1h', token_max_ttl: '2h', token_num_uses: 3 });
    const r = await login(h, 'MITCHELLH', 'pw');
    assert.equal(r.status, 200, r.error);
    assert.deepEqual(r.response?.auth, {
      policies: ['policy1', 'policy2'],
      metadata: { username: 'mitchellh' },
      displayName: 'mitchellh',
      ttl: 3600,
      maxTtl: 7200,
      period: 0,
      explicitMaxTtl: 0,
      numUses: 3,
      renewable: true,
      noDefaultPolicy: false,
      boundCidrs: [],
      alias: { name: 'mitchellh' },
      internalData: { username: 'mitchellh', policies: ['policy1', 'policy2'] },
    });
  });

  it('uses the mount path in the display name', async () => {
    const h = await userpass('auth/people/');
    await h.request('update', 'users/zed', { password: 'pw' });
    assert.equal((await login(h, 'zed', 'pw')).response?.auth?.displayName, 'zed', 'the core adds the mount prefix');
  });

  it('gives one 400 for an unknown user and a wrong password, in similar time', async () => {
    const h = await userpass();
    await h.request('update', 'users/frank', { password: 'right' });
    const time = async (name: string): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const r = await login(h, name, 'wrong');
      assert.equal(r.status, 400);
      assert.equal(r.error, 'invalid username or password');
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrong.push(await time('frank'));
      unknown.push(await time('nobody'));
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1]!;
    assert.ok(median(unknown) > median(wrong) / 3, `unknown ${median(unknown)}ms vs wrong ${median(wrong)}ms`);
    assert.ok(median(unknown) > 5, 'an unknown user still costs a hash');
    assert.match((await h.request('update', 'login/frank', {})).error!, /missing password/);
  });

  it('refuses clients outside token_bound_cidrs with 403', async () => {
    const h = await userpass();
    await h.request('update', 'users/far', { password: 'pw', token_bound_cidrs: '10.0.0.0/8' });
    await h.request('update', 'users/near', { password: 'pw', token_bound_cidrs: '127.0.0.1/32' });
    assert.equal((await login(h, 'far', 'pw')).status, 403);
    const near = await login(h, 'near', 'pw');
    assert.equal(near.status, 200);
    assert.deepEqual(near.response?.auth?.boundCidrs, ['127.0.0.1/32']);
  });
});

describe('userpass: renewAuth', () => {
  it('renews while the user exists with the same policies; refuses after a policy change or deletion', async () => {
    const h = await userpass();
    await h.request('update', 'users/gina', { password: 'pw', token_policies: 'a,b' });
    const internal = (await login(h, 'gina', 'pw')).response!.auth!.internalData!;
    const renew = h.backend.renewAuth!;
    await renew(internal);
    await h.request('update', 'users/gina/password', { password: 'other' });
    await renew(internal);
    await h.request('update', 'users/gina/policies', { token_policies: 'b,a,default' });
    await renew(internal);
    await h.request('update', 'users/gina/policies', { token_policies: 'a,b,c' });
    await assert.rejects(renew(internal), /policies have changed, not renewing/);
    await h.request('update', 'users/gina/policies', { token_policies: 'a,b' });
    await renew(internal);
    await h.request('delete', 'users/gina');
    await assert.rejects(renew(internal), (e: Error & { status?: number }) => e.status === 400 && /user "gina" no longer exists/.test(e.message));
  });
});
