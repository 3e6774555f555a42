// AppRole secret IDs against Vault's API docs and path_role.go: generate (defaults from the role,
// narrowing overrides, the mount TTL cap, metadata, CIDR subsets), LIST of accessors, lookup and
// destroy by secret ID and by accessor, custom secret IDs, tidy, and storage that never holds a
// secret ID in clear.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approle, login, role, secretId, UUID } from './helpers.js';

describe('approle: generate secret ID', () => {
  it("answers secret_id, secret_id_accessor, secret_id_ttl and secret_id_num_uses from the role's defaults", async () => {
    const h = await approle();
    await role(h, 'app', { secret_id_ttl: '10m', secret_id_num_uses: 5 });
    const s = await secretId(h, 'app');
    assert.deepEqual(Object.keys(s).sort(), ['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
    assert.match(s.secret_id, UUID);
    assert.match(s.secret_id_accessor, UUID);
    assert.notEqual(s.secret_id, s.secret_id_accessor);
    assert.equal(s.secret_id_ttl, 600);
    assert.equal(s.secret_id_num_uses, 5);
  });

  it('lets the request narrow num_uses and ttl but not widen them', async () => {
    const h = await approle();
    await role(h, 'app', { secret_id_ttl: 600, secret_id_num_uses: 5 });
    const s = await secretId(h, 'app', { ttl: '5m', num_uses: 2 });
    assert.deepEqual([s.secret_id_ttl, s.secret_id_num_uses], [300, 2]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ num_uses: 6 }, /num_uses cannot be higher than the role's secret_id_num_uses/],
      [{ num_uses: 0 }, /num_uses cannot be higher than the role's secret_id_num_uses/],
      [{ num_uses: -1 }, /num_uses cannot be negative/],
      [{ num_uses: 'two' }, /"num_uses"/],
      [{ ttl: 601 }, /ttl cannot be longer than the role's secret_id_ttl/],
      [{ ttl: 0 }, /ttl cannot be longer than the role's secret_id_ttl/],
      [{ ttl: -1 }, /ttl cannot be negative/],
      [{ ttl: 'long' }, /"ttl"/],
      [{ cidr_list: 'bad' }, /"cidr_list".*bad/],
      [{ token_bound_cidrs: '1.2.3.4/99' }, /"token_bound_cidrs"/],
      [{ metadata: '{"a": 1}' }, /failed to parse metadata/],
      [{ metadata: '{not json' }, /failed to parse metadata/],
      [{ metadata: 'novalue' }, /failed to parse metadata/],
    ];
    for (const [data, msg] of cases) {
      const r = await h.request('update', 'role/app/secret-id', data);
      assert.equal(r.status, 400, `${JSON.stringify(data)} -> ${r.status}`);
      assert.match(r.error!, msg);
    }
  });

  it("caps the TTL at the mount's max lease TTL", async () => {
    const h = await approle({ defaultLeaseTtl: 3600 });
    await role(h, 'app');
    assert.equal((await secretId(h, 'app', { ttl: '2h' })).secret_id_ttl, 3600);
    assert.equal((await secretId(h, 'app')).secret_id_ttl, 0, 'no TTL on the role: no expiry');
  });

  it("keeps cidr_list and token_bound_cidrs within the role's blocks", async () => {
    const h = await approle();
    await role(h, 'app', { secret_id_bound_cidrs: '10.0.0.0/8', token_bound_cidrs: ['192.168.0.0/16'] });
    assert.equal((await h.request('update', 'role/app/secret-id', { cidr_list: '10.1.0.0/16,10.2.3.4' })).status, 200);
    const wide = await h.request('update', 'role/app/secret-id', { cidr_list: '10.0.0.0/7' });
    assert.equal(wide.status, 400);
    assert.match(wide.error!, /"cidr_list" .* must be a subset of the role's "secret_id_bound_cidrs"/);
    assert.equal((await h.request('update', 'role/app/secret-id', { cidr_list: '11.0.0.1' })).status, 400);
    assert.equal((await h.request('update', 'role/app/secret-id', { token_bound_cidrs: '192.168.1.0/24' })).status, 200);
    assert.match((await h.request('update', 'role/app/secret-id', { token_bound_cidrs: '127.0.0.1' })).error!, /"token_bound_cidrs" .* subset/);
  });

  it('parses metadata as a JSON string, an object or k=v pairs', async () => {
    const h = await approle();
    await role(h, 'app');
    for (const metadata of ['{ "tag1": "production" }', { tag1: 'production' }, 'tag1=production']) {
      const s = await secretId(h, 'app', { metadata });
      const l = await h.request('update', 'role/app/secret-id/lookup', { secret_id: s.secret_id });
      assert.deepEqual(l.response?.data?.metadata, { tag1: 'production' });
    }
  });

  it('refuses a role without bind_secret_id and a missing role', async () => {
    const h = await approle();
    await role(h, 'nobind', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.1/32' });
    const r = await h.request('update', 'role/nobind/secret-id', {});
    assert.equal(r.status, 400);
    assert.match(r.error!, /bind_secret_id is not set on the role/);
    const m = await h.request('update', 'role/missing/secret-id', {});
    assert.equal(m.status, 404);
    assert.match(m.error!, /role "missing" does not exist/);
  });
});

describe('approle: list, lookup and destroy', () => {
  it('lists accessors (404 when none; 400 for an unknown role)', async () => {
    const h = await approle();
    await role(h, 'app');
    assert.equal((await h.request('list', 'role/app/secret-id/')).status, 404);
    const a = await secretId(h, 'app');
    const b = await secretId(h, 'app');
    assert.deepEqual((await h.request('list', 'role/app/secret-id/')).response?.data, { keys: [a.secret_id_accessor, b.secret_id_accessor].sort() });
    assert.equal((await h.request('list', 'role/other/secret-id')).status, 400);
  });

  it('looks up by secret ID and by accessor with the documented fields', async () => {
    const h = await approle();
    await role(h, 'app');
    const s = await secretId(h, 'app', { metadata: '{"tag1":"production"}', ttl: 600, num_uses: 50, cidr_list: '127.0.0.0/8' });
    const expected = {
      cidr_list: ['127.0.0.0/8'],
      creation_time: '2024-01-02T03:04:05.678Z',
      expiration_time: '2024-01-02T03:14:05.678Z',
      last_updated_time: '2024-01-02T03:04:05.678Z',
      metadata: { tag1: 'production' },
      secret_id_accessor: s.secret_id_accessor,
      secret_id_num_uses: 50,
      secret_id_ttl: 600,
      token_bound_cidrs: [],
    };
    const byId = await h.request('update', 'role/app/secret-id/lookup', { secret_id: s.secret_id });
    assert.deepEqual(byId.response?.data, expected);
    const byAcc = await h.request('update', 'role/app/secret-id-accessor/lookup', { secret_id_accessor: s.secret_id_accessor });
    assert.deepEqual(byAcc.response?.data, expected);
    const none = await secretId(h, 'app');
    assert.equal((await h.request('update', 'role/app/secret-id/lookup', { secret_id: none.secret_id })).response?.data?.expiration_time, '0001-01-01T00:00:00Z');
  });

  it('answers 204 for an unknown secret ID, 404 for an unknown accessor or role, 400 for a missing field', async () => {
    const h = await approle();
    await role(h, 'app');
    await role(h, 'other');
    const o = await secretId(h, 'other');
    assert.equal((await h.request('update', 'role/app/secret-id/lookup', { secret_id: 'nope' })).status, 204);
    assert.equal((await h.request('update', 'role/app/secret-id/lookup', { secret_id: o.secret_id })).status, 204, "another role's secret ID is not this role's");
    const acc = await h.request('update', 'role/app/secret-id-accessor/lookup', { secret_id_accessor: o.secret_id_accessor });
    assert.equal(acc.status, 404);
    assert.match(acc.error!, /failed to find accessor entry for secret_id_accessor/);
    assert.equal((await h.request('update', 'role/nope/secret-id/lookup', { secret_id: 'x' })).status, 404);
    assert.match((await h.request('update', 'role/app/secret-id/lookup', {})).error!, /missing secret_id/);
    assert.match((await h.request('update', 'role/app/secret-id-accessor/destroy', {})).error!, /missing secret_id_accessor/);
  });

  it('destroys by secret ID and by accessor', async () => {
    const h = await approle();
    const id = await role(h, 'app');
    const a = await secretId(h, 'app');
    const b = await secretId(h, 'app');
    assert.equal((await h.request('update', 'role/app/secret-id/destroy', { secret_id: a.secret_id })).status, 204);
    assert.equal((await login(h, id, a.secret_id)).status, 400);
    assert.equal((await h.request('delete', 'role/app/secret-id-accessor/destroy', { secret_id_accessor: b.secret_id_accessor })).status, 204);
    assert.equal((await login(h, id, b.secret_id)).status, 400);
    assert.equal((await h.request('list', 'role/app/secret-id')).status, 404);
    assert.equal((await h.request('update', 'role/app/secret-id/destroy', { secret_id: a.secret_id })).status, 204, 'destroying twice is fine');
    assert.equal((await h.request('update', 'role/app/secret-id-accessor/destroy', { secret_id_accessor: b.secret_id_accessor })).status, 404);
  });
});

describe('approle: custom secret IDs', () => {
  it('registers a chosen secret ID once and logs in with it', async () => {
    const h = await approle();
    const id = await role(h, 'app', { secret_id_num_uses: 50, secret_id_ttl: 600 });
    const r = await h.request('update', 'role/app/custom-secret-id', { secret_id: 'testsecretid', ttl: 600, num_uses: 50 });
    assert.equal(r.status, 200, r.error);
    assert.equal(r.response?.data?.secret_id, 'testsecretid');
    assert.deepEqual([r.response?.data?.secret_id_ttl, r.response?.data?.secret_id_num_uses], [600, 50]);
    const dup = await h.request('update', 'role/app/custom-secret-id', { secret_id: 'testsecretid' });
    assert.equal(dup.status, 400);
    assert.match(dup.error!, /SecretID is already registered/);
    assert.match((await h.request('update', 'role/app/custom-secret-id', {})).error!, /missing secret_id/);
    assert.equal((await login(h, id, 'testsecretid')).status, 200);
  });
});

describe('approle: storage', () => {
  it('never stores a secret ID in clear, nor names a role ID or accessor in a key', async () => {
    const h = await approle();
    const id = await role(h, 'app', { role_id: 'visible-role-id' });
    const secrets = [(await secretId(h, 'app')).secret_id, (await secretId(h, 'app', { num_uses: 3 })).secret_id];
    const custom = 'my-custom-secret-value';
    await h.request('update', 'role/app/custom-secret-id', { secret_id: custom });
    await login(h, id, secrets[1]);
    const accessors = (await h.request('list', 'role/app/secret-id')).response?.data?.keys as string[];
    for (const [key, value] of h.storage.entries) {
      const text = value.toString('utf8');
      for (const s of [...secrets, custom]) {
        assert.ok(!key.includes(s) && !text.includes(s), `secret ID found in ${key}`);
      }
      assert.ok(!key.includes('visible-role-id'), `role ID in key ${key}`);
      for (const a of accessors) assert.ok(!key.includes(a), `accessor in key ${key}`);
    }
    const keys = [...h.storage.entries.keys()];
    assert.ok(keys.some((k) => /^secret_id\/[0-9a-f]{64}\/[0-9a-f]{64}$/.test(k)));
    assert.ok(keys.some((k) => /^accessor\/[0-9a-f]{64}$/.test(k)));
    assert.ok(keys.some((k) => /^role_id\/[0-9a-f]{64}$/.test(k)));
  });

  it('uses a per-mount salt: the same secret ID hashes differently on two mounts', async () => {
    const a = await approle();
    const b = await approle();
    for (const h of [a, b]) {
      await role(h, 'app');
      await h.request('update', 'role/app/custom-secret-id', { secret_id: 'same' });
    }
    const keyOf = (h: typeof a): string => [...h.storage.entries.keys()].find((k) => k.startsWith('secret_id/'))!;
    assert.notEqual(keyOf(a), keyOf(b));
  });

  it('tidy removes expired secret IDs and their accessors', async () => {
    const h = await approle();
    await role(h, 'app');
    await secretId(h, 'app', { ttl: 60 });
    const keep = await secretId(h, 'app');
    h.clock.advance(61_000);
    const t = await h.request('update', 'tidy/secret-id', {});
    assert.equal(t.status, 200);
    assert.deepEqual(t.response?.data, { secret_ids_removed: 1, accessors_removed: 0 });
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('secret_id/')).length, 1);
    assert.equal([...h.storage.entries.keys()].filter((k) => k.startsWith('accessor/')).length, 1);
    assert.deepEqual((await h.request('list', 'role/app/secret-id')).response?.data, { keys: [keep.secret_id_accessor] });
  });
});
