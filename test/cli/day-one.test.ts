// The commands a Vault user types on day one, as a child process against a dev server:
// `coffer version` (-v, -version, --version), `coffer print token`, `coffer unwrap` and
// `coffer path-help` (the server's `?help=1` answer behind it).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { api } from '../support/http.js';
import { tempDir } from '../support/server.js';
import { coffer, devServerCli, expectCode } from './run.js';

const ROOT = 'cli-day-one-root';
const srv = devServerCli(ROOT);
const run = (args: string[], env: Record<string, string | undefined> = {}): ReturnType<typeof srv.run> => srv.run(args, { env });

const PKG_VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { version: string }).version;

test('version, -v, -version and --version print "Coffer v<package.json version>" and exit 0', async () => {
  const forms = [['version'], ['-v'], ['-version'], ['--version']];
  const results = await Promise.all(forms.map((args) => coffer(args)));
  results.forEach((r, i) => {
    expectCode(r, 0);
    assert.equal(r.stdout, `Coffer v${PKG_VERSION}\n`, forms[i]!.join(' '));
    assert.equal(r.stderr, '');
  });
  // As Vault, the flag form counts only alone.
  expectCode(await coffer(['-version', 'extra']), 1);
});

test('print token: VAULT_TOKEN, else ~/.vault-token, else an empty line', async () => {
  const home = tempDir('coffer-cli-home-');
  assert.equal(expectCode(await coffer(['print', 'token'], { env: { VAULT_TOKEN: 'hvs.from-env', HOME: home } }), 0).stdout, 'hvs.from-env\n');
  assert.equal(expectCode(await coffer(['print', 'token'], { env: { HOME: home } }), 0).stdout, '\n');
  writeFileSync(join(home, '.vault-token'), 'hvs.from-helper\n', { mode: 0o600 });
  assert.equal(expectCode(await coffer(['print', 'token'], { env: { HOME: home } }), 0).stdout, 'hvs.from-helper\n');
  assert.equal(expectCode(await coffer(['print', 'token'], { env: { VAULT_TOKEN: 'hvs.from-env', HOME: home } }), 0).stdout, 'hvs.from-env\n');
  const extra = expectCode(await coffer(['print', 'token', 'x'], { env: { HOME: home } }), 1);
  assert.match(extra.stderr, /^Too many arguments \(expected 0, got 1\)/);
  assert.match(expectCode(await coffer(['print']), 1).stderr, /Subcommands:\n +token +Prints the Coffer token currently in use/);
});

test('unwrap TOKEN prints the wrapped response like read; -field and -format work; a used token exits 2', async () => {
  expectCode(await run(['kv', 'put', 'secret/app', 'password=s3cr3t']), 0);
  const token = expectCode(await run(['read', '-wrap-ttl=5m', '-field=wrapping_token', 'secret/data/app']), 0).stdout;
  assert.match(token, /^hvs\./);
  const json = JSON.parse(expectCode(await run(['unwrap', '-format=json', token]), 0).stdout) as { data: { data: { password: string } } };
  assert.equal(json.data.data.password, 's3cr3t');
  const again = expectCode(await run(['unwrap', token]), 2);
  assert.match(again.stderr, /^Error unwrapping: Error making API request\.\n\nURL: PUT http:\/\/127\.0\.0\.1:\d+\/v1\/sys\/wrapping\/unwrap\nCode: 400/);

  // Data wrapped by sys/wrapping/wrap: the table, and -field.
  const wrap = async (): Promise<string> => expectCode(await run(['write', '-wrap-ttl=5m', '-field=wrapping_token', 'sys/wrapping/wrap', 'user=admin', 'pw=hunter2']), 0).stdout;
  const table = expectCode(await run(['unwrap', await wrap()]), 0).stdout;
  assert.equal(table, 'Key     Value\n---     -----\npw      hunter2\nuser    admin\n');
  assert.equal(expectCode(await run(['unwrap', '-field=pw', await wrap()]), 0).stdout, 'hunter2');
  expectCode(await run(['unwrap', 'a', 'b']), 1);
});

