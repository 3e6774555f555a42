// The file sink does not queue behind libuv's thread pool: with every pool thread busy (as a login
// flood's scrypt keeps it), a line still reaches the file before any of that work finishes.
// Ordering only, no timing: the old async write had to wait for a pool thread, so it came after.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pbkdf2 } from 'node:crypto';
import { join } from 'node:path';
import { createSink } from '../../../src/server/audit/sink.js';
import { readLines, tempDir } from './support.js';

test('an audit line to a regular file is written while every thread-pool thread is busy', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const file = join(tmp.dir, 'audit.log');
  const sink = createSink({ kind: 'file', path: file, mode: 0o600 });
  t.after(() => sink.close());
  await sink.open();

  const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const order: string[] = [];
  const busy = Array.from(
    { length: poolSize },
    () => new Promise<void>((resolve, reject) => pbkdf2('pw', 'salt', 400_000, 32, 'sha256', (err) => (err ? reject(err) : (order.push('pool work'), resolve())))),
  );
  await sink.write(Buffer.from('{"type":"request"}\n'));
  order.push('audit line');
  await Promise.all(busy);
  assert.equal(order[0], 'audit line', order.join(', '));
  assert.deepEqual(readLines(file), ['{"type":"request"}']);
});
