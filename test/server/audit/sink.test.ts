// The file sink on its own: whole ordered lines, deletion noticed, failures reported, close semantics.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSink } from '../../../src/server/audit/sink.js';
import { readLines, tempDir } from './support.js';

const line = (s: string): Buffer => Buffer.from(`${s}\n`);

test('a deleted file is recreated at its path, so later lines are not lost', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = join(tmp.dir, 'audit.log');
  const sink = createSink({ kind: 'file', path: file, mode: 0o600 }, { deletionCheckMs: 0 });
  t.after(() => sink.close());
  await sink.open();
  await sink.write(line('one'));
  rmSync(file);
  await sink.write(line('two'));
  assert.deepEqual(readLines(file), ['two']);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('a deleted file that cannot be recreated fails the write, and recovers when the path works again', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const dir = join(tmp.dir, 'logs');
  const file = join(dir, 'audit.log');
  const sink = createSink({ kind: 'file', path: file, mode: 0o600 }, { deletionCheckMs: 0 });
  t.after(() => sink.close());
  await sink.open();
  await sink.write(line('one'));
  // Delete the file and put a plain file where its directory was: nothing can recreate it, even as root.
  rmSync(dir, { recursive: true });
  writeFileSync(dir, 'not a directory');
  await assert.rejects(sink.write(line('two')), (e: unknown) => e instanceof Error && e.message.includes(file));
  rmSync(dir);
  await sink.write(line('three'));
  assert.deepEqual(readLines(file), ['three']);
});

test('a full disk fails every write', { skip: !existsSync('/dev/full') }, async (t) => {
  const sink = createSink({ kind: 'file', path: '/dev/full', mode: 0o600 });
  t.after(() => sink.close());
  await sink.open();
  await assert.rejects(sink.write(line('x')), /\/dev\/full.*ENOSPC|ENOSPC/);
  await assert.rejects(sink.write(line('y')));
});

test('lines queued together are written whole, in order', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = join(tmp.dir, 'audit.log');
  const sink = createSink({ kind: 'file', path: file, mode: 0o600 });
  await sink.open();
  const n = 2000;
  await Promise.all(Array.from({ length: n }, (_, i) => sink.write(line(`${i}:${'z'.repeat(i % 300)}`))));
  await sink.close();
  const got = readLines(file);
  assert.equal(got.length, n);
  got.forEach((l, i) => assert.equal(l, `${i}:${'z'.repeat(i % 300)}`));
});

test('close waits for queued lines; writes after close are refused', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = join(tmp.dir, 'audit.log');
  const sink = createSink({ kind: 'file', path: file, mode: 0o600 });
  await sink.open();
  const pending = [sink.write(line('a')), sink.write(line('b'))];
  await sink.close();
  await Promise.all(pending);
  assert.deepEqual(readLines(file), ['a', 'b']);
  await assert.rejects(sink.write(line('c')), /closed/);
});

test('mode 0000 leaves an existing file\'s mode alone', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = join(tmp.dir, 'audit.log');
  writeFileSync(file, '', { mode: 0o644 });
  const sink = createSink({ kind: 'file', path: file, mode: 0 });
  await sink.open();
  await sink.close();
  assert.equal(statSync(file).mode & 0o777, 0o644);
});