test('unwrap with no argument unwraps the CLI\'s own token (VAULT_TOKEN = the wrapping token)', async () => {
  const token = expectCode(await run(['write', '-wrap-ttl=5m', '-field=wrapping_token', 'sys/wrapping/wrap', 'color=blue']), 0).stdout;
  assert.equal(expectCode(await run(['unwrap', '-field=color'], { VAULT_TOKEN: token }), 0).stdout, 'blue');
  // The wrapping token given while VAULT_TOKEN is the same token: sent once, as the client token.
  const t2 = expectCode(await run(['write', '-wrap-ttl=5m', '-field=wrapping_token', 'sys/wrapping/wrap', 'color=red']), 0).stdout;
  assert.equal(expectCode(await run(['unwrap', '-field=color', t2], { VAULT_TOKEN: t2 }), 0).stdout, 'red');
});

test('GET ?help=1 answers {help, openapi} without the envelope; a token is needed, no policy', async () => {
  const r = await api(srv.addr, 'GET', 'secret/data/foo?help=1', { token: ROOT });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.body).sort(), ['help', 'openapi']);
  assert.match(r.body.help, /Request: +data\/foo\nMatching Route: \^data\//);
  assert.equal(r.body.openapi.openapi, '3.0.2');
  assert.ok(r.body.openapi.paths['/secret/data/{path}'], JSON.stringify(r.body.openapi.paths));
  assert.equal((await api(srv.addr, 'GET', 'secret/data/foo?help=1')).status, 403);
  assert.equal((await api(srv.addr, 'GET', 'secret/data/foo?help=1', { token: 'hvs.not-a-token' })).status, 403);
  // A token whose policy grants nothing on the path still gets its help (Vault: help is always allowed).
  const limited = (await api(srv.addr, 'POST', 'auth/token/create', { token: ROOT, body: { policies: ['default'] } })).body.auth.client_token as string;
  assert.equal((await api(srv.addr, 'GET', 'secret/data/foo?help=1', { token: limited })).status, 200);
  assert.equal((await api(srv.addr, 'GET', 'secret/data/foo', { token: limited })).status, 403);
  assert.equal((await api(srv.addr, 'GET', 'nowhere/x?help=1', { token: ROOT })).status, 404);
});

test('path-help: a mount lists its routes, a path shows its route, parameters and description; -format=json prints OpenAPI', async () => {
  const mount = expectCode(await run(['path-help', 'secret/']), 0).stdout;
  assert.match(mount, /^\n## DESCRIPTION\n\nThe kv backend mounted at secret\/\.\n\n## PATHS\n/);
  assert.match(mount, /\n    \^data\/\(\?<path>.*\$\n        Write, Patch, Read, and Delete data in the Key-Value Store\.\n/);
  const path = expectCode(await run(['path-help', 'secret/data/my-secret']), 0).stdout;
  assert.match(path, /^\nRequest: +data\/my-secret\nMatching Route: \^data\/.*\$\n\nWrite, Patch, Read, and Delete data in the Key-Value Store\.\n\n## PARAMETERS\n\n    data \(map\)\n\n        The contents of the data map/);
  assert.match(path, /\n## DESCRIPTION\n\n.+\n/);
  const oa = JSON.parse(expectCode(await run(['path-help', '-format=json', 'secret/data/my-secret']), 0).stdout) as { openapi: string; paths: Record<string, { post?: unknown; get?: unknown }> };
  assert.equal(oa.openapi, '3.0.2');
  assert.ok(oa.paths['/secret/data/{path}']?.post && oa.paths['/secret/data/{path}']?.get);
  const login = expectCode(await run(['path-help', 'auth/token/create']), 0).stdout;
  assert.match(login, /Matching Route: \^create\$/);

  const unknown = expectCode(await run(['path-help', 'nowhere/x']), 2);
  assert.match(unknown.stderr, /^Error retrieving help: Error making API request\.\n\nURL: GET http:\/\/127\.0\.0\.1:\d+\/v1\/nowhere\/x\nCode: 404/);
  const badToken = expectCode(await run(['path-help', 'secret/'], { VAULT_TOKEN: 'hvs.nope' }), 2);
  assert.match(badToken.stderr, /Code: 403/);
  assert.match(expectCode(await run(['path-help']), 1).stderr, /^Not enough arguments \(expected 1, got 0\)/);
});

test('path-help on a sealed server says it must be unsealed (exit 2)', async () => {
  expectCode(await run(['operator', 'seal']), 0);
  const r = expectCode(await run(['path-help', 'secret/']), 2);
  assert.equal(r.stderr, 'Error: Coffer is sealed.\n\nThe "path-help" command requires Coffer to be unsealed so that the mount\npoints of the secret engines are known.\n');
});
