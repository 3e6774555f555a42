// The agent's LeaseKeeper with an injected clock against a stub server that models a database
// lease (default TTL, max TTL, renewals capped at the max): the same credentials are kept for as
// long as renewals extend the lease; new ones are asked for only when the lease is capped (shortly
// before it ends, never after), when renewal is refused, or when it is not renewable.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '../../src/client/index.js';
import { LeaseKeeper } from '../../src/agent/lease-keeper.js';
import { createLogger } from '../../src/agent/log.js';
import { FakeClock, startStub, type Received } from '../client/stub.js';

interface Lease {
  issuedAt: number;
  expiresAt: number;
  maxEnd: number;
}

function envelope(o: Record<string, unknown>): Record<string, unknown> {
  return { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: null, ...o };
}

/** A stub answering sys/leases/renew for one lease by the fake clock's time, as Vault's expiration manager does. */
async function setup(opts: { ttl: number; maxTtl: number; refuse?: (n: number) => number | undefined }) {
  const clock = new FakeClock();
  const lease: Lease = { issuedAt: clock.now(), expiresAt: clock.now() + opts.ttl * 1000, maxEnd: clock.now() + opts.maxTtl * 1000 };
  let renewals = 0;
  const renewedAt: number[] = [];
  const stub = await startStub((r: Received) => {
    if (r.url !== '/v1/sys/leases/renew') return { status: 404, body: { errors: [] } };
    renewals++;
    const refused = opts.refuse?.(renewals);
    if (refused !== undefined) return { status: refused, body: { errors: [refused === 400 ? 'lease not found or lease is not renewable' : 'internal error'] } };
    const body = JSON.parse(r.body) as { lease_id: string; increment?: number };
    const now = clock.now();
    if (now >= lease.expiresAt) return { status: 400, body: { errors: ['lease not found'] } };
    renewedAt.push(now);
    lease.expiresAt = Math.min(now + (body.increment ?? opts.ttl) * 1000, lease.maxEnd);
    return { status: 200, body: envelope({ lease_id: body.lease_id, renewable: true, lease_duration: Math.round((lease.expiresAt - now) / 1000) }) };
  });
  const client = new Client({ address: stub.addr, token: 't', env: {}, retries: 0 });
  const lines: string[] = [];
  const replaced: { at: number; reason: string }[] = [];
  const log = createLogger('debug', (l) => lines.push(l));
  return {
    clock,
    lease,
    lines,
    replaced,
    get renewals() {
      return renewals;
    },
    renewedAt,
    keeper: (renewable = true, threshold = 0.9) =>
      new LeaseKeeper({
        client,
        leaseId: 'database/creds/app/abc',
        path: 'database/creds/app',
        ttl: opts.ttl,
        renewable,
        threshold,
        log,
        clock,
        random: () => 0.5,
        onReplace: (reason) => replaced.push({ at: clock.now(), reason }),
      }),
    /** Runs the next due timer and waits until the request it made is answered (a timer is pending again or the keeper is done). */
    async step(): Promise<void> {
      const before = replaced.length;
      const n = clock.nextIn();
      assert.notEqual(n, undefined, 'a timer is pending');
      clock.advance(n!);
      for (let i = 0; i < 5000 && clock.pending() === 0 && replaced.length === before; i++) await new Promise((r) => setTimeout(r, 1));
    },
    close: async () => {
      client.close();
      await stub.close();
    },
  };
}

test('a renewable lease is renewed at about 2/3 of its TTL and kept for many TTLs (no new credentials)', async () => {
  const s = await setup({ ttl: 60, maxTtl: 3600 });
  try {
    const k = s.keeper();
    k.start();
    // 40 renewals: 30+ minutes of a 60 s lease, all extending it.
    for (let i = 0; i < 40; i++) await s.step();
    assert.equal(s.renewals, 40);
    assert.deepEqual(s.replaced, [], 'the same credentials are kept');
    assert.equal(k.final, false);
    assert.equal(k.replaceAt, Infinity);
    // Each renewal came well before the lease's end: between 1/2 and 5/6 of the 60 s TTL after the previous one.
    for (let i = 1; i < s.renewedAt.length; i++) {
      const gap = s.renewedAt[i]! - s.renewedAt[i - 1]!;
      assert.ok(gap >= 30_000 && gap <= 50_000, `renewal gap ${gap} ms`);
    }
    k.stop();
    assert.equal(s.clock.pending(), 0);
    assert.ok(!s.lines.join('').includes('password'));
  } finally {
    await s.close();
  }
});

test('a lease capped by its max TTL: renewal stops and new credentials are fetched shortly before it ends', async () => {
  const s = await setup({ ttl: 4, maxTtl: 30 });
  try {
    const k = s.keeper();
    k.start();
    while (s.replaced.length === 0) await s.step();
    const [r] = s.replaced;
    assert.ok(r!.at < s.lease.maxEnd, 'new credentials asked for before the lease ends');
    assert.ok(r!.at >= s.lease.maxEnd - 4000, 'and not before the lease was capped (within one TTL of its max)');
    assert.match(r!.reason, /max TTL/);
    assert.equal(k.final, true);
    assert.ok(k.expiresAt <= s.lease.maxEnd && k.expiresAt >= s.lease.maxEnd - 1000, 'the end it planned for is the max TTL (whole seconds)');
    // Renewed until the cap showed, then no more renewals.
    const n = s.renewals;
    assert.ok(n >= 6, `renewed ${n} times before the cap`);
    assert.equal(s.clock.pending(), 0, 'nothing more scheduled');
    assert.ok(s.lines.some((l) => l.includes('lease near its max TTL')), s.lines.join(''));
  } finally {
    await s.close();
  }
});

test('a refused renewal (400) asks for new credentials at once', async () => {
  const s = await setup({ ttl: 60, maxTtl: 3600, refuse: (n) => (n === 3 ? 400 : undefined) });
  try {
    const k = s.keeper();
    k.start();
    while (s.replaced.length === 0) await s.step();
    assert.equal(s.renewals, 3);
    assert.match(s.replaced[0]!.reason, /renewal failed/);
    assert.ok(s.replaced[0]!.at < s.lease.expiresAt);
    k.stop();
  } finally {
    await s.close();
  }
});

test('a server error during renewal is retried; once it answers again the credentials are kept', async () => {
  const s = await setup({ ttl: 60, maxTtl: 3600, refuse: (n) => (n === 2 || n === 3 ? 500 : undefined) });
  try {
    const k = s.keeper();
    k.start();
    for (let i = 0; i < 8; i++) await s.step();
    assert.equal(s.renewals, 8);
    assert.deepEqual(s.replaced, []);
    assert.ok(s.lines.some((l) => l.includes('error renewing a lease')));
    k.stop();
  } finally {
    await s.close();
  }
});

test('a non-renewable lease is fetched again at lease_renewal_threshold of its TTL, without renewal attempts', async () => {
  const s = await setup({ ttl: 100, maxTtl: 100 });
  try {
    const k = s.keeper(false, 0.9);
    k.start();
    assert.equal(k.replaceAt - s.clock.now(), 90_000);
    await s.step();
    assert.equal(s.replaced.length, 1);
    assert.equal(s.renewals, 0);
    assert.equal(s.replaced[0]!.at, s.lease.issuedAt + 90_000);
  } finally {
    await s.close();
  }
});
