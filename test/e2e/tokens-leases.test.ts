// Tokens and leases through the HTTP API: create (policies, ttl, num_uses, meta, periodic, orphan),
// lookups by ID and accessor, renew, revoke (a parent takes its children; revoke-orphan doesn't),
// expiry without a restart, and token leases in sys/leases (lookup, renew, revoke-prefix).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';

let srv: DevServer;
const R = 'tok-root';
const create = async (body: Record<string, unknown>, token = R, path = 'auth/token/create') => {
  const r = await api(srv.addr, 'POST', path, { token, body });
  assert.equal(r.status, 200, r.text);
  return r.body.auth as { client_token: string; accessor: string; policies: string[]; lease_duration: number; renewable: boolean; orphan: boolean; num_uses: number };
};
before(async () => {
  srv = await startDevServer(R);
  await api(srv.addr, 'PUT', 'sys/policy/p1', { token: R, body: { policy: 'path "secret/*" { capabilities = ["read"] }' } });
  await api(srv.addr, 'PUT', 'sys/policy/p2', { token: R, body: { policy: 'path "auth/token/create" { capabilities = ["update"] }' } });
});
after(async () => {
  await srv.stop();
});

test('create and lookup report Vault fields', async () => {
  const a = await create({ policies: 'p1,p2', ttl: '30m', meta: { team: 'blue' }, display_name: 'ci', num_uses: 5 });
  assert.deepEqual(a.policies, ['default', 'p1', 'p2']);
  assert.equal(a.lease_duration, 1800);
  assert.equal(a.renewable, true);
  assert.equal(a.orphan, false);
  assert.equal(a.num_uses, 5);
  const l = await api(srv.addr, 'POST', 'auth/token/lookup', { token: R, body: { token: a.client_token } });
  assert.equal(l.status, 200);
  const d = l.body.data;
  assert.equal(d.id, a.client_token);
  assert.equal(d.accessor, a.accessor);
  assert.equal(d.display_name, 'token-ci');
  assert.deepEqual(d.meta, { team: 'blue' });
  assert.equal(d.path, 'auth/token/create');
  assert.ok(d.ttl > 1790 && d.ttl <= 1800);
  assert.equal(d.creation_ttl, 1800);
  assert.equal(typeof d.expire_time, 'string');
  const byAcc = await api(srv.addr, 'POST', 'auth/token/lookup-accessor', { token: R, body: { accessor: a.accessor } });
  assert.equal(byAcc.body.data.id, '');
  assert.equal(byAcc.body.data.display_name, 'token-ci');
});

test('a child may not get policies its parent lacks, nor root', async () => {
  const parent = await create({ policies: ['p2'] });
  const bad = await api(srv.addr, 'POST', 'auth/token/create', { token: parent.client_token, body: { policies: ['p1'] } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.errors[0], /subset/);
  const root = await api(srv.addr, 'POST', 'auth/token/create', { token: parent.client_token, body: { policies: ['root'] } });
  assert.equal(root.status, 400);
  const ok = await create({ policies: ['p2'] }, parent.client_token);
  assert.deepEqual(ok.policies, ['default', 'p2']);
});

test('num_uses: the token stops working after its last use', async () => {
  const a = await create({ policies: ['p1'], num_uses: 2 });
  await api(srv.addr, 'PUT', 'secret/data/n', { token: R, body: { data: { v: '1' } } });
  assert.equal((await api(srv.addr, 'GET', 'secret/data/n', { token: a.client_token })).status, 200);
  assert.equal((await api(srv.addr, 'GET', 'secret/data/n', { token: a.client_token })).status, 200);
  assert.equal((await api(srv.addr, 'GET', 'secret/data/n', { token: a.client_token })).status, 403);
});

test('revoking a parent revokes its children; revoke-orphan keeps them', async () => {
  const parent = await create({ policies: ['p2'] });
  const child = await create({ policies: ['p2'] }, parent.client_token);
  const grandchild = await create({}, child.client_token);
  assert.equal((await api(srv.addr, 'POST', 'auth/token/revoke', { token: R, body: { token: parent.client_token } })).status, 204);
  for (const t of [parent, child, grandchild]) assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: t.client_token })).status, 403);

  const p2 = await create({ policies: ['p2'] });
  const c2 = await create({ policies: ['p2'] }, p2.client_token);
  assert.equal((await api(srv.addr, 'POST', 'auth/token/revoke-orphan', { token: R, body: { token: p2.client_token } })).status, 204);
  const look = await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: c2.client_token });
  assert.equal(look.status, 200);
  assert.equal(look.body.data.orphan, true);
});

