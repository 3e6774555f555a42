// Token helpers against a real dev server (create, lookup, renew, revoke), and the lifetime
// watcher on real short-TTL tokens: renewals until the explicit max TTL, a non-renewable token,
// and a token revoked under the watcher (renewal failed).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDevServer, type DevServer } from '../support/server.js';
import { Client, VaultError, type RenewEvent } from '../../src/client/index.js';

let srv: DevServer;
let c: Client;
before(async () => {
  srv = await startDevServer('root-token-tokens');
  c = new Client({ address: srv.addr, token: srv.rootToken, env: {} });
});
after(async () => {
  c.close();
  await srv.stop();
});

const as = (token: string): Client => new Client({ address: srv.addr, token, env: {} });

test('create, lookupSelf, lookup, renewSelf, revoke, revokeSelf', async () => {
  const a = await c.token.create({ policies: ['default'], ttl: '1h', display_name: 'app', meta: { team: 'a' } });
  assert.match(a.client_token, /^hvs\./);
  assert.equal(a.lease_duration, 3600);
  assert.equal(a.renewable, true);
  assert.deepEqual(a.policies, ['default']);
  assert.deepEqual(a.metadata, { team: 'a' });

  const self = await c.token.lookupSelf();
  assert.deepEqual(self.policies, ['root']);
  assert.equal(self.ttl, 0);

  const looked = await c.token.lookup(a.client_token);
  assert.equal(looked.accessor, a.accessor);
  assert.equal(looked.display_name, 'token-app');
  assert.ok(looked.ttl > 3590 && looked.ttl <= 3600);
  assert.equal((await c.token.lookupAccessor(a.accessor)).accessor, a.accessor);

  const ca = as(a.client_token);
  const renewed = await ca.token.renewSelf('2h');
  assert.equal(renewed.client_token, a.client_token);
  assert.equal(renewed.lease_duration, 7200);
  assert.equal((await c.token.renew(a.client_token, 600)).lease_duration, 600);

  await c.sys.policies.write('creator', 'path "auth/token/create" {\n  capabilities = ["update"]\n}\n');
  const parent = await c.token.create({ policies: ['default', 'creator'] });
  const cp = as(parent.client_token);
  const child = await cp.token.create({ policies: ['default'] });
  assert.equal((await c.token.lookup(child.client_token)).orphan, false);
  const orphan = await c.token.create({ policies: ['default'] }, { orphan: true });
  assert.equal((await c.token.lookup(orphan.client_token)).orphan, true);
  await c.token.revoke(parent.client_token);
  cp.close();
  await c.token.revoke(a.client_token);
  await assert.rejects(c.token.lookup(child.client_token), (e: unknown) => e instanceof VaultError && e.status >= 400);
  await assert.rejects(ca.token.lookupSelf(), (e: unknown) => e instanceof VaultError && e.status === 403);
  ca.close();

  const b = await c.token.create({ policies: ['default'] });
  const cb = as(b.client_token);
  await cb.token.revokeSelf();
  assert.equal(cb.getToken(), undefined);
  await assert.rejects(c.token.lookup(b.client_token));
  cb.close();
});

test('lifetime watcher: renews a 2s token until its explicit max TTL, then reports max-ttl', async () => {
  const t = await c.token.create({ policies: ['default'], ttl: '2s', explicit_max_ttl: '4s' });
  const tc = as(t.client_token);
  const renewals: RenewEvent[] = [];
  const errors: Error[] = [];
  const started = Date.now();
  const w = tc.lifetimeWatcher({ kind: 'token', increment: 2, onRenew: (e) => renewals.push(e), onError: (e) => errors.push(e) });
  const done = await w.done;
  tc.close();
  assert.equal(done.reason, 'max-ttl', JSON.stringify({ done, errors: errors.map(String) }));
  assert.deepEqual(errors, []);
  assert.ok(renewals.length >= 1, 'renewed at least once');
  assert.ok(renewals[0]!.renewedAt - started >= 1000, 'first renewal at about 2/3 of the TTL, not at once');
  assert.ok(done.expiresAt !== null, 'the watcher reports when the token expires');
});

test('lifetime watcher: a non-renewable token is reported as not-renewable shortly before expiry', async () => {
  const t = await c.token.create({ policies: ['default'], ttl: '1s', renewable: false });
  const tc = as(t.client_token);
  const renewals: RenewEvent[] = [];
  const started = Date.now();
  const done = await tc.lifetimeWatcher({ kind: 'token', onRenew: (e) => renewals.push(e) }).done;
  tc.close();
  assert.equal(done.reason, 'not-renewable');
  assert.equal(renewals.length, 0);
  const took = Date.now() - started;
  assert.ok(took >= 500 && took < 1500, `reported after ${took} ms`);
});

test('lifetime watcher: the root token never expires: not-renewable at once', async () => {
  const done = await c.lifetimeWatcher({ kind: 'token' }).done;
  assert.equal(done.reason, 'not-renewable');
  assert.equal(done.expiresAt, null);
});

test('lifetime watcher: a token revoked under it -> renewal failed (403), not max-ttl', async () => {
  const t = await c.token.create({ policies: ['default'], ttl: '2s' });
  const errors: Error[] = [];
  const w = c.lifetimeWatcher({ kind: 'token', token: t.client_token, ttl: 2, renewable: true, onError: (e) => errors.push(e) });
  await c.token.revoke(t.client_token);
  const done = await w.done;
  assert.equal(done.reason, 'failed');
  assert.ok(done.error instanceof VaultError && done.error.status === 403, String(done.error));
  assert.equal(errors.length, 1);
});

test('lifetime watcher: stop() ends it with reason stopped', async () => {
  const t = await c.token.create({ policies: ['default'], ttl: '1h' });
  const w = c.lifetimeWatcher({ kind: 'token', token: t.client_token });
  w.stop();
  assert.equal((await w.done).reason, 'stopped');
});
