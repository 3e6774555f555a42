// `coffer operator init|unseal|seal|rotate|key-status` and `coffer status` against a production
// server over HTTPS (test CA): -ca-cert / VAULT_CACERT / -tls-skip-verify, init's keys and root
// token, status exit codes (2 while sealed), unseal keys as an argument or on stdin, -reset,
// rotate and key-status, seal, and what a sealed server answers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTlsServer, tempDir, type ServerProcess } from '../support/server.js';
import { makeTestPki, type TestPki } from '../support/tls.js';
import { coffer, expectCode, type RunOptions } from './run.js';

let srv: ServerProcess;
let pki: TestPki;
const dir = tempDir();

before(async () => {
  pki = makeTestPki(dir);
  srv = await startTlsServer(`storage "inmem" {}`, pki, dir);
});
after(async () => {
  await srv.stop();
});

const run = (args: string[], opts: RunOptions = {}) => coffer(args, { ...opts, env: { VAULT_ADDR: srv.addr, VAULT_CACERT: pki.caFile, ...opts.env } });

test('TLS: VAULT_CACERT or -ca-cert verify the server; without the CA the call fails (exit 2), -tls-skip-verify skips', async () => {
  expectCode(await run(['operator', 'init', '-status']), 2);
  const noCa = await run(['kv', 'get', 'secret/x'], { env: { VAULT_CACERT: undefined } });
  expectCode(noCa, 2);
  assert.match(noCa.stderr, /certificate|TLS/i);
  expectCode(await run(['operator', 'init', '-status', `-ca-cert=${pki.caFile}`], { env: { VAULT_CACERT: undefined } }), 2);
  expectCode(await run(['operator', 'init', '-status', '-tls-skip-verify'], { env: { VAULT_CACERT: undefined } }), 2);
  expectCode(await run(['operator', 'init', '-status'], { env: { VAULT_CACERT: undefined, VAULT_SKIP_VERIFY: 'true' } }), 2);
  const missing = await run(['status', '-ca-cert=/nonexistent/ca.pem']);
  expectCode(missing, 1);
  assert.match(missing.stderr, /Error loading CA certificate \/nonexistent\/ca\.pem/);
});

test('init, unseal (argument, then stdin), status exit codes, key-status, rotate, seal', async () => {
  const st0 = await run(['status']);
  expectCode(st0, 2);
  assert.match(st0.stdout, /\nInitialized +false\nSealed +true\n/);
  assert.equal(expectCode(await run(['operator', 'init', '-status']), 2).stdout, 'Coffer is not initialized\n');
  const badThreshold = await run(['operator', 'init', '-key-shares=3', '-key-threshold=5']);
  expectCode(badThreshold, 1);
  assert.match(badThreshold.stderr, /-key-threshold must be between 1 and -key-shares/);

  const init = expectCode(await run(['operator', 'init', '-key-shares=3', '-key-threshold=2']), 0).stdout;
  const keys = [...init.matchAll(/^Unseal Key (\d): (\S+)$/gm)].map((m) => m[2]!);
  assert.equal(keys.length, 3);
  const root = /^Initial Root Token: (\S+)$/m.exec(init)?.[1] ?? '';
  assert.match(root, /^hvs\./);
  assert.match(init, /Coffer initialized with 3 key shares and a key threshold of 2\./);
  assert.equal(expectCode(await run(['operator', 'init', '-status']), 0).stdout, 'Coffer is initialized\n');
  expectCode(await run(['operator', 'init', '-key-shares=1', '-key-threshold=1']), 2);

  const sealed = await run(['status']);
  expectCode(sealed, 2);
  assert.match(sealed.stdout, /\nSealed +true\nTotal Shares +3\nThreshold +2\nUnseal Progress +0\/2\nUnseal Nonce +n\/a\n/);
  const u1 = expectCode(await run(['operator', 'unseal', keys[0]!]), 0).stdout;
  assert.match(u1, /\nSealed +true\n(.*\n)*Unseal Progress +1\/2\n/);
  // -reset discards the progress; then the key again, and the second key from stdin (a pipe, not a terminal).
  assert.match(expectCode(await run(['operator', 'unseal', '-reset']), 0).stdout, /Unseal Progress +0\/2/);
  expectCode(await run(['operator', 'unseal', keys[0]!]), 0);
  const u2 = expectCode(await run(['operator', 'unseal'], { stdin: `${keys[1]}\n` }), 0).stdout;
  assert.match(u2, /\nSealed +false\n/);
  assert.ok(!u2.includes(keys[1]!), 'the key is not echoed');
  expectCode(await run(['status']), 0);
  const js = JSON.parse(expectCode(await run(['status', '-format=json']), 0).stdout);
  assert.equal(js.sealed, false);
  assert.equal(js.t, 2);

  const withRoot = (args: string[], opts: RunOptions = {}) => run(args, { ...opts, env: { VAULT_TOKEN: root, ...opts.env } });
  const ks = expectCode(await withRoot(['operator', 'key-status']), 0).stdout;
  assert.match(ks, /^Key Term            1\nInstall Time        \d\d [A-Z][a-z]{2} \d\d \d\d:\d\d UTC\nEncryption Count    \d+\n$/);
  const rot = expectCode(await withRoot(['operator', 'rotate']), 0).stdout;
  assert.match(rot, /^Success! Rotated key\n\nKey Term            2\nInstall Time        .*\nEncryption Count    \d+\n$/);
  assert.equal(JSON.parse(expectCode(await withRoot(['operator', 'key-status', '-format=json']), 0).stdout).term, 2);

  expectCode(await withRoot(['secrets', 'enable', '-path=secret', '-version=2', 'kv']), 0);
  expectCode(await withRoot(['kv', 'put', 'secret/x', 'a=b']), 0);
  assert.equal(expectCode(await withRoot(['operator', 'seal']), 0).stdout, 'Success! Coffer is sealed.\n');
  expectCode(await run(['status']), 2);
  const whileSealed = await withRoot(['kv', 'get', 'secret/x'], { env: { VAULT_MAX_RETRIES: '0' } });
  expectCode(whileSealed, 2);
  assert.match(whileSealed.stderr, /Code: 503\./);
  const badKey = await run(['operator', 'unseal', 'bm90LWEta2V5']);
  expectCode(badKey, 2);
  assert.match(badKey.stderr, /^Error unsealing: Error making API request\./);
  assert.ok(!badKey.stderr.includes('bm90LWEta2V5'), 'the key is not echoed');
  const noToken = await run(['operator', 'seal']);
  expectCode(noToken, 2);
});
