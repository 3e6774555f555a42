// A JSON body that is not valid UTF-8 is refused with 400 and the byte offset of the first bad
// sequence, and nothing is stored (Vault would store U+FFFD in place of the bytes: a different
// secret). Valid multi-byte text goes through unchanged. The CLI refuses a non-UTF-8 @file value.
// The offset finder is checked on Unicode's ill-formed sequences.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDevServer, tempDir, type DevServer } from '../../support/server.js';
import { api } from '../../support/http.js';
import { cli } from '../../cli/run.js';
import { decodeUtf8, firstInvalidUtf8, InvalidUtf8 } from '../../../src/lib/utf8.js';

const ROOT = 'utf8-root';
let srv: DevServer;
let dir: string;

before(async () => {
  dir = tempDir('coffer-utf8-');
  srv = await startDevServer(ROOT);
  const r = await api(srv.addr, 'POST', 'sys/mounts/kv1', { token: ROOT, body: { type: 'kv', options: { version: '1' } } });
  assert.ok(r.status < 300, r.text);
});

after(async () => {
  await srv?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** `{"data":{"password":"s3cr<0xff>3tXYZ"}}` (KV v2) or the same without the data wrapper (KV v1). */
function badBody(wrap: boolean): { body: Buffer; offset: number } {
  const head = Buffer.from(wrap ? '{"data":{"password":"s3cr' : '{"password":"s3cr');
  const tail = Buffer.from(wrap ? '3tXYZ"}}' : '3tXYZ"}');
  return { body: Buffer.concat([head, Buffer.from([0xff]), tail]), offset: head.length };
}

test('KV v2: an invalid byte inside a secret value is a 400 naming its offset, and nothing is stored', async () => {
  const { body, offset } = badBody(true);
  const r = await api(srv.addr, 'POST', 'secret/data/utf8/bad', { token: ROOT, rawBody: body });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.errors.length, 1);
  assert.match(r.body.errors[0], new RegExp(`^failed to parse JSON input: the body is not valid UTF-8: invalid UTF-8 byte sequence at byte offset ${offset} \\(counting from 0\\)`));
  assert.ok(!r.text.includes('s3cr') && !r.text.includes('3tXYZ'), 'the message does not echo the secret');
  assert.equal((await api(srv.addr, 'GET', 'secret/data/utf8/bad', { token: ROOT })).status, 404);
  assert.equal((await api(srv.addr, 'GET', 'secret/metadata/utf8/bad', { token: ROOT })).status, 404);
});

test('KV v1: the same, with PUT', async () => {
  const { body, offset } = badBody(false);
  const r = await api(srv.addr, 'PUT', 'kv1/utf8/bad', { token: ROOT, rawBody: body });
  assert.equal(r.status, 400, r.text);
  assert.match(r.body.errors[0], new RegExp(`at byte offset ${offset} `));
  assert.equal((await api(srv.addr, 'GET', 'kv1/utf8/bad', { token: ROOT })).status, 404);
});

test('a truncated multi-byte sequence and a UTF-16 surrogate are refused at the sequence start', async () => {
  for (const bad of [[0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
    const head = Buffer.from('{"data":{"k":"');
    const body = Buffer.concat([head, Buffer.from(bad), Buffer.from('"}}')]);
    const r = await api(srv.addr, 'POST', 'secret/data/utf8/seq', { token: ROOT, rawBody: body });
    assert.equal(r.status, 400, `${bad.map((b) => b.toString(16))}: ${r.text}`);
    assert.match(r.body.errors[0], new RegExp(`at byte offset ${head.length} `));
  }
  assert.equal((await api(srv.addr, 'GET', 'secret/data/utf8/seq', { token: ROOT })).status, 404);
});

test('valid multi-byte UTF-8 (accents, CJK, emoji) is stored exactly', async () => {
  const value = 'mötörhead-密码-🔑';
  const w = await api(srv.addr, 'POST', 'secret/data/utf8/good', { token: ROOT, rawBody: Buffer.from(JSON.stringify({ data: { password: value } })) });
  assert.equal(w.status, 200, w.text);
  const r = await api(srv.addr, 'GET', 'secret/data/utf8/good', { token: ROOT });
  assert.equal(r.body.data.data.password, value);
});

test('CLI: kv put with a non-UTF-8 @file is refused before anything is sent; a UTF-8 file is stored', async () => {
  const run = cli(srv.addr, ROOT);
  const bin = join(dir, 'key.bin');
  writeFileSync(bin, Buffer.from([0x61, 0x62, 0xfe, 0x63]));
  const bad = await run(['kv', 'put', 'secret/utf8/cli', `password=@${bin}`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, new RegExp(`file ${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid UTF-8 text \\(invalid UTF-8 byte sequence at byte offset 2 \\(counting from 0\\)\\); a binary value must be base64-encoded first`));
  assert.equal((await api(srv.addr, 'GET', 'secret/data/utf8/cli', { token: ROOT })).status, 404);
  const txt = join(dir, 'key.txt');
  writeFileSync(txt, 'clé');
  const good = await run(['kv', 'put', 'secret/utf8/cli', `password=@${txt}`]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal((await api(srv.addr, 'GET', 'secret/data/utf8/cli', { token: ROOT })).body.data.data.password, 'clé');
});

test('firstInvalidUtf8: the start of the first ill-formed sequence, -1 when well-formed', () => {
  const at = (...bytes: number[]): number => firstInvalidUtf8(Uint8Array.from(bytes));
  assert.equal(at(0x41, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x94, 0x91), -1, 'A é € 🔑');
  assert.equal(at(), -1);
  assert.equal(at(0x41, 0x80), 1, 'a stray continuation byte');
  assert.equal(at(0xc0, 0x80), 0, 'overlong NUL');
  assert.equal(at(0xc1, 0xbf), 0, 'overlong 2-byte');
  assert.equal(at(0xe0, 0x80, 0x80), 0, 'overlong 3-byte');
  assert.equal(at(0xf0, 0x80, 0x80, 0x80), 0, 'overlong 4-byte');
  assert.equal(at(0x41, 0xed, 0xa0, 0x80), 1, 'a UTF-16 surrogate');
  assert.equal(at(0xf4, 0x90, 0x80, 0x80), 0, 'above U+10FFFF');
  assert.equal(at(0xf5, 0x80, 0x80, 0x80), 0);
  assert.equal(at(0x41, 0x42, 0xe2, 0x82), 2, 'truncated at the end');
  assert.equal(at(0xe2, 0x82, 0x41), 0, 'cut short by an ASCII byte');
  assert.equal(at(0xef, 0xbf, 0xbf, 0xff), 3, 'U+FFFF is fine; 0xff never is');
  // The finder and the decoder agree on what is valid.
  for (const bytes of [[0xc3, 0xa9], [0xc3], [0xed, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xf4, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80]]) {
    const u = Uint8Array.from(bytes);
    let decoderOk = true;
    try {
      decodeUtf8(u);
    } catch (e) {
      assert.ok(e instanceof InvalidUtf8);
      decoderOk = false;
    }
    assert.equal(firstInvalidUtf8(u) === -1, decoderOk, bytes.map((b) => b.toString(16)).join(' '));
  }
});
