// Booleans are read with Go's rules everywhere (src/lib/parse-bool.ts): every spelling strconv.ParseBool
// accepts and a sample of the ones it refuses, through the `?list=` query parameter, a TypeBool request
// field (KV v2's cas_required, which Vault reads by mapstructure weak decoding) and the server and agent
// config files (strings in HCL and JSON included). Plus node-vault's `?list=1` and the helper itself.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeVault from 'node-vault';
import { startDevServer, type DevServer } from '../support/server.js';
import { api } from '../support/http.js';
import { parseBool, weakBool } from '../../src/lib/parse-bool.js';
import { loadServerConfig } from '../../src/server/config-file.js';
import { loadAgentConfig } from '../../src/agent/config/index.js';

const TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False'];
const REFUSED = ['yes', 'no', 'on', 'off', 'y', 'tRUE', 'fALSE', 'TRue', ' true', 'true ', '2', '-1', '1.0', '01', 'truee', 'nil'];

const ROOT = 'bool-root';
let srv: DevServer;
let dir: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-bools-'));
  srv = await startDevServer(ROOT);
  const ok = (r: { status: number; text: string }, what: string): void => assert.ok(r.status < 300, `${what}: ${r.status} ${r.text}`);
  ok(await api(srv.addr, 'POST', 'sys/mounts/kv1', { token: ROOT, body: { type: 'kv', options: { version: '1' } } }), 'mount kv1');
  ok(await api(srv.addr, 'PUT', 'kv1/team', { token: ROOT, body: { leaf: 'the secret at kv1/team' } }), 'write kv1/team');
  ok(await api(srv.addr, 'PUT', 'kv1/team/db', { token: ROOT, body: { url: 'postgres://db' } }), 'write kv1/team/db');
  ok(await api(srv.addr, 'PUT', 'secret/data/team', { token: ROOT, body: { data: { leaf: 'v2 leaf' } } }), 'write secret/data/team');
  ok(await api(srv.addr, 'PUT', 'secret/data/team/db', { token: ROOT, body: { data: { url: 'postgres://db' } } }), 'write secret/data/team/db');
});

after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the helper: strconv.ParseBool exactly, and weak decoding for fields and config values', () => {
  for (const s of TRUE) assert.equal(parseBool(s), true, s);
  for (const s of FALSE) assert.equal(parseBool(s), false, s);
  for (const s of [...REFUSED, '']) assert.equal(parseBool(s), undefined, JSON.stringify(s));
  assert.equal(weakBool(''), false);
  assert.equal(weakBool(true), true);
  assert.equal(weakBool(2), true, 'an HCL int: non-zero is true');
  assert.equal(weakBool(2, { numbers: 'text' }), undefined, 'a JSON number in a request: its text goes through ParseBool');
  assert.equal(weakBool(1, { numbers: 'text' }), true);
  assert.equal(weakBool(0, { numbers: 'text' }), false);
  assert.equal(weakBool(null), undefined);
  assert.equal(weakBool([true]), undefined);
});

test('?list= takes every ParseBool spelling, on KV v1 and v2, without a trailing slash', async () => {
  for (const s of TRUE) {
    const v1 = await api(srv.addr, 'GET', `kv1/team?list=${encodeURIComponent(s)}`, { token: ROOT });
    assert.equal(v1.status, 200, `list=${s}: ${v1.text}`);
    assert.deepEqual(v1.body.data.keys, ['db'], `list=${s} lists the folder kv1/team/`);
    const v2 = await api(srv.addr, 'GET', `secret/metadata/team?list=${encodeURIComponent(s)}`, { token: ROOT });
    assert.equal(v2.status, 200, `list=${s}: ${v2.text}`);
    assert.deepEqual(v2.body.data.keys, ['db']);
  }
  for (const s of [...FALSE, '']) {
    const r = await api(srv.addr, 'GET', `kv1/team?list=${encodeURIComponent(s)}`, { token: ROOT });
    assert.equal(r.status, 200, `list=${s}: ${r.text}`);
    assert.deepEqual(r.body.data, { leaf: 'the secret at kv1/team' }, `list=${JSON.stringify(s)} is a read`);
  }
});

