// The lifetime watcher with an injected clock against a stub server: when it renews (2/3 of
// the TTL plus a third of the 10-20% grace), what it sends for tokens and leases, how it tells
// "max TTL reached" from "renewal failed", and how it retries transient failures.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, VaultError, type DoneEvent, type RenewEvent } from '../../src/client/index.js';
import { FakeClock, nextEvent, startStub, type StubHandler } from './stub.js';

const auth = (ttl: number, renewable = true): { status: number; body: unknown } => ({
  status: 200,
  body: { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: null, wrap_info: null, warnings: null, auth: { client_token: 'watched', accessor: 'acc', policies: ['default'], token_policies: ['default'], metadata: null, lease_duration: ttl, renewable } },
});

async function setup(handler: StubHandler) {
  const stub = await startStub(handler);
  const client = new Client({ address: stub.addr, token: 'client-token', env: {}, retries: 0 });
  const clock = new FakeClock();
  const renews = nextEvent<RenewEvent>();
  const errors = nextEvent<Error>();
  const dones: DoneEvent[] = [];
  return {
    stub,
    client,
    clock,
    renews,
    errors,
    dones,
    close: async () => {
      client.close();
      await stub.close();
    },
  };
}

test('token: renews at 2/3 TTL + grace/3 with renew-self, the watched token and the increment', async () => {
  const s = await setup(() => auth(60));
  try {
    const w = s.client.lifetimeWatcher({ kind: 'token', token: 'watched', ttl: 60, renewable: true, increment: 60, clock: s.clock, random: () => 0.5, onRenew: s.renews.push, onError: s.errors.push });
    await new Promise((r) => setImmediate(r));
    // grace = 10% + 0.5 * 10% of 60 s = 9 s; sleep = 40 s + 3 s.
    assert.equal(s.clock.nextIn(), 43_000);
    s.clock.advance(42_999);
    assert.equal(s.stub.received.length, 0);
    s.clock.advance(1);
    const ev = await s.renews.next();
    assert.equal(ev.ttl, 60);
    assert.equal(ev.renewable, true);
    assert.equal(ev.renewedAt, s.clock.now());
    const req = s.stub.received[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, '/v1/auth/token/renew-self');
    assert.equal(req.headers['x-vault-token'], 'watched');
    assert.deepEqual(JSON.parse(req.body), { increment: 60 });
    assert.equal(s.clock.nextIn(), 43_000, 'scheduled again');
    w.stop();
    assert.equal((await w.done).reason, 'stopped');
    assert.equal(s.clock.pending(), 0);
  } finally {
    await s.close();
  }
});

test('token: TTL looked up when not given; renewals that stop extending end with max-ttl before expiry', async () => {
  const ttls = [30, 10, 4];
  const s = await setup((r) => {
    if (r.url === '/v1/auth/token/lookup-self') return { status: 200, body: { data: { ttl: 60, renewable: true } } };
    return auth(ttls.shift() ?? 1);
  });
  try {
    const w = s.client.lifetimeWatcher({ kind: 'token', clock: s.clock, random: () => 0, onRenew: s.renews.push, onError: s.errors.push, onDone: (d) => s.dones.push(d) });
    while (s.clock.nextIn() === undefined) await new Promise((r) => setImmediate(r));
    assert.equal(s.stub.received[0]?.headers['x-vault-token'], 'client-token');
    // grace 6 s (10% of 60); sleep 40 s + 2 s.
    assert.equal(s.clock.nextIn(), 42_000);
    s.clock.advance(42_000);
    assert.equal((await s.renews.next()).ttl, 30);
    s.clock.advance(s.clock.nextIn()!);
    assert.equal((await s.renews.next()).ttl, 10);
    // 10 s left, grace still 6 s: sleeping 2/3 would land inside the grace period.
    const done = await w.done;
    assert.equal(done.reason, 'max-ttl');
    assert.equal(done.error, undefined);
    assert.equal(done.expiresAt, s.clock.now() + 10_000);
    assert.deepEqual(s.dones, [done]);
  } finally {
    await s.close();
  }
});

test('token: a 4xx renewal answer ends with failed and the VaultError', async () => {
  const s = await setup(() => ({ status: 400, body: { errors: ['lease is not renewable'] } }));
  try {
    const w = s.client.lifetimeWatcher({ kind: 'token', ttl: 30, renewable: true, clock: s.clock, onError: s.errors.push });
    await new Promise((r) => setImmediate(r));
    s.clock.advance(s.clock.nextIn()!);
    const err = await s.errors.next();
    assert.ok(err instanceof VaultError && err.status === 400);
    const done = await w.done;
    assert.equal(done.reason, 'failed');
    assert.equal(done.error, err);
    assert.match(String(done.error), /lease is not renewable/);
  } finally {
    await s.close();
  }
});

