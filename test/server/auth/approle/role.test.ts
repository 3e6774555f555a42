// AppRole roles against Vault's API docs and path_role.go: LIST, create vs update, read shape and
// defaults, lower-cased names, every field's validation (400 naming the field), the constraint rule,
// local_secret_ids, legacy fields, role-id read/write, per-field endpoints and deletion.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approle, login, role, secretId, UUID } from './helpers.js';

const DEFAULTS = {
  bind_secret_id: true,
  secret_id_bound_cidrs: [],
  secret_id_num_uses: 0,
  secret_id_ttl: 0,
  local_secret_ids: false,
  token_ttl: 0,
  token_max_ttl: 0,
  token_policies: [],
  token_bound_cidrs: [],
  token_explicit_max_ttl: 0,
  token_no_default_policy: false,
  token_num_uses: 0,
  token_period: 0,
  token_type: 'default',
};

describe('approle: role CRUD', () => {
  it('lists (404 when empty), creates with defaults, reads, updates and deletes', async () => {
    const h = await approle();
    assert.equal((await h.request('list', 'role/')).status, 404);
    const c = await h.request('update', 'role/app1', {});
    assert.equal(c.status, 204, c.error);
    assert.equal(c.operation, 'create');
    assert.deepEqual((await h.request('list', 'role/')).response?.data, { keys: ['app1'] });
    assert.deepEqual((await h.request('read', 'role/app1')).response?.data, DEFAULTS);

    const u = await h.request('update', 'role/app1', { token_ttl: '20m', token_max_ttl: 1800, secret_id_ttl: '10m', secret_id_num_uses: 40, token_policies: 'a, B' });
    assert.equal(u.operation, 'update');
    assert.equal(u.status, 204, u.error);
    const r = (await h.request('read', 'role/app1')).response?.data;
    assert.deepEqual({ ...r }, { ...DEFAULTS, token_ttl: 1200, token_max_ttl: 1800, secret_id_ttl: 600, secret_id_num_uses: 40, token_policies: ['a', 'b'] }, 'written with token_policies: no legacy policies key');

    await h.request('update', 'role/app1', { secret_id_num_uses: 3 });
    assert.equal((await h.request('read', 'role/app1')).response?.data?.token_ttl, 1200, 'unsent fields are kept');

    assert.equal((await h.request('delete', 'role/app1')).status, 204);
    assert.equal((await h.request('read', 'role/app1')).status, 404);
    assert.equal((await h.request('delete', 'role/app1')).status, 204, 'deleting twice is fine');
  });

  it('lower-cases role names as Vault does for new roles', async () => {
    const h = await approle();
    await role(h, 'MyApp');
    assert.deepEqual((await h.request('list', 'role')).response?.data, { keys: ['myapp'] });
    assert.equal((await h.request('read', 'role/MYAPP')).status, 200);
    assert.equal((await h.request('update', 'role/myApp', { token_ttl: 5 })).operation, 'update');
  });

  it('rejects names the path pattern does not accept', async () => {
    const h = await approle();
    assert.equal((await h.request('update', 'role/-bad', {})).status, 404);
    assert.equal((await h.request('update', 'role/bad.', {})).status, 404);
  });

  it('rejects bad input with a 400 naming the field', async () => {
    const h = await approle();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ bind_secret_id: 'maybe' }, /"bind_secret_id"/],
      [{ secret_id_num_uses: 'many' }, /"secret_id_num_uses"/],
      [{ secret_id_num_uses: -1 }, /secret_id_num_uses cannot be negative/],
      [{ secret_id_ttl: 'forever' }, /"secret_id_ttl"/],
      [{ secret_id_ttl: -5 }, /secret_id_ttl cannot be negative/],
      [{ secret_id_bound_cidrs: 'not-a-cidr' }, /"secret_id_bound_cidrs".*not-a-cidr/],
      [{ secret_id_bound_cidrs: ['10.0.0.0/33'] }, /"secret_id_bound_cidrs"/],
      [{ bound_cidr_list: 'nope' }, /"bound_cidr_list"/],
      [{ token_bound_cidrs: 'x.y' }, /"token_bound_cidrs"/],
      [{ token_ttl: 'soon' }, /"token_ttl"/],
      [{ token_max_ttl: [] }, /"token_max_ttl"/],
      [{ token_num_uses: -1 }, /"token_num_uses"/],
      [{ token_ttl: 100, token_max_ttl: 50 }, /"token_ttl" cannot be greater than "token_max_ttl"/],
      [{ token_type: 'batch' }, /"token_type"/],
      [{ token_policies: 'a', policies: 'b' }, /"token_policies" and "policies"/],
      [{ token_period: 5, period: 5 }, /"token_period" and "period"/],
      [{ token_no_default_policy: 'perhaps' }, /"token_no_default_policy"/],
      [{ role_id: '' }, /"role_id"/],
    ];
    for (const [data, msg] of cases) {
      const r = await h.request('update', 'role/r', data);
      assert.equal(r.status, 400, `${JSON.stringify(data)} -> ${r.status} ${r.error}`);
      assert.match(r.error!, msg);
    }
    assert.equal((await h.request('list', 'role/')).status, 404, 'nothing was stored');
  });

  it('requires at least one constraint', async () => {
    const h = await approle();
    const r = await h.request('update', 'role/open', { bind_secret_id: false });
    assert.equal(r.status, 400);
    assert.match(r.error!, /at least one constraint should be enabled on the role/);
    assert.equal((await h.request('update', 'role/open', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.0/8' })).status, 204);
    assert.equal((await h.request('update', 'role/open2', { bind_secret_id: false, token_bound_cidrs: ['127.0.0.1'] })).status, 204);
    const clear = await h.request('update', 'role/open', { secret_id_bound_cidrs: [] });
    assert.equal(clear.status, 400, 'an update cannot remove the last constraint');
  });

  it('sets local_secret_ids only at creation', async () => {
    const h = await approle();
    await role(h, 'loc', { local_secret_ids: true });
    assert.equal((await h.request('read', 'role/loc')).response?.data?.local_secret_ids, true);
    assert.deepEqual((await h.request('read', 'role/loc/local-secret-ids')).response?.data, { local_secret_ids: true });
    const r = await h.request('update', 'role/loc', { local_secret_ids: false });
    assert.equal(r.status, 400);
    assert.match(r.error!, /local_secret_ids can only be modified during role creation/);
  });

  it("checks token_period against the mount's max TTL and warns about a larger token_max_ttl", async () => {
    const h = await approle({ defaultLeaseTtl: 3600 });
    const p = await h.request('update', 'role/p', { token_period: '2h' });
    assert.equal(p.status, 400);
    assert.match(p.error!, /"token_period" of "2h0m0s" is greater than the backend's maximum lease TTL of "1h0m0s"/);
    const w = await h.request('update', 'role/p', { token_max_ttl: '2h' });
    assert.equal(w.status, 200);
    assert.match(w.response!.warnings![0]!, /token_max_ttl is greater than the backend mount's maximum TTL/);
  });

  it('accepts the legacy period, policies and bound_cidr_list fields', async () => {
    const h = await approle();
    await role(h, 'legacy', { period: '30s', policies: 'p1,p2', bound_cidr_list: '10.0.0.0/8' });
    const d = (await h.request('read', 'role/legacy')).response?.data;
    assert.equal(d?.token_period, 30);
    assert.deepEqual(d?.token_policies, ['p1', 'p2']);
    assert.deepEqual(d?.secret_id_bound_cidrs, ['10.0.0.0/8']);
  });

  it('reads the legacy period and policies back while they are set, as path_role.go does', async () => {
    const h = await approle();
    await role(h, 'legacy', { period: '30s', policies: 'p1,p2' });
    let d = (await h.request('read', 'role/legacy')).response!.data!;
    assert.deepEqual([d.period, d.policies, d.token_period, d.token_policies], [30, ['p1', 'p2'], 30, ['p1', 'p2']]);
    await h.request('update', 'role/legacy', { token_period: '1m' });
    d = (await h.request('read', 'role/legacy')).response!.data!;
    assert.equal(d.token_period, 60);
    assert.ok(!('period' in d), 'writing token_period clears the legacy period');
    assert.deepEqual(d.policies, ['p1', 'p2']);
  });

  it('warns about unknown fields', async () => {
    const h = await approle();
    const r = await h.request('update', 'role/w', { colour: 'blue' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.response?.warnings, ['Endpoint ignored these unrecognized parameters: [colour]']);
  });
});

describe('approle: role-id', () => {
  it('generates a UUID, reads it, and regenerates a custom one that replaces the old at login', async () => {
    const h = await approle();
    const id = await role(h, 'r');
    assert.match(id, UUID);
    const s = await secretId(h, 'r');
    assert.equal((await login(h, id, s.secret_id)).status, 200);

    assert.equal((await h.request('update', 'role/r/role-id', { role_id: 'custom-role-id' })).status, 204);
    assert.deepEqual((await h.request('read', 'role/r/role-id')).response?.data, { role_id: 'custom-role-id' });
    assert.equal((await login(h, id, s.secret_id)).status, 400, 'the old role ID no longer works');
    assert.equal((await login(h, 'custom-role-id', s.secret_id)).status, 200);
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('role_id/')).length, 1, 'the old index is gone');
  });

  it('accepts role_id at creation, refuses one already in use and an empty one', async () => {
    const h = await approle();
    await role(h, 'a', { role_id: 'shared' });
    const b = await h.request('update', 'role/b', { role_id: 'shared' });
    assert.equal(b.status, 400);
    assert.match(b.error!, /role_id already in use/);
    await role(h, 'c');
    assert.match((await h.request('update', 'role/c/role-id', { role_id: 'shared' })).error!, /role_id already in use/);
    const e = await h.request('update', 'role/c/role-id', {});
    assert.equal(e.status, 400);
    assert.match(e.error!, /missing role_id/);
    assert.equal((await h.request('update', 'role/nope/role-id', { role_id: 'x' })).status, 404);
    assert.equal((await h.request('read', 'role/nope/role-id')).status, 404);
  });
});

describe('approle: per-field endpoints', () => {
  it('read, update and delete one property', async () => {
    const h = await approle();
    await role(h, 'f', { secret_id_ttl: 60, token_policies: 'a' });
    assert.deepEqual((await h.request('read', 'role/f/secret-id-ttl')).response?.data, { secret_id_ttl: 60 });
    assert.equal((await h.request('update', 'role/f/secret-id-ttl', { secret_id_ttl: '2m' })).status, 204);
    assert.equal((await h.request('read', 'role/f')).response?.data?.secret_id_ttl, 120);
    assert.equal((await h.request('delete', 'role/f/secret-id-ttl')).status, 204);
    assert.deepEqual((await h.request('read', 'role/f/secret-id-ttl')).response?.data, { secret_id_ttl: 0 });

    assert.deepEqual((await h.request('read', 'role/f/policies')).response?.data, { token_policies: ['a'] });
    await h.request('update', 'role/f/policies', { policies: 'x,y' });
    assert.deepEqual((await h.request('read', 'role/f/policies')).response?.data, { token_policies: ['x', 'y'], policies: ['x', 'y'] }, 'written as policies: read back under both names');

    await h.request('update', 'role/f/period', { period: 45 });
    assert.deepEqual((await h.request('read', 'role/f/period')).response?.data, { token_period: 45, period: 45 });
    await h.request('update', 'role/f/token-bound-cidrs', { token_bound_cidrs: '127.0.0.1/32' });
    assert.deepEqual((await h.request('read', 'role/f/token-bound-cidrs')).response?.data, { token_bound_cidrs: ['127.0.0.1/32'] });
    for (const seg of ['secret-id-num-uses', 'token-ttl', 'token-max-ttl', 'token-num-uses', 'bind-secret-id', 'secret-id-bound-cidrs']) {
      assert.equal((await h.request('read', `role/f/${seg}`)).status, 200, seg);
    }
  });

  it('validates like the role endpoint, ignores other fields and 404s for a missing role', async () => {
    const h = await approle();
    await role(h, 'f');
    const m = await h.request('update', 'role/f/token-ttl', {});
    assert.equal(m.status, 400);
    assert.match(m.error!, /missing token_ttl/);
    assert.match((await h.request('update', 'role/f/token-num-uses', { token_num_uses: 'x' })).error!, /"token_num_uses"/);
    assert.match((await h.request('update', 'role/f/secret-id-bound-cidrs', { secret_id_bound_cidrs: 'bad' })).error!, /"secret_id_bound_cidrs"/);
    const other = await h.request('update', 'role/f/token-ttl', { token_ttl: 10, bind_secret_id: false });
    assert.equal(other.status, 200);
    assert.equal((await h.request('read', 'role/f')).response?.data?.bind_secret_id, true, 'bind_secret_id was not touched');
    assert.equal((await h.request('update', 'role/none/token-ttl', { token_ttl: 1 })).status, 404);
    assert.equal((await h.request('read', 'role/none/token-ttl')).status, 404);
    // Removing the only constraint is refused.
    await h.request('update', 'role/c', { bind_secret_id: false, secret_id_bound_cidrs: '10.0.0.0/8' });
    assert.equal((await h.request('delete', 'role/c/secret-id-bound-cidrs')).status, 400);
    assert.equal((await h.request('update', 'role/c/local-secret-ids', { local_secret_ids: true })).status, 405);
  });
});

describe('approle: role deletion', () => {
  it('destroys the secret IDs and the role ID index', async () => {
    const h = await approle();
    const id = await role(h, 'gone');
    const s = await secretId(h, 'gone');
    await h.request('delete', 'role/gone');
    assert.deepEqual(
      [...h.storage.entries.keys()].filter((k) => k !== 'salt'),
      [],
      'no role, role_id, secret_id or accessor entry is left',
    );
    await role(h, 'gone', { role_id: id });
    const l = await login(h, id, s.secret_id);
    assert.equal(l.status, 400, 'a re-created role does not revive old secret IDs');
  });
});
