// `coffer login` and the token helper, as a child process against a dev server: a token given as
// an argument or on stdin, kept in $HOME/.vault-token with mode 0600 and used by later commands
// when VAULT_TOKEN is unset; -no-store, -token-only, -field; the VAULT_TOKEN warning; userpass
// (password from stdin too) and approle; refusals exit 2 without echoing the secret.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, tempDir, type DevServer } from '../support/server.js';
import { coffer, expectCode, type RunOptions } from './run.js';

const ROOT = 'cli-login-root';
let srv: DevServer;

before(async () => {
  srv = await startDevServer(ROOT);
});
after(async () => {
  await srv.stop();
});

/** The CLI with VAULT_TOKEN unset and a HOME of its own (so ~/.vault-token is the helper's file). */
const asUser = (home: string) => (args: string[], opts: RunOptions = {}) => coffer(args, { ...opts, env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: undefined, HOME: home, ...opts.env } });
const root = (args: string[], opts: RunOptions = {}) => coffer(args, { ...opts, env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: ROOT, ...opts.env } });

test('login TOKEN stores the token in ~/.vault-token (0600); later commands use it when VAULT_TOKEN is unset', async () => {
  const home = tempDir();
  const run = asUser(home);
  const before = await run(['token', 'lookup']);
  expectCode(before, 2);
  const r = expectCode(await run(['login', ROOT]), 0);
  assert.match(r.stdout, /^Success! You are now authenticated\. The token information displayed below\nis already stored in the token helper\. You do NOT need to run "coffer login"\nagain\. Future Coffer requests will automatically use this token\.\n\nKey +Value\n--- +-----\ntoken +cli-login-root\ntoken_accessor +\S+\ntoken_duration +∞\ntoken_renewable +false\ntoken_policies +\["root"\]\nidentity_policies +\[\]\npolicies +\["root"\]\n$/);
  assert.equal(r.stderr, '');
  const file = join(home, '.vault-token');
  assert.equal(readFileSync(file, 'utf8'), ROOT);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(expectCode(await run(['token', 'lookup', '-field=id']), 0).stdout, ROOT);
  expectCode(await run(['kv', 'put', 'secret/via-helper', 'a=b']), 0);
});

test('login - (or no argument) reads the token from stdin; a bad token exits 2, not echoed, file untouched', async () => {
  const home = tempDir();
  const run = asUser(home);
  expectCode(await run(['login', '-'], { stdin: `${ROOT}\n` }), 0);
  assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), ROOT);
  const home2 = tempDir();
  expectCode(await asUser(home2)(['login'], { stdin: `${ROOT}\n` }), 0);
  assert.equal(readFileSync(join(home2, '.vault-token'), 'utf8'), ROOT);
  const bad = await run(['login', 'hvs.not-a-real-token']);
  expectCode(bad, 2);
  assert.match(bad.stderr, /^Error authenticating: Error making API request\.\n\nURL: GET .*\/v1\/auth\/token\/lookup-self\nCode: 403\./);
  assert.ok(!bad.stderr.includes('hvs.not-a-real-token') && !bad.stdout.includes('hvs.not-a-real-token'));
  assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), ROOT, 'the stored token is kept');
});

test('-no-store, -token-only and -field; with VAULT_TOKEN set the token is stored and a warning printed (as Vault)', async () => {
  const home = tempDir();
  const run = asUser(home);
  const child = expectCode(await root(['token', 'create', '-policy=default', '-field=token']), 0).stdout;
  const ns = expectCode(await run(['login', '-no-store', child]), 0);
  assert.match(ns.stdout, /NOT\s+stored/);
  assert.ok(!existsSync(join(home, '.vault-token')));
  assert.equal(expectCode(await run(['login', '-token-only', child]), 0).stdout, child);
  assert.ok(!existsSync(join(home, '.vault-token')));
  assert.equal(expectCode(await run(['login', '-no-store', '-field=policies', child]), 0).stdout, '[default]');
  const j = JSON.parse(expectCode(await run(['login', '-no-store', '-format=json', child]), 0).stdout);
  assert.equal(j.auth.client_token, child);
  const warned = expectCode(await run(['login', child], { env: { VAULT_TOKEN: ROOT } }), 0);
  assert.match(warned.stderr, /^WARNING! The VAULT_TOKEN environment variable is set!/);
  assert.equal(readFileSync(join(home, '.vault-token'), 'utf8'), child);
});

test('login -method=userpass (password as an argument or on stdin) and -method=approle, at -path', async () => {
  expectCode(await root(['auth', 'enable', 'userpass']), 0);
  expectCode(await root(['auth', 'enable', '-path=apps', 'approle']), 0);
  expectCode(await root(['write', 'auth/userpass/users/alice', 'password=correct horse', 'token_policies=default']), 0);
  const home = tempDir();
  const run = asUser(home);
  const r = expectCode(await run(['login', '-method=userpass', 'username=alice', 'password=correct horse']), 0);
  assert.match(r.stdout, /\ntoken_meta_username +alice\n/);
  const stored = readFileSync(join(home, '.vault-token'), 'utf8');
  assert.match(stored, /^hvs\./);
  assert.equal(expectCode(await run(['token', 'lookup', '-field=display_name']), 0).stdout, 'userpass-alice');
  expectCode(await run(['login', '-method=userpass', 'username=alice'], { stdin: 'correct horse\n' }), 0);
  const wrong = await run(['login', '-method=userpass', 'username=alice', 'password=wrong'], {});
  expectCode(wrong, 2);
  assert.ok(!wrong.stderr.includes('wrong'.repeat(2)) && !wrong.stderr.includes('password=wrong'));

  expectCode(await root(['write', 'auth/apps/role/web', 'token_policies=default', 'token_ttl=10m']), 0);
  const roleId = expectCode(await root(['read', '-field=role_id', 'auth/apps/role/web/role-id']), 0).stdout;
  const secretId = expectCode(await root(['write', '-f', '-field=secret_id', 'auth/apps/role/web/secret-id']), 0).stdout;
  const a = expectCode(await run(['login', '-method=approle', '-path=apps', `role_id=${roleId}`, `secret_id=${secretId}`, '-format=json'].filter((x) => x !== '-format=json')), 0);
  assert.match(a.stdout, /\ntoken_duration +10m\n/);
  assert.match(a.stdout, /\ntoken_meta_role_name +web\n/);

  const unknown = await run(['login', '-method=ldap', 'username=x']);
  expectCode(unknown, 1);
  assert.match(unknown.stderr, /Unknown auth method: ldap/);
  const noUser = await run(['login', '-method=userpass', 'password=x']);
  expectCode(noUser, 1);
});
