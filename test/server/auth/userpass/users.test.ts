// userpass users against Vault's API docs and path_users.go: LIST, create vs update, read shape,
// lower-cased names, validation (400 naming the field), legacy fields, password and policies
// endpoints, deletion, and storage that holds only a scrypt hash.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { login, userpass } from './helpers.js';

describe('userpass: users', () => {
  it('lists (404 when empty), creates, reads the documented fields, updates and deletes', async () => {
    const h = await userpass();
    assert.equal((await h.request('list', 'users/')).status, 404);
    const c = await h.request('update', 'users/mitchellh', { password: 'superSecretPassword', token_policies: ['admin', 'default'], token_bound_cidrs: ['127.0.0.1', '128.252.0.0/16'] });
    assert.equal(c.status, 204, c.error);
    assert.equal(c.operation, 'create');
    assert.deepEqual((await h.request('list', 'users')).response?.data, { keys: ['mitchellh'] });
    assert.deepEqual((await h.request('read', 'users/mitchellh')).response?.data, {
      token_bound_cidrs: ['127.0.0.1', '128.252.0.0/16'],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: ['admin', 'default'],
      token_ttl: 0,
      token_type: 'default',
    });
    const u = await h.request('update', 'users/mitchellh', { token_ttl: '1h' });
    assert.equal(u.operation, 'update');
    assert.equal(u.status, 204, u.error);
    assert.equal((await h.request('read', 'users/mitchellh')).response?.data?.token_ttl, 3600);
    assert.equal((await login(h, 'mitchellh', 'superSecretPassword')).status, 200, 'an update without password keeps it');
    assert.equal((await h.request('delete', 'users/mitchellh')).status, 204);
    assert.equal((await h.request('read', 'users/mitchellh')).status, 404);
  });

  it('lower-cases usernames', async () => {
    const h = await userpass();
    await h.request('update', 'users/Alice', { password: 'pw' });
    assert.deepEqual((await h.request('list', 'users/')).response?.data, { keys: ['alice'] });
    assert.equal((await h.request('read', 'users/ALICE')).status, 200);
    assert.equal((await h.request('update', 'users/aLiCe', { token_ttl: 1 })).operation, 'update');
  });

  it('rejects bad input with a 400 naming the field', async () => {
    const h = await userpass();
    assert.match((await h.request('update', 'users/bob', {})).error!, /missing password/);
    assert.match((await h.request('update', 'users/bob', { password: '' })).error!, /missing password/);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ password: ['x'] }, /"password"/],
      [{ password: 'pw', token_ttl: 'soon' }, /"token_ttl"/],
      [{ password: 'pw', token_bound_cidrs: 'nope' }, /"token_bound_cidrs"/],
      [{ password: 'pw', token_num_uses: -2 }, /"token_num_uses"/],
      [{ password: 'pw', token_ttl: 10, token_max_ttl: 5 }, /"token_ttl" cannot be greater than "token_max_ttl"/],
      [{ password: 'pw', ttl: 5, token_ttl: 5 }, /"token_ttl" and "ttl"/],
      [{ password: 'pw', bound_cidrs: 'bad' }, /"token_bound_cidrs"|"bound_cidrs"/],
      [{ password: 'pw', token_type: 'batch' }, /"token_type"/],
      [{ password_hash: '$2a$10$abcdefghijklmnopqrstuv' }, /"password_hash".*not supported/],
    ];
    for (const [data, msg] of cases) {
      const r = await h.request('update', 'users/bob', data);
      assert.equal(r.status, 400, JSON.stringify(data));
      assert.match(r.error!, msg);
    }
    assert.equal((await h.request('list', 'users/')).status, 404, 'nothing was stored');
    assert.equal((await h.request('update', 'users/-bob', { password: 'pw' })).status, 404, 'names follow the path pattern');
  });

  it('accepts the legacy ttl, max_ttl and bound_cidrs fields', async () => {
    const h = await userpass();
    await h.request('update', 'users/old', { password: 'pw', ttl: '10m', max_ttl: '1h', bound_cidrs: '127.0.0.1/32' });
    const d = (await h.request('read', 'users/old')).response?.data;
    assert.deepEqual([d?.token_ttl, d?.token_max_ttl, d?.token_bound_cidrs], [600, 3600, ['127.0.0.1/32']]);
  });

  it('reads the legacy keys back while they are set, as path_users.go does', async () => {
    const h = await userpass();
    await h.request('update', 'users/old', { password: 'pw', ttl: '10m', max_ttl: '1h', bound_cidrs: '127.0.0.1/32', policies: 'a' });
    let d = (await h.request('read', 'users/old')).response!.data!;
    assert.deepEqual([d.ttl, d.max_ttl, d.bound_cidrs, d.policies], [600, 3600, ['127.0.0.1/32'], ['a']]);
    await h.request('update', 'users/old', { token_max_ttl: '2h' });
    d = (await h.request('read', 'users/old')).response!.data!;
    assert.equal(d.token_max_ttl, 7200);
    assert.ok(!('max_ttl' in d), 'writing token_max_ttl clears the legacy max_ttl');
    assert.equal(d.ttl, 600);
    await h.request('update', 'users/old/policies', { token_policies: 'b' });
    assert.ok(!('policies' in (await h.request('read', 'users/old')).response!.data!));
    await h.request('update', 'users/old/policies', { policies: 'c' });
    assert.deepEqual((await h.request('read', 'users/old')).response!.data!.policies, ['c']);
  });

  it('stores only a scrypt hash of the password', async () => {
    const h = await userpass();
    await h.request('update', 'users/carol', { password: 'hunter2-very-secret' });
    const stored = h.storage.entries.get('user/carol')!.toString('utf8');
    assert.ok(!stored.includes('hunter2-very-secret'));
    assert.match(JSON.parse(stored).passwordHash, /^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.equal((await h.request('read', 'users/carol')).response?.data?.password, undefined);
  });
});

describe('userpass: password and policies endpoints', () => {
  it('changes the password: the old one stops working, the new one works', async () => {
    const h = await userpass();
    await h.request('update', 'users/dave', { password: 'old-pw' });
    assert.equal((await h.request('update', 'users/dave/password', { password: 'new-pw' })).status, 204);
    assert.equal((await login(h, 'dave', 'old-pw')).status, 400);
    assert.equal((await login(h, 'dave', 'new-pw')).status, 200);
    assert.match((await h.request('update', 'users/dave/password', {})).error!, /missing password/);
    const missing = await h.request('update', 'users/nobody/password', { password: 'x' });
    assert.equal(missing.status, 400);
    assert.match(missing.error!, /username does not exist/);
  });

  it('replaces policies with token_policies or legacy policies', async () => {
    const h = await userpass();
    await h.request('update', 'users/erin', { password: 'pw', token_policies: 'a' });
    assert.equal((await h.request('update', 'users/erin/policies', { token_policies: ['p1', 'P2'] })).status, 204);
    assert.deepEqual((await h.request('read', 'users/erin')).response?.data?.token_policies, ['p1', 'p2']);
    await h.request('update', 'users/erin/policies', { policies: 'x' });
    assert.deepEqual((await h.request('read', 'users/erin')).response?.data?.token_policies, ['x']);
    assert.equal((await h.request('update', 'users/erin/policies', { policies: 'x', token_policies: 'y' })).status, 400);
    assert.match((await h.request('update', 'users/nobody/policies', { token_policies: 'x' })).error!, /username does not exist/);
  });
});
