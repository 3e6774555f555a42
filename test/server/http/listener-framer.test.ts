// Unit tests for the request framer: exact output bytes, independence from how input is split,
// and which errors stop a connection at a request boundary versus inside a body.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestFramer, type FramingError } from '../../../src/server/http/listener-framer.js';

function run(parts: Buffer[]): { output: string; error: FramingError | null } {
  const framer = new RequestFramer();
  const out: Buffer[] = [];
  let error: FramingError | null = null;
  for (const part of parts) {
    const e = framer.feed(part, out);
    if (e !== null && error === null) error = e;
  }
  return { output: Buffer.concat(out).toString('latin1'), error };
}

function whole(input: string): { output: string; error: FramingError | null } {
  return run([Buffer.from(input, 'latin1')]);
}

/** Splits input at random points, with a fixed seed so failures replay. */
function randomSplits(input: string, seed: number): Buffer[] {
  const bytes = Buffer.from(input, 'latin1');
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; ) {
    const size = 1 + Math.floor(random() * 40);
    parts.push(bytes.subarray(i, i + size));
    i += size;
  }
  return parts;
}

const pipeline =
  '\r\nLIST /v1/a HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /v1/b HTTP/1.1\r\nHost: x\r\nContent-Length: 31\r\n\r\n\r\nLIST /v1/c HTTP/1.1\r\nA: b\r\n\r\n' +
  'PUT /v1/d HTTP/1.1\r\nHost: x\r\ntransfer-encoding: gzip, Chunked\r\n\r\n' +
  'a;q="x;y"\r\nLIST /\r\n\r\n\r\n0\r\nX-T: LIST /v1\r\n\r\n' +
  'LOCK /v1/e HTTP/1.1\r\nX-Coffer-Original-Method: LIST\r\nHost: x\r\nUpgrade: websocket\r\n\r\n' +
  'LIST /v1/f HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc';

const expected =
  'LOCK /v1/a HTTP/1.1\r\nHost: x\r\n\r\n' +
  'POST /v1/b HTTP/1.1\r\nHost: x\r\nContent-Length: 31\r\n\r\n\r\nLIST /v1/c HTTP/1.1\r\nA: b\r\n\r\n' +
  'PUT /v1/d HTTP/1.1\r\nHost: x\r\ntransfer-encoding: gzip, Chunked\r\n\r\n' +
  'a;q="x;y"\r\nLIST /\r\n\r\n\r\n0\r\nX-T: LIST /v1\r\n\r\n' +
  'LOCK /v1/e HTTP/1.1\r\nx-coffer-original-method: LOCK\r\nHost: x\r\n\r\n' +
  'LOCK /v1/f HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc';

test('rewrites LIST, marks LOCK, strips client markers and Upgrade, passes bodies untouched', () => {
  assert.deepEqual(whole(pipeline), { output: expected, error: null });
});

test('output does not depend on how the input is split', () => {
  const bytes = Buffer.from(pipeline, 'latin1');
  const single = [...bytes].map((b) => Buffer.from([b]));
  assert.equal(run(single).output, expected);
  for (let seed = 1; seed <= 200; seed++) {
    assert.equal(run(randomSplits(pipeline, seed)).output, expected, `seed ${seed}`);
  }
});

test('GET and LIST traffic is forwarded as the same buffer, uncopied', () => {
  const chunk = Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\nLIST /b HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
  const out: Buffer[] = [];
  assert.equal(new RequestFramer().feed(chunk, out), null);
  assert.equal(out.length, 1);
  assert.equal(out[0].buffer, chunk.buffer);
  assert.equal(out[0].length, chunk.length);
  assert.equal(chunk.toString('latin1').split('\r\n\r\n')[1].slice(0, 4), 'LOCK');
});

test('errors in a head stop at the request boundary, after the bytes before it', () => {
  const cases: Array<[string, number]> = [
    ['\x16\x03\x01', 400],
    ['get / HTTP/1.1\r\n\r\n', 400],
    ['GET / HTTP/1.1\nHost: x\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nX: a\rb\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\n folded\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nno colon\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nContent-Length: 0x1\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400],
    ['GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n', 400],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400],
    [`GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}`, 431],
  ];
  const before = 'POST /p HTTP/1.1\r\nContent-Length: 2\r\n\r\nok';
  for (const [input, status] of cases) {
    for (const parts of [[Buffer.from(before + input, 'latin1')], randomSplits(before + input, 7)]) {
      const { output, error } = run(parts);
      assert.equal(output, before, JSON.stringify(input.slice(0, 40)));
      assert.deepEqual(error && { status: error.status, atBoundary: error.atBoundary }, { status, atBoundary: true }, JSON.stringify(input.slice(0, 40)));
    }
  }
});

test('errors inside a chunked body are not at a boundary', () => {
  const head = 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n';
  for (const body of ['zz\r\n', '3 \r\nabc\r\n', '3\nabc', '3\r\nabcX', '0\r\nX: 1\n', '0\r\nX\r1\r\n', 'fffffffffffffff\r\n']) {
    const { error } = whole(head + body);
    assert.equal(error?.atBoundary, false, JSON.stringify(body));
  }
});

test('after an error the framer forwards nothing more', () => {
  const framer = new RequestFramer();
  const out: Buffer[] = [];
  assert.notEqual(framer.feed(Buffer.from('\x00'), out), null);
  assert.equal(framer.feed(Buffer.from('GET / HTTP/1.1\r\n\r\n'), out), null);
  assert.equal(out.length, 0);
});

test('headPending tracks a head split across reads', () => {
  const framer = new RequestFramer();
  const out: Buffer[] = [];
  framer.feed(Buffer.from('LIST /a HTTP/1.1\r\nHo'), out);
  assert.equal(framer.headPending, true);
  assert.equal(out.length, 0);
  framer.feed(Buffer.from('st: x\r\n\r\n'), out);
  assert.equal(framer.headPending, false);
  assert.equal(Buffer.concat(out).toString(), 'LOCK /a HTTP/1.1\r\nHost: x\r\n\r\n');
});