test('?list= with anything else is a 400 that names the parameter and what it accepts', async () => {
  for (const s of REFUSED) {
    const r = await api(srv.addr, 'GET', `kv1/team?list=${encodeURIComponent(s)}`, { token: ROOT });
    assert.equal(r.status, 400, `list=${JSON.stringify(s)}: ${r.text}`);
    assert.equal(r.body.errors.length, 1);
    assert.match(r.body.errors[0], /invalid value for the "list" query parameter: ".*" is not a boolean; use true or false \(also 1\/0/);
  }
});

test('a TypeBool field (KV v2 cas_required) takes ParseBool strings, "", JSON booleans and the numbers 0 and 1', async () => {
  const set = (v: unknown) => api(srv.addr, 'POST', 'secret/config', { token: ROOT, body: { cas_required: v } });
  const read = async (): Promise<boolean> => (await api(srv.addr, 'GET', 'secret/config', { token: ROOT })).body.data.cas_required;
  const cases: [unknown, boolean][] = [...TRUE.map((s): [string, boolean] => [s, true]), ...FALSE.map((s): [string, boolean] => [s, false]), ['', false], [true, true], [false, false], [1, true], [0, false]];
  for (const [v, want] of cases) {
    await set(!want); // start from the other value, so the read proves the write
    const r = await set(v);
    assert.ok(r.status < 300, `cas_required=${JSON.stringify(v)}: ${r.status} ${r.text}`);
    assert.equal(await read(), want, `cas_required=${JSON.stringify(v)}`);
  }
  await set(false);
  for (const v of [...REFUSED, 2, -1, 0.5, ['true'], { a: 1 }]) {
    const r = await set(v);
    assert.equal(r.status, 400, `cas_required=${JSON.stringify(v)}: ${r.text}`);
    assert.match(r.body.errors[0], /error converting input for field "cas_required": .* is not a boolean; use true or false/);
    assert.equal(await read(), false, 'a refused write changes nothing');
  }
});

function serverConfig(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const STORAGE = 'storage "inmem" {}\nlistener "tcp" {\n  address = "127.0.0.1:8200"\n  tls_disable = true\n}\n';

test('server config file: disable_cache and tls_disable as HCL strings, JSON strings, numbers and booleans', () => {
  let n = 0;
  for (const [s, want] of [...TRUE.map((x): [string, boolean] => [x, true]), ...FALSE.map((x): [string, boolean] => [x, false]), ['', false]] as [string, boolean][]) {
    const hcl = loadServerConfig([serverConfig(`s${n++}.hcl`, `${STORAGE}disable_cache = ${JSON.stringify(s)}\n`)]);
    assert.equal(hcl.disableCache, want, `HCL disable_cache = ${JSON.stringify(s)}`);
    const tcp = { address: '127.0.0.1:8200', tls_disable: s, tls_cert_file: '/etc/c.pem', tls_key_file: '/etc/k.pem' };
    const json = loadServerConfig([serverConfig(`s${n++}.json`, JSON.stringify({ storage: { inmem: {} }, listener: { tcp }, disable_cache: s }))]);
    assert.equal(json.disableCache, want, `JSON "disable_cache": ${JSON.stringify(s)}`);
    assert.equal(json.listeners[0]!.tlsDisable, want, `JSON "tls_disable": ${JSON.stringify(s)}`);
  }
  assert.equal(loadServerConfig([serverConfig(`s${n++}.hcl`, `${STORAGE}disable_cache = 2\n`)]).disableCache, true, 'an HCL number: non-zero is true');
  assert.equal(loadServerConfig([serverConfig(`s${n++}.hcl`, `${STORAGE}disable_cache = 0\n`)]).disableCache, false);
  for (const s of REFUSED) {
    const p = serverConfig(`s${n++}.hcl`, `${STORAGE}disable_cache = ${JSON.stringify(s)}\n`);
    assert.throws(() => loadServerConfig([p]), /"disable_cache" must be true or false \(also 1\/0/, `disable_cache = ${JSON.stringify(s)}`);
  }
});

test('agent config file: exit_after_auth as an HCL string, a JSON string, a number and a boolean', () => {
  let n = 0;
  const agent = (text: string, ext = 'hcl') => {
    const p = join(dir, `a${n++}.${ext}`);
    writeFileSync(p, text);
    return loadAgentConfig([p], { env: {} });
  };
  const autoAuth = 'auto_auth {\n  method "kubernetes" {\n    config = { role = "r" }\n  }\n  sink "file" {\n    config = { path = "/tmp/t" }\n  }\n}\n';
  for (const [s, want] of [...TRUE.map((x): [string, boolean] => [x, true]), ...FALSE.map((x): [string, boolean] => [x, false])] as [string, boolean][]) {
    assert.equal(agent(`${autoAuth}exit_after_auth = ${JSON.stringify(s)}\n`).exitAfterAuth, want, `HCL exit_after_auth = ${JSON.stringify(s)}`);
    const json = JSON.stringify({ exit_after_auth: s, auto_auth: { method: { kubernetes: { config: { role: 'r' } } }, sink: [{ type: 'file', config: { path: '/tmp/t' } }] } });
    assert.equal(agent(json, 'json').exitAfterAuth, want, `JSON "exit_after_auth": ${JSON.stringify(s)}`);
  }
  assert.equal(agent(`${autoAuth}exit_after_auth = 1\n`).exitAfterAuth, true);
  for (const s of REFUSED) {
    assert.throws(() => agent(`${autoAuth}exit_after_auth = ${JSON.stringify(s)}\n`), /exit_after_auth must be true or false \(also 1\/0/, `exit_after_auth = ${JSON.stringify(s)}`);
  }
});

test('node-vault with noCustomHTTPVerbs (GET ?list=1) lists KV v1 and v2 folders', async () => {
  const nv = nodeVault({ apiVersion: 'v1', endpoint: srv.addr, token: ROOT, noCustomHTTPVerbs: true });
  assert.deepEqual((await nv.list('kv1/team')).data.keys, ['db']);
  assert.deepEqual((await nv.list('kv1/team/')).data.keys, ['db']);
  assert.deepEqual((await nv.list('secret/metadata/team')).data.keys, ['db']);
  assert.deepEqual((await nv.list('secret/metadata')).data.keys, ['team', 'team/']);
  await assert.rejects(nv.list('kv1/nothing-here'), (e: Error & { response?: { statusCode: number } }) => e.response?.statusCode === 404);
});
