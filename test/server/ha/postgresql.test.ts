// The PostgreSQL HA backend against a real PostgreSQL: the lock (epochs only grow, expiry by the
// database's clock, renew and release), fenced writes (refused with a stale epoch or none, also when
// racing a takeover: a write either lands before the new epoch or not at all), heartbeats and
// invalidation events delivered through LISTEN/NOTIFY.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { openPostgresHa } from '../../../src/server/ha/postgresql.js';
import { isFencedWriteError, type HaBackend, type HaEvent, type HaNodeInfo } from '../../../src/server/ha/types.js';
import { PG_URL, testPgClient } from '../../support/postgres.js';

const node = (id: string): HaNodeInfo => ({ nodeId: id, apiAddr: `http://${id}:8200`, clusterAddr: `https://${id}:8201`, version: 'test' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('postgresql HA backend', () => {
  const suffix = randomBytes(4).toString('hex');
  const table = `coffer_hab_${suffix}`;
  const haTable = `coffer_hab_locks_${suffix}`;
  let a: HaBackend;
  let b: HaBackend;

  before(async () => {
    a = await openPostgresHa({ connectionUrl: PG_URL, table, haTable });
    b = await openPostgresHa({ connectionUrl: PG_URL, table, haTable });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    const c = await testPgClient();
    await c.query(`DROP TABLE IF EXISTS "${table}"`);
    await c.query(`DROP TABLE IF EXISTS "${haTable}"`);
    await c.end();
  });

  it('refuses every write without a fence, and reads still work', async () => {
    a.storage.setFence(null);
    await assert.rejects(a.storage.put('x', Buffer.from('1')), (e) => isFencedWriteError(e));
    await assert.rejects(a.storage.delete('x'), (e) => isFencedWriteError(e));
    assert.equal(await a.storage.get('x'), null);
  });

  it('one holder at a time; epochs grow; a deposed holder writes nothing', async () => {
    const e1 = await a.tryAcquire(node('a'), 400);
    assert.ok(e1);
    assert.equal(await b.tryAcquire(node('b'), 400), null, 'lock is held');
    a.storage.setFence(e1);
    await a.storage.put('k', Buffer.from('from-a'));
    assert.equal((await b.leader())?.nodeId, 'a');
    // a stops renewing: the database's clock expires the lease, b takes over with a larger epoch.
    await sleep(500);
    assert.equal(await a.renew(e1, 400), false);
    const e2 = await b.tryAcquire(node('b'), 5000);
    assert.ok(e2);
    assert.ok(BigInt(e2) > BigInt(e1));
    b.storage.setFence(e2);
    await b.storage.put('k', Buffer.from('from-b'));
    // a still thinks it holds e1: refused, nothing changes.
    await assert.rejects(a.storage.put('k', Buffer.from('stale')), (e) => isFencedWriteError(e));
    await assert.rejects(a.storage.delete('k'), (e) => isFencedWriteError(e));
    assert.equal((await b.storage.get('k'))?.toString(), 'from-b');
    assert.equal(await b.renew(e2, 5000), true);
    assert.equal((await a.leader())?.nodeId, 'b');
    assert.equal((await a.leader())?.epoch, e2);
  });

  it('a write racing a takeover lands before the new epoch or not at all', async () => {
    const holder = (await b.leader())!;
    await b.release(holder.epoch);
    const e = await a.tryAcquire(node('a'), 300);
    assert.ok(e);
    a.storage.setFence(e);
    // Writes keep going while b grabs the lock as soon as it expires: every write a saw succeed
    // must be older than b's epoch, i.e. b's first write (after acquiring) is the final value.
    const acked: number[] = [];
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await a.storage.put('race', Buffer.from(String(i)));
          acked.push(i);
        } catch (err) {
          assert.ok(isFencedWriteError(err), String(err));
        }
      }
    })();
    let e2: string | null = null;
    while (e2 === null) e2 = await b.tryAcquire(node('b'), 5000);
    b.storage.setFence(e2);
    await b.storage.put('race', Buffer.from('b'));
    await sleep(100);
    stop = true;
    await writer;
    assert.ok(acked.length > 0);
    assert.equal((await a.storage.get('race'))?.toString(), 'b');
    await b.release(e2);
  });

  it('release frees the lock at once and tells subscribers; writes are delivered as invalidations', async () => {
    const events: HaEvent[] = [];
    const stop = await b.subscribe((e) => events.push(e));
    const e = await a.tryAcquire(node('a'), 60_000);
    assert.ok(e);
    a.storage.setFence(e);
    await a.storage.put('sys/policy/p1', Buffer.from('x'));
    await a.storage.delete('sys/policy/p1');
    await a.release(e);
    assert.equal(await a.leader(), null);
    assert.ok(await b.tryAcquire(node('b'), 1000));
    for (let i = 0; i < 100 && events.length < 4; i++) await sleep(20);
    await stop();
    assert.deepEqual(events, [
      { kind: 'resync' },
      { kind: 'invalidate', key: 'sys/policy/p1' },
      { kind: 'invalidate', key: 'sys/policy/p1' },
      { kind: 'leader-changed' },
    ]);
  });

  it('heartbeats list the live nodes with the database time of their last echo', async () => {
    await a.heartbeat(node('a'));
    await b.heartbeat(node('b'));
    const nodes = await a.nodes(10_000);
    assert.deepEqual(nodes.map((n) => n.nodeId), ['a', 'b']);
    assert.equal(nodes[0]!.apiAddr, 'http://a:8200');
    assert.ok(Math.abs(Date.parse(nodes[0]!.lastEcho) - Date.now()) < 60_000);
    await sleep(150);
    assert.deepEqual(await a.nodes(100), []);
  });
});
