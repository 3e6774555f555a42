// Fencing with real processes. (1) The active node is frozen (SIGSTOP) past its lease: a standby
// takes over; when the old active resumes (SIGCONT) the writes it was sent are forwarded to the new
// active or refused, never written under its old epoch, and it rejoins as a standby. (2) The active
// node is cut from PostgreSQL by a TCP proxy the test pauses: it stops acting as the active node
// before its lease expires by the database's clock (the lock row's valid_until), and after the cut
// heals it rejoins as a standby.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api } from '../support/http.js';
import { isActive, startHaCluster, waitUntil, type HaCluster } from '../support/ha-cluster.js';
import { PG_URL, testPgClient } from '../support/postgres.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

async function lockRow(haTable: string): Promise<{ epoch: string; identity: string; validUntil: Date }> {
  const c = await testPgClient();
  try {
    const r = await c.query<{ epoch: string; ha_identity: string; valid_until: Date }>(`SELECT epoch::text AS epoch, ha_identity, valid_until FROM "${haTable}" WHERE ha_key = 'core/lock'`);
    const row = r.rows[0]!;
    return { epoch: row.epoch, identity: row.ha_identity, validUntil: row.valid_until };
  } finally {
    await c.end();
  }
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name.replace(/[{}"]/g, (x) => `\\${x}`)} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('HA fencing: SIGSTOP of the active past its lease', { timeout: 240_000 }, () => {
  let c: HaCluster;
  before(async () => {
    c = await startHaCluster(3);
    const a = await c.waitForActive();
    assert.equal((await api(c.nodes[a]!.addr, 'POST', 'sys/mounts/kvs', { token: c.rootToken, body: { type: 'kv', options: { version: '2' } } })).status, 204);
  });
  after(async () => {
    for (const n of c?.nodes ?? []) n.proc?.proc.kill('SIGCONT');
    await c?.destroy();
  });

  it('the frozen active writes nothing under its old epoch and rejoins as a standby', async () => {
    const old = await c.waitForActive();
    const oldNode = c.nodes[old]!;
    const before = await lockRow(c.haTable);
    oldNode.proc!.proc.kill('SIGSTOP');
    // Requests sent to the frozen node wait in its socket backlog.
    const pending = [0, 1, 2, 3, 4].map((i) =>
      api(oldNode.addr, 'POST', `kvs/data/paused-${i}`, { token: c.rootToken, body: { data: { from: 'paused' } } }).catch((e: unknown) => ({ status: 0, text: String(e) })),
    );
    const next = await c.waitForActive(60_000, old);
    const taken = await lockRow(c.haTable);
    assert.ok(BigInt(taken.epoch) > BigInt(before.epoch));
    assert.notEqual(taken.identity, before.identity);
    assert.equal((await api(c.nodes[next]!.addr, 'POST', 'kvs/data/marker', { token: c.rootToken, body: { data: { v: 'new' } } })).status, 200);

    oldNode.proc!.proc.kill('SIGCONT');
    const results = await Promise.all(pending);
    const acked = results.filter((r) => r.status === 200).length;
    for (const r of results) assert.ok(r.status === 200 || r.status >= 500, `unexpected answer ${r.status}: ${r.text}`);
    // It rejoins as a standby that knows the new active node.
    const leader = await waitUntil('the old active to report the new leader', 30_000, async () => {
      const r = await api(oldNode.addr, 'GET', 'sys/leader');
      return r.body?.is_self === false && r.body?.leader_address === c.nodes[next]!.addr ? r.body : null;
    });
    assert.equal(leader.ha_enabled, true);
    assert.equal((await api(oldNode.addr, 'GET', 'sys/health')).status, 429);
    // Every answered write went through the new active (forwarded); the lock never moved back.
    const m = await api(oldNode.addr, 'GET', 'sys/metrics?format=prometheus', { token: c.rootToken });
    assert.ok(metric(m.text, 'coffer_ha_forwarded_requests_total{outcome="forwarded"}') >= acked, m.text.slice(0, 200));
    assert.ok(metric(m.text, 'coffer_ha_lock_losses_total{reason="the lock could not be renewed in time"}') + metric(m.text, 'coffer_ha_lock_losses_total{reason="the lock was lost (renew refused)"}') + metric(m.text, 'coffer_ha_lock_losses_total{reason="a write was refused by the fence"}') >= 1);
    const now = await lockRow(c.haTable);
    assert.equal(now.epoch, taken.epoch);
    assert.equal(now.identity, taken.identity);
    assert.equal(await isActive(c.nodes[next]!.addr), true);
    // New writes through the old active are forwarded and readable everywhere.
    assert.equal((await api(oldNode.addr, 'POST', 'kvs/data/after', { token: c.rootToken, body: { data: { v: 1 } } })).status, 200);
    for (const n of c.nodes) assert.equal((await api(n.addr, 'GET', 'kvs/data/marker', { token: c.rootToken })).body.data.data.v, 'new');
    for (const n of c.nodes) assert.equal((await api(n.addr, 'GET', 'kvs/data/after', { token: c.rootToken })).status, 200);
  });
});

describe('HA fencing: the active node cut from PostgreSQL', { timeout: 240_000 }, () => {
  let c: HaCluster;
  let proxy: TcpProxy;
  before(async () => {
    const pgUrl = new URL(PG_URL);
    proxy = await startTcpProxy(pgUrl.hostname, Number(pgUrl.port || 5432));
    const viaProxy = new URL(PG_URL);
    viaProxy.port = String(proxy.port);
    // Node 0 initializes, so it is the first active node; it reaches the database through the proxy.
    c = await startHaCluster(3, { pgUrlFor: (i) => (i === 0 ? viaProxy.toString() : PG_URL) });
  });
  after(async () => {
    proxy?.resume();
    await c?.destroy();
    await proxy?.close();
  });

  it('stops acting as the active node before its lease expires by the database clock, then rejoins as a standby', async () => {
    assert.equal(await c.waitForActive(), 0);
    const cut = c.nodes[0]!;
    assert.equal((await api(cut.addr, 'POST', 'sys/mounts/kvc', { token: c.rootToken, body: { type: 'kv', options: { version: '2' } } })).status, 204);
    assert.equal((await api(cut.addr, 'POST', 'kvc/data/before', { token: c.rootToken, body: { data: { v: 1 } } })).status, 200);
    const logBefore = cut.proc!.output().length;
    proxy.pause();
    await new Promise((r) => setTimeout(r, 100));
    // The database's view: the lease of node 0 ends at valid_until; no renew reaches it any more.
    const lease = await lockRow(c.haTable);
    const next = await c.waitForActive(60_000, 0);
    assert.notEqual(next, 0);
    const taken = await lockRow(c.haTable);
    assert.ok(BigInt(taken.epoch) > BigInt(lease.epoch));
    // Node 0 logged its step-down (its clock is this machine's clock, as is the database's).
    const line = await waitUntil('node 0 to log that it is no longer active', 30_000, async () =>
      cut.proc!.output().slice(logBefore).split('\n').find((l) => l.includes('no longer the active node')),
    );
    const steppedDownAt = Date.parse(line.slice(0, 24));
    assert.ok(Number.isFinite(steppedDownAt), line);
    assert.ok(steppedDownAt < lease.validUntil.getTime(), `stepped down at ${new Date(steppedDownAt).toISOString()}, lease valid until ${lease.validUntil.toISOString()}`);
    assert.ok(steppedDownAt < Date.parse(taken.validUntil.toISOString()));
    // While cut off, node 0 reports itself as a standby (sys/leader is_self false, health 429).
    assert.equal((await api(cut.addr, 'GET', 'sys/health')).status, 429);

    proxy.resume();
    await waitUntil('node 0 to know the new active node', 30_000, async () => {
      const r = await api(cut.addr, 'GET', 'sys/leader');
      return r.body?.is_self === false && r.body?.leader_address === c.nodes[next]!.addr;
    });
    const w = await api(cut.addr, 'POST', 'kvc/data/after', { token: c.rootToken, body: { data: { v: 2 } } });
    assert.equal(w.status, 200, w.text);
    for (const n of c.nodes) {
      assert.equal((await api(n.addr, 'GET', 'kvc/data/before', { token: c.rootToken })).body.data.data.v, 1);
      assert.equal((await api(n.addr, 'GET', 'kvc/data/after', { token: c.rootToken })).body.data.data.v, 2);
    }
    assert.equal((await lockRow(c.haTable)).epoch, taken.epoch);
  });
});