test('token: transient failures are retried with backoff; success resumes; no time left -> failed', async () => {
  let fail = 2;
  const s = await setup(() => (fail-- > 0 ? { status: 500, body: { errors: ['storage hiccup'] } } : auth(60)));
  try {
    const w = s.client.lifetimeWatcher({ kind: 'token', ttl: 60, renewable: true, clock: s.clock, random: () => 0.5, onRenew: s.renews.push, onError: s.errors.push });
    await new Promise((r) => setImmediate(r));
    s.clock.advance(s.clock.nextIn()!);
    assert.equal((await s.errors.next()).message.includes('storage hiccup'), true);
    const first = s.clock.nextIn()!;
    assert.ok(first > 0 && first < 10_000, `retry in ${first} ms`);
    s.clock.advance(first);
    await s.errors.next();
    const second = s.clock.nextIn()!;
    assert.ok(second > first, 'the backoff grows');
    s.clock.advance(second);
    assert.equal((await s.renews.next()).ttl, 60);
    w.stop();

    fail = 1000;
    const w2 = s.client.lifetimeWatcher({ kind: 'token', ttl: 20, renewable: true, clock: s.clock, onError: s.errors.push });
    await new Promise((r) => setImmediate(r));
    let n = 0;
    for (;;) {
      const next = s.clock.nextIn();
      if (next === undefined) break;
      s.clock.advance(next);
      await s.errors.next();
      n++;
      await new Promise((r) => setImmediate(r));
    }
    const done = await w2.done;
    assert.equal(done.reason, 'failed');
    assert.ok(done.error instanceof VaultError && done.error.status === 500);
    assert.ok(n >= 2, `${n} attempts`);
    assert.ok(s.clock.now() < done.expiresAt!, 'gave up before expiry');
  } finally {
    await s.close();
  }
});

test('lease: looks the lease up, renews it with sys/leases/renew; a non-renewable answer -> not-renewable near expiry', async () => {
  let renewCalls = 0;
  const s = await setup((r) => {
    if (r.url === '/v1/sys/leases/lookup') return { status: 200, body: { data: { id: 'db/creds/r/abc', ttl: 90, renewable: true } } };
    renewCalls++;
    return { status: 200, body: { request_id: 'x', lease_id: 'db/creds/r/abc', renewable: renewCalls < 2, lease_duration: 90, data: null, wrap_info: null, warnings: null, auth: null } };
  });
  try {
    const w = s.client.lifetimeWatcher({ kind: 'lease', leaseId: 'db/creds/r/abc', increment: 90, clock: s.clock, random: () => 0, onRenew: s.renews.push, onDone: (d) => s.dones.push(d) });
    while (s.clock.nextIn() === undefined) await new Promise((r) => setImmediate(r));
    assert.deepEqual(JSON.parse(s.stub.received[0]!.body), { lease_id: 'db/creds/r/abc' });
    assert.equal(s.stub.received[0]!.method, 'PUT');
    s.clock.advance(s.clock.nextIn()!);
    const ev = await s.renews.next();
    assert.equal(ev.ttl, 90);
    assert.equal(ev.response.lease_id, 'db/creds/r/abc');
    const renewReq = s.stub.received[1]!;
    assert.equal(renewReq.url, '/v1/sys/leases/renew');
    assert.deepEqual(JSON.parse(renewReq.body), { lease_id: 'db/creds/r/abc', increment: 90 });
    s.clock.advance(s.clock.nextIn()!);
    assert.equal((await s.renews.next()).renewable, false);
    // Not renewable any more: no more renewals; done when the grace period (9 s) before expiry starts.
    assert.equal(s.clock.nextIn(), 81_000);
    s.clock.advance(81_000);
    const done = await w.done;
    assert.equal(done.reason, 'not-renewable');
    assert.equal(done.expiresAt, s.clock.now() + 9_000);
    assert.equal(renewCalls, 2);
  } finally {
    await s.close();
  }
});

test('misuse is reported through done, not thrown', async () => {
  const c = new Client({ address: 'http://127.0.0.1:1', env: {} });
  assert.equal((await c.lifetimeWatcher({ kind: 'lease' }).done).reason, 'failed');
  const d = await c.lifetimeWatcher({ kind: 'token' }).done;
  assert.equal(d.reason, 'failed');
  assert.match(String(d.error), /no token/);
  c.close();
});
