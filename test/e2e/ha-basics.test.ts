// HA on PostgreSQL with real processes: three `coffer server` nodes on one database. One is active
// (sys/leader, sys/health 200/429 and its overrides, sys/ha-status); standbys serve reads themselves
// and forward writes (or answer 307 with X-Vault-No-Request-Forwarding); a write through one node is
// readable at once through another (read-your-writes); sys/step-down and SIGTERM hand over at once;
// the metrics count lock changes and forwarded requests; node-vault works against a standby.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import nodeVault from 'node-vault';
import { isActive, startHaCluster, waitUntil, type HaCluster } from '../support/ha-cluster.js';

describe('HA cluster on PostgreSQL (3 processes)', { timeout: 240_000 }, () => {
  let c: HaCluster;
  let active = -1;
  const token = (): string => c.rootToken;
  const standbys = (): number[] => c.nodes.map((n) => n.index).filter((i) => i !== active && c.nodes[i]!.proc);

  before(async () => {
    c = await startHaCluster(3);
    active = await c.waitForActive();
  });
  after(async () => {
    await c?.destroy();
  });

  it('has exactly one active node; sys/leader on every node names it', async () => {
    const leaders = await Promise.all(c.nodes.map((n) => api(n.addr, 'GET', 'sys/leader')));
    assert.deepEqual(leaders.map((l) => l.body.is_self), c.nodes.map((n) => n.index === active));
    for (const l of leaders) {
      assert.equal(l.body.ha_enabled, true);
      assert.equal(l.body.leader_address, c.nodes[active]!.addr);
      assert.equal(l.body.leader_cluster_address, `https://127.0.0.1:${c.nodes[active]!.port + 1}`);
      assert.equal(l.body.performance_standby, false);
      assert.notEqual(l.body.active_time, '0001-01-01T00:00:00Z');
      assert.equal('raft_committed_index' in l.body, false);
    }
  });

  it('sys/health: 200 on the active, 429 on standbys, standbyok and standbycode/activecode overrides', async () => {
    const s = standbys()[0]!;
    const a = c.nodes[active]!.addr;
    const b = c.nodes[s]!.addr;
    const onActive = await api(a, 'GET', 'sys/health');
    assert.equal(onActive.status, 200);
    assert.equal(onActive.body.standby, false);
    const onStandby = await api(b, 'GET', 'sys/health');
    assert.equal(onStandby.status, 429);
    assert.equal(onStandby.body.standby, true);
    assert.equal(onStandby.body.sealed, false);
    assert.equal((await api(b, 'GET', 'sys/health?standbyok=true')).status, 200);
    assert.equal((await api(b, 'GET', 'sys/health?standbycode=299')).status, 299);
    assert.equal((await api(a, 'GET', 'sys/health?activecode=298')).status, 298);
  });

  it('sys/ha-status lists the three nodes with their addresses and the active one', async () => {
    const r = await waitUntil('three nodes in sys/ha-status', 20_000, async () => {
      const res = await api(c.nodes[standbys()[0]!]!.addr, 'GET', 'sys/ha-status', { token: token() });
      return res.status === 200 && res.body.nodes.length === 3 ? res : null;
    });
    const nodes = r.body.nodes as { api_address: string; cluster_address: string; active_node: boolean; last_echo: string | null }[];
    assert.deepEqual(nodes.map((n) => n.api_address).sort(), c.nodes.map((n) => n.addr).sort());
    const act = nodes.filter((n) => n.active_node);
    assert.equal(act.length, 1);
    assert.equal(act[0]!.api_address, c.nodes[active]!.addr);
    assert.equal(act[0]!.last_echo, null);
    for (const n of nodes.filter((x) => !x.active_node)) assert.match(String(n.last_echo), /^\d{4}-\d\d-\d\dT/);
    assert.equal((await api(c.nodes[active]!.addr, 'GET', 'sys/ha-status')).status, 403);
  });

  it('a standby forwards writes (mount, policy, KV put) and serves reads itself; read-your-writes across nodes', async () => {
    const [s1, s2] = standbys();
    const A = c.nodes[s1!]!.addr;
    const B = c.nodes[s2!]!.addr;
    const mount = await api(A, 'POST', 'sys/mounts/kvha', { token: token(), body: { type: 'kv', options: { version: '2' } } });
    assert.equal(mount.status, 204, mount.text);
    // The mount was made through a standby (forwarded); the other standby sees it at once.
    for (let i = 0; i < 20; i++) {
      const w = await api(A, 'POST', `kvha/data/ryw/${i}`, { token: token(), body: { data: { n: i } } });
      assert.equal(w.status, 200, w.text);
      const r = await api(B, 'GET', `kvha/data/ryw/${i}`, { token: token() });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.data.data.n, i);
      const w2 = await api(c.nodes[active]!.addr, 'POST', `kvha/data/ryw/${i}`, { token: token(), body: { data: { n: i + 100 } } });
      assert.equal(w2.status, 200);
      const r2 = await api(A, 'GET', `kvha/data/ryw/${i}`, { token: token() });
      assert.equal(r2.body.data.data.n, i + 100);
    }
    const list = await api(B, 'LIST', 'kvha/metadata/ryw', { token: token() });
    assert.equal(list.body.data.keys.length, 20);
  });

  it('a policy and a token created through one node work at once through a standby; a revoked token stops working there', async () => {
    const [s1, s2] = standbys();
    const A = c.nodes[s1!]!.addr;
    const B = c.nodes[s2!]!.addr;
    assert.equal((await api(A, 'PUT', 'sys/policies/acl/ha-reader', { token: token(), body: { policy: 'path "kvha/data/ryw/*" { capabilities = ["read"] }' } })).status, 204);
    const t = await api(A, 'POST', 'auth/token/create', { token: token(), body: { policies: ['ha-reader'], ttl: '1h' } });
    assert.equal(t.status, 200, t.text);
    const child = t.body.auth.client_token as string;
    const self = await api(B, 'GET', 'auth/token/lookup-self', { token: child });
    assert.equal(self.status, 200, self.text);
    assert.deepEqual(self.body.data.policies, ['default', 'ha-reader']);
    assert.equal((await api(B, 'GET', 'kvha/data/ryw/1', { token: child })).status, 200);
    assert.equal((await api(B, 'GET', 'sys/mounts', { token: child })).status, 403);
    assert.equal((await api(A, 'POST', 'auth/token/revoke-self', { token: child })).status, 204);
    assert.equal((await api(B, 'GET', 'kvha/data/ryw/1', { token: child })).status, 403);
  });

  it('a use-limited token used on a standby counts its uses on the active (forwarded), never more than allowed', async () => {
    const s = c.nodes[standbys()[0]!]!.addr;
    const t = await api(s, 'POST', 'auth/token/create', { token: token(), body: { policies: ['ha-reader'], num_uses: 3 } });
    const limited = t.body.auth.client_token as string;
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await api(s, 'GET', 'kvha/data/ryw/2', { token: limited })).status);
    assert.deepEqual(codes, [200, 200, 200, 403, 403]);
  });

  it('node-vault pointed at a standby reads, writes, lists and deletes', async () => {
    const vault = nodeVault({ apiVersion: 'v1', endpoint: c.nodes[standbys()[0]!]!.addr, token: token() });
    await vault.write('kvha/data/nv/one', { data: { a: 'b' } });
    const read = await vault.read('kvha/data/nv/one');
    assert.equal(read.data.data.a, 'b');
    const list = await vault.list('kvha/metadata/nv');
    assert.deepEqual(list.data.keys, ['one']);
    const self = await vault.tokenLookupSelf();
    assert.deepEqual(self.data.policies, ['root']);
    await vault.delete('kvha/metadata/nv/one');
    await assert.rejects(vault.read('kvha/data/nv/one'), (e: { response?: { statusCode?: number } }) => e.response?.statusCode === 404);
  });

  it('X-Vault-No-Request-Forwarding: a standby answers 307 to the active node for a write', async () => {
    const s = c.nodes[standbys()[0]!]!.addr;
    const r = await api(s, 'POST', 'kvha/data/redirect', { token: token(), body: { data: { a: 1 } }, headers: { 'X-Vault-No-Request-Forwarding': 'true' } });
    assert.equal(r.status, 307);
    assert.equal(r.headers.location, `${c.nodes[active]!.addr}/v1/kvha/data/redirect`);
    assert.equal((await api(s, 'GET', 'kvha/data/redirect', { token: token() })).status, 404);
  });

  it('sys/rotate on the active: standbys read what is written with the new key term', async () => {
    const s = c.nodes[standbys()[0]!]!.addr;
    assert.equal((await api(s, 'PUT', 'sys/rotate', { token: token() })).status, 204);
    assert.equal((await api(c.nodes[active]!.addr, 'POST', 'kvha/data/after-rotate', { token: token(), body: { data: { v: 'x' } } })).status, 200);
    const r = await api(s, 'GET', 'kvha/data/after-rotate', { token: token() });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.data.data.v, 'x');
  });

  it('sys/step-down through a standby: the active hands over, another node becomes active and serves writes', async () => {
    const old = active;
    const s = standbys()[0]!;
    assert.equal((await api(c.nodes[s]!.addr, 'PUT', 'sys/step-down', { token: token() })).status, 204);
    active = await c.waitForActive(30_000, old);
    assert.notEqual(active, old);
    assert.equal(await isActive(c.nodes[old]!.addr), false);
    const w = await api(c.nodes[old]!.addr, 'POST', 'kvha/data/after-step-down', { token: token(), body: { data: { v: 1 } } });
    assert.equal(w.status, 200, w.text);
    const metrics = await api(c.nodes[old]!.addr, 'GET', 'sys/metrics?format=prometheus', { token: token() });
    assert.match(metrics.text, /coffer_ha_lock_losses_total\{reason="step-down"\} 1/);
    assert.match(metrics.text, /coffer_ha_is_active 0/);
    assert.match(metrics.text, /coffer_ha_forwarded_requests_total\{outcome="forwarded"\} [1-9]/);
  });

  it('SIGTERM on the active releases the lock: a standby takes over, nothing written is lost', async () => {
    const old = active;
    await c.nodes[old]!.proc!.stop('SIGTERM');
    c.nodes[old]!.proc = null;
    active = await c.waitForActive(30_000, old);
    const r = await api(c.nodes[active]!.addr, 'GET', 'kvha/data/after-step-down', { token: token() });
    assert.equal(r.status, 200);
    await c.restart(old);
    assert.equal(await isActive(c.nodes[old]!.addr), false);
  });
});
