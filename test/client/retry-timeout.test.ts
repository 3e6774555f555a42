// Retries and timeouts against local stub servers: 503 twice then 200; which statuses and
// connection failures are retried for which methods; Retry-After; backoff growth; a server that
// never answers -> "timed out after N ms"; caller aborts; refused connections.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Client, VaultError } from '../../src/client/index.js';
import { backoffMs, DEFAULT_RETRY, isRetryable } from '../../src/client/retry.js';
import { startStub } from './stub.js';

const ok = { status: 200, body: { request_id: 'r', lease_id: '', renewable: false, lease_duration: 0, data: { fine: true }, wrap_info: null, warnings: null, auth: null } };
const fast = { env: {}, token: 'stub-token-secret', retryMinDelayMs: 5, retryMaxDelayMs: 20 } as const;

test('503 twice then 200: the call succeeds on the third attempt (GET and PUT)', async () => {
  for (const method of ['GET', 'PUT']) {
    const stub = await startStub((_r, n) => (n <= 2 ? { status: 503, body: { errors: ['Vault is sealed'] } } : ok));
    const c = new Client({ address: stub.addr, ...fast });
    try {
      const res = await c.request<{ fine: boolean }>(method, 'secret/data/x', method === 'PUT' ? { body: { data: { a: 1 } } } : {});
      assert.equal(res?.data?.fine, true);
      assert.equal(stub.received.length, 3);
      assert.ok(stub.received.every((r) => r.method === method && r.url === '/v1/secret/data/x'));
      if (method === 'PUT') assert.ok(stub.received.every((r) => r.body === '{"data":{"a":1}}'), 'the body is sent again');
    } finally {
      c.close();
      await stub.close();
    }
  }
});

test('503 three times: the error after 1 + 2 retries carries the last status and messages', async () => {
  const stub = await startStub(() => ({ status: 503, body: { errors: ['Vault is sealed'] } }));
  const c = new Client({ address: stub.addr, ...fast });
  try {
    const e = await c.read('secret/data/x').catch((x: unknown) => x);
    assert.ok(e instanceof VaultError);
    assert.equal(e.status, 503);
    assert.deepEqual(e.errors, ['Vault is sealed']);
    assert.equal(e.attempts, 3);
    assert.equal(stub.received.length, 3);
    assert.ok(!e.message.includes('stub-token-secret'));
    assert.equal((await c.read('x', undefined).catch(() => null), stub.received.length), 6);
    await c.request('GET', 'x', { retries: 0 }).catch(() => null);
    assert.equal(stub.received.length, 7, 'per-call retries: 0');
  } finally {
    c.close();
    await stub.close();
  }
});

test('502/504 are retried for GET, LIST and DELETE but not for POST/PUT/PATCH (unless retryNonIdempotent)', async () => {
  const stub = await startStub(() => ({ status: 502, body: { errors: ['bad gateway'] } }));
  const c = new Client({ address: stub.addr, ...fast });
  const all = new Client({ address: stub.addr, ...fast, retryNonIdempotent: true });
  try {
    const count = async (client: Client, method: string): Promise<number> => {
      const before = stub.received.length;
      await client.request(method, 'p', { body: method === 'GET' || method === 'DELETE' ? undefined : {} }).catch(() => null);
      return stub.received.length - before;
    };
    assert.equal(await count(c, 'GET'), 3);
    assert.equal(await count(c, 'DELETE'), 3);
    assert.equal(await count(c, 'POST'), 1);
    assert.equal(await count(c, 'PUT'), 1);
    assert.equal(await count(c, 'PATCH'), 1);
    assert.equal(await count(all, 'POST'), 3);
  } finally {
    c.close();
    all.close();
    await stub.close();
  }
});

test('4xx, 500 and 501 are not retried', async () => {
  for (const status of [400, 403, 404, 500, 501]) {
    const stub = await startStub(() => ({ status, body: { errors: [`status ${status}`] } }));
    const c = new Client({ address: stub.addr, ...fast });
    try {
      const e = await c.request('GET', 'p').catch((x: unknown) => x);
      assert.ok(e instanceof VaultError && e.status === status);
      assert.equal(stub.received.length, 1, `status ${status}`);
    } finally {
      c.close();
      await stub.close();
    }
  }
});

test('429 is retried for writes too, honouring Retry-After (capped by retryMaxDelayMs)', async () => {
  // Retry-After asks for a minute: only the 300 ms cap lets the retry come within the test's bound.
  const stub = await startStub((_r, n) => (n === 1 ? { status: 429, body: { errors: ['rate limited'] }, headers: { 'Retry-After': '60' } } : ok));
  const c = new Client({ address: stub.addr, env: {}, retryMinDelayMs: 1, retryMaxDelayMs: 300 });
  try {
    const t0 = Date.now();
    await c.write('secret/data/x', { data: {} });
    const took = Date.now() - t0;
    assert.equal(stub.received.length, 2);
    assert.ok(took >= 280 && took < 30_000, `waited ${took} ms: at least the cap, far less than Retry-After`);
  } finally {
    c.close();
    await stub.close();
  }
});