test('revoke-self, revoke-accessor, create-orphan, and accessors listing (sudo)', async () => {
  const a = await create({ policies: ['p1'] });
  assert.equal((await api(srv.addr, 'POST', 'auth/token/revoke-self', { token: a.client_token })).status, 204);
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: a.client_token })).status, 403);
  const b = await create({ policies: ['p1'] });
  assert.equal((await api(srv.addr, 'POST', 'auth/token/revoke-accessor', { token: R, body: { accessor: b.accessor } })).status, 204);
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: b.client_token })).status, 403);
  const o = await create({ policies: ['p1'] }, R, 'auth/token/create-orphan');
  assert.equal(o.orphan, true);
  const list = await api(srv.addr, 'LIST', 'auth/token/accessors', { token: R });
  assert.ok(list.body.data.keys.includes(o.accessor));
  const nonSudo = await create({ policies: ['p2'] });
  assert.equal((await api(srv.addr, 'LIST', 'auth/token/accessors', { token: nonSudo.client_token })).status, 403);
});

test('renew extends within the max; periodic tokens reset to their period; non-renewable refuses', async () => {
  const a = await create({ policies: ['p1'], ttl: '10m', explicit_max_ttl: '15m' });
  const r = await api(srv.addr, 'POST', 'auth/token/renew-self', { token: a.client_token, body: { increment: '1h' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.auth.client_token, a.client_token);
  assert.ok(r.body.auth.lease_duration <= 900 && r.body.auth.lease_duration >= 895, String(r.body.auth.lease_duration));
  const p = await create({ policies: ['p1'], period: '20m' });
  assert.equal(p.lease_duration, 1200);
  const pr = await api(srv.addr, 'POST', 'auth/token/renew', { token: R, body: { token: p.client_token, increment: '5h' } });
  assert.equal(pr.body.auth.lease_duration, 1200);
  const n = await create({ policies: ['p1'], renewable: false, ttl: '5m' });
  const nr = await api(srv.addr, 'POST', 'auth/token/renew-self', { token: n.client_token });
  assert.equal(nr.status, 400);
  assert.match(nr.body.errors[0], /not renewable/);
});

test('an expired token stops working without a restart', async () => {
  const a = await create({ policies: ['p1'], ttl: '2s' });
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: a.client_token })).status, 200);
  await new Promise((r) => setTimeout(r, 2300));
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: a.client_token })).status, 403);
  const l = await api(srv.addr, 'POST', 'auth/token/lookup-accessor', { token: R, body: { accessor: a.accessor } });
  assert.equal(l.status, 400);
});

test('token leases: lookup, renew and revoke-prefix through sys/leases', async () => {
  const a = await create({ policies: ['p1'], ttl: '1h' });
  const self = await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: a.client_token });
  assert.equal(self.status, 200);
  const prefix = await api(srv.addr, 'LIST', 'sys/leases/lookup/auth/token/create/', { token: R });
  assert.equal(prefix.status, 200, prefix.text);
  assert.ok(prefix.body.data.keys.length >= 1);
  // Other tests' tokens are listed too: find this one, the only one created with a 1h TTL.
  let leaseId = '';
  let look = null;
  for (const k of prefix.body.data.keys as string[]) {
    const l = await api(srv.addr, 'PUT', 'sys/leases/lookup', { token: R, body: { lease_id: `auth/token/create/${k}` } });
    assert.equal(l.status, 200, l.text);
    if (l.body.data.ttl > 3500 && l.body.data.ttl <= 3600) [leaseId, look] = [`auth/token/create/${k}`, l];
  }
  assert.ok(look, 'the token lease is listed');
  assert.equal(look.body.data.id, leaseId);
  assert.equal(look.body.data.renewable, true);
  assert.equal(typeof look.body.data.expire_time, 'string');
  const renew = await api(srv.addr, 'PUT', 'sys/leases/renew', { token: R, body: { lease_id: leaseId, increment: 600 } });
  assert.equal(renew.status, 200, renew.text);
  assert.equal(renew.body.lease_id, leaseId);
  assert.equal(renew.body.lease_duration, 600);
  const rp = await api(srv.addr, 'PUT', 'sys/leases/revoke-prefix/auth/token/create', { token: R });
  assert.equal(rp.status, 204, rp.text);
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: a.client_token })).status, 403);
  assert.equal((await api(srv.addr, 'GET', 'auth/token/lookup-self', { token: R })).status, 200, 'the root token has no lease and survives');
});