test('a connection reset after the request was sent: retried for GET, not for POST', async () => {
  for (const [method, attempts] of [['GET', 3], ['POST', 1]] as const) {
    const stub = await startStub(() => 'destroy');
    const c = new Client({ address: stub.addr, ...fast });
    try {
      const e = await c.request(method, 'p', method === 'POST' ? { body: {} } : {}).catch((x: unknown) => x);
      assert.ok(e instanceof VaultError);
      assert.equal(e.kind, 'connection');
      assert.equal(e.status, 0);
      assert.equal(stub.received.length, attempts, method);
    } finally {
      c.close();
      await stub.close();
    }
  }
});

test('a refused connection is retried for every method, then reported', async () => {
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
  const c = new Client({ address: `http://127.0.0.1:${port}`, ...fast });
  const e = await c.request('POST', 'auth/approle/login', { body: { secret_id: 'very-secret-id' } }).catch((x: unknown) => x);
  c.close();
  assert.ok(e instanceof VaultError);
  assert.equal(e.kind, 'connection');
  assert.equal(e.code, 'ECONNREFUSED');
  assert.equal(e.attempts, 3);
  assert.match(e.message, /POST \/v1\/auth\/approle\/login: cannot reach http:\/\/127\.0\.0\.1:\d+/);
  assert.ok(!e.message.includes('very-secret-id'));
});

test('a server that never answers: VaultError "timed out after 200 ms", not retried past the deadline', async () => {
  const stub = await startStub(() => 'hang');
  const c = new Client({ address: stub.addr, ...fast, timeoutMs: 200 });
  try {
    const t0 = Date.now();
    const e = await c.read('secret/data/slow').catch((x: unknown) => x);
    const took = Date.now() - t0;
    assert.ok(e instanceof VaultError);
    assert.equal(e.kind, 'timeout');
    assert.equal(e.status, 0);
    assert.equal(e.message, 'GET /v1/secret/data/slow: timed out after 200 ms');
    assert.ok(took >= 190, `took ${took} ms: not before the timeout`);
    assert.equal(stub.received.length, 1);

    const e2 = await c.request('GET', 'x', { timeoutMs: 50 }).catch((x: unknown) => x);
    assert.ok(e2 instanceof VaultError && /timed out after 50 ms/.test(e2.message));
  } finally {
    c.close();
    await stub.close();
  }
});

test('the timeout also bounds the waits between retries: no wait past the deadline, the last error is reported', async () => {
  const stub = await startStub(() => ({ status: 503, body: { errors: ['Vault is sealed'] } }));
  const c = new Client({ address: stub.addr, env: {}, retries: 5, retryMinDelayMs: 400, retryMaxDelayMs: 400, timeoutMs: 500, random: () => 1 });
  try {
    const e = await c.read('x').catch((x: unknown) => x);
    assert.ok(e instanceof VaultError && e.kind === 'http' && e.status === 503, String(e));
    assert.deepEqual(e.errors, ['Vault is sealed']);
    assert.equal(e.attempts, 2);
    assert.equal(stub.received.length, 2);
  } finally {
    c.close();
    await stub.close();
  }
});

test('a caller abort is reported as aborted, not as a timeout', async () => {
  const stub = await startStub(() => 'hang');
  const c = new Client({ address: stub.addr, ...fast });
  try {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await c.request('GET', 'x', { signal: ac.signal }).catch((x: unknown) => x);
    assert.ok(e instanceof VaultError);
    assert.equal(e.kind, 'aborted');
  } finally {
    c.close();
    await stub.close();
  }
});

test('retry policy and backoff (unit)', () => {
  const p = { ...DEFAULT_RETRY, minDelayMs: 100, maxDelayMs: 1000 };
  assert.equal(backoffMs(0, p, () => 0), 50);
  assert.equal(backoffMs(0, p, () => 1), 100);
  assert.equal(backoffMs(1, p, () => 1), 200);
  assert.equal(backoffMs(3, p, () => 1), 800);
  assert.equal(backoffMs(4, p, () => 1), 1000, 'capped');
  assert.equal(backoffMs(9, p, () => 0), 500, 'jitter keeps at least half');
  assert.equal(backoffMs(0, p, () => 0.5, 5000), 1000, 'Retry-After capped');
  assert.equal(DEFAULT_RETRY.retries, 2);

  const st = (status: number) => ({ kind: 'status' as const, status });
  const tr = (code: string, reusedSocket = false) => ({ kind: 'transport' as const, code, reusedSocket });
  assert.ok(isRetryable('POST', st(503), p) && isRetryable('POST', st(429), p));
  assert.ok(isRetryable('LIST', st(504), p) && !isRetryable('PUT', st(504), p));
  assert.ok(!isRetryable('GET', st(500), p) && !isRetryable('GET', st(412), p));
  assert.ok(isRetryable('POST', tr('ECONNREFUSED'), p));
  assert.ok(isRetryable('POST', tr('ECONNRESET', true), p), 'a stale kept-alive connection: the request never arrived');
  assert.ok(!isRetryable('POST', tr('ECONNRESET'), p) && isRetryable('GET', tr('ECONNRESET'), p));
  assert.ok(!isRetryable('GET', tr('DEPTH_ZERO_SELF_SIGNED_CERT'), p) && !isRetryable('GET', tr('ERR_TLS_CERT_ALTNAME_INVALID'), p));
  assert.ok(!isRetryable('GET', tr('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), p));
});
