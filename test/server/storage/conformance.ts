// The conformance suite every PhysicalStorage must pass; each *.test.ts calls runConformance
// with a factory that returns a fresh, empty storage per call.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { PhysicalStorage } from '../../../src/server/storage/types.js';
import { InvalidKeyError, MAX_KEY_BYTES } from '../../../src/server/storage/keys.js';

type MakeStorage = () => Promise<PhysicalStorage>;

async function withStorage(make: MakeStorage, body: (s: PhysicalStorage) => Promise<void>): Promise<void> {
  const storage = await make();
  try {
    await body(storage);
  } finally {
    await storage.close();
  }
}

async function putAll(s: PhysicalStorage, keys: readonly string[]): Promise<void> {
  for (const key of keys) await s.put(key, Buffer.from(key));
}

export function runConformance(name: string, makeStorage: MakeStorage): void {
  const test = (title: string, body: (s: PhysicalStorage) => Promise<void>): void => {
    it(title, () => withStorage(makeStorage, body));
  };

  describe(`${name} storage conformance`, () => {
    test('get of a missing key is null', async (s) => {
      assert.equal(await s.get('nope'), null);
      assert.equal(await s.get('a/b/nope'), null);
    });

    test('round-trips every byte value, zero bytes and an empty value', async (s) => {
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const zeros = Buffer.alloc(64);
      await s.put('bin/all', all);
      await s.put('bin/zeros', zeros);
      await s.put('bin/empty', Buffer.alloc(0));
      assert.deepEqual(await s.get('bin/all'), all);
      assert.deepEqual(await s.get('bin/zeros'), zeros);
      const empty = await s.get('bin/empty');
      assert.ok(Buffer.isBuffer(empty));
      assert.equal(empty.length, 0);
    });

    test('round-trips a 1 MiB value', async (s) => {
      const big = randomBytes(1024 * 1024);
      await s.put('big', big);
      const back = await s.get('big');
      assert.ok(back !== null && back.equals(big));
    });

    test('stored values are not aliased to the caller buffers', async (s) => {
      const value = Buffer.from('original');
      await s.put('alias', value);
      value.fill(0);
      const first = await s.get('alias');
      assert.equal(first?.toString(), 'original');
      first?.fill(0);
      assert.equal((await s.get('alias'))?.toString(), 'original');
    });

    test('put overwrites', async (s) => {
      await s.put('k', Buffer.from('one'));
      await s.put('k', Buffer.from('two, longer'));
      assert.equal((await s.get('k'))?.toString(), 'two, longer');
      assert.deepEqual(await s.list(''), ['k']);
    });

    test('delete removes; deleting a missing key is fine', async (s) => {
      await s.put('d/x', Buffer.from('1'));
      await s.delete('d/x');
      assert.equal(await s.get('d/x'), null);
      await s.delete('d/x');
      await s.delete('never/was');
      assert.deepEqual(await s.list(''), []);
      assert.deepEqual(await s.list('d/'), []);
    });

    test('list at root and nested levels: leaves, folders, sorted', async (s) => {
      await putAll(s, ['z', 'b/1', 'b/2/x', 'b/2/y/deep', 'a', 'c/only/deep/down/here', 'b/0']);
      assert.deepEqual(await s.list(''), ['a', 'b/', 'c/', 'z']);
      assert.deepEqual(await s.list('b/'), ['0', '1', '2/']);
      assert.deepEqual(await s.list('b/2/'), ['x', 'y/']);
      assert.deepEqual(await s.list('b/2/y/'), ['deep']);
      assert.deepEqual(await s.list('c/'), ['only/']);
      assert.deepEqual(await s.list('c/only/deep/'), ['down/']);
    });

    test('a key and a folder with the same name both appear', async (s) => {
      await putAll(s, ['a', 'a/b', 'a/b/c']);
      assert.deepEqual(await s.list(''), ['a', 'a/']);
      assert.deepEqual(await s.list('a/'), ['b', 'b/']);
      assert.equal((await s.get('a'))?.toString(), 'a');
      assert.equal((await s.get('a/b'))?.toString(), 'a/b');
      await s.delete('a/b/c');
      assert.deepEqual(await s.list('a/'), ['b']);
    });

    test('a folder disappears when its last key is deleted', async (s) => {
      await putAll(s, ['f/g/h', 'f/i']);
      await s.delete('f/g/h');
      assert.deepEqual(await s.list('f/'), ['i']);
      await s.delete('f/i');
      assert.deepEqual(await s.list(''), []);
    });

    test('list of a missing prefix is empty', async (s) => {
      await putAll(s, ['x/y', 'xy/z']);
      assert.deepEqual(await s.list('nothing/'), []);
      assert.deepEqual(await s.list('x/y/'), []);
      assert.deepEqual(await s.list('x/nothing/deeper/'), []);
    });

    test('siblings sharing a prefix do not leak into list', async (s) => {
      // '.', '-' sort just below '/', and '0' is the first byte above it.
      await putAll(s, ['foo/a', 'foo.x/b', 'foo-/c', 'foo0/d', 'foobar/e', 'fo/f', 'foo/sub/g', 'foo0', 'foo.']);
      assert.deepEqual(await s.list('foo/'), ['a', 'sub/']);
      assert.deepEqual(await s.list('foo0/'), ['d']);
      assert.deepEqual(await s.list(''), ['fo/', 'foo-/', 'foo.', 'foo.x/', 'foo/', 'foo0', 'foo0/', 'foobar/']);
    });

    test('SQL LIKE wildcards and escapes in keys are plain characters', async (s) => {
      await putAll(s, ['a%/x', 'ab/y', 'a_/z', 'aXb/w', 'a\\/v', 'a\\b/u', '%/q', '_/r', 'p%q', 'p_q', 'pXq']);
      assert.deepEqual(await s.list('a%/'), ['x']);
      assert.deepEqual(await s.list('a_/'), ['z']);
      assert.deepEqual(await s.list('a\\/'), ['v']);
      assert.deepEqual(await s.list('%/'), ['q']);
      assert.deepEqual(await s.list('_/'), ['r']);
      assert.deepEqual(await s.list(''), ['%/', 'a%/', 'a\\/', 'a\\b/', 'aXb/', 'a_/', 'ab/', 'pXq', 'p%q', 'p_q', '_/'].sort(byteOrder));
      assert.equal((await s.get('p%q'))?.toString(), 'p%q');
      assert.equal(await s.get('p%'), null);
    });

    test('keys with spaces, unicode and odd characters; byte-order sorting', async (s) => {
      const keys = [
        'logical/9f3c/data/my app/ünïcode',
        'logical/9f3c/data/my app/plain',
        'logical/9f3c/data/my app/😀 emoji',
        'logical/9f3c/data/my app/\uE000 private use',
        'logical/9f3c/data/my app/\uFFFD replacement',
        'logical/9f3c/data/my app/Zed',
        'logical/9f3c/data/my app/a b',
        'logical/9f3c/data/my app/日本/語',
        'logical/9f3c/data/my app/ 50% off',
        "logical/9f3c/data/my app/quote'\"",
        'logical/9f3c/data/my app/tab\there',
      ];
      await putAll(s, keys);
      for (const key of keys) assert.equal((await s.get(key))?.toString(), key);
      const listed = await s.list('logical/9f3c/data/my app/');
      // UTF-8 byte order: ASCII, then ü (C3..), CJK (E6..), U+E000 (EE..), U+FFFD (EF..), emoji (F0..).
      // JS's default sort would put the emoji (a surrogate pair, D83D) before U+E000.
      assert.deepEqual(listed, [
        ' 50% off',
        'Zed',
        'a b',
        'plain',
        "quote'\"",
        'tab\there',
        'ünïcode',
        '日本/',
        '\uE000 private use',
        '\uFFFD replacement',
        '😀 emoji',
      ]);
      assert.deepEqual(listed, [...listed].sort(byteOrder));
      assert.deepEqual(await s.list('logical/9f3c/data/my app/日本/'), ['語']);
      assert.deepEqual(await s.list(''), ['logical/']);
    });

    test('keys with empty segments and a leading slash stay consistent', async (s) => {
      await putAll(s, ['e//x', '/lead']);
      assert.deepEqual(await s.list(''), ['/', 'e/']);
      assert.deepEqual(await s.list('e/'), ['/']);
      assert.deepEqual(await s.list('e//'), ['x']);
      assert.deepEqual(await s.list('/'), ['lead']);
      assert.equal((await s.get('e//x'))?.toString(), 'e//x');
    });

    test(`a key of ${MAX_KEY_BYTES} UTF-8 bytes works, one more byte is refused`, async (s) => {
      const longest = `long/${'ü'.repeat((MAX_KEY_BYTES - 6) / 2)}x`;
      assert.equal(Buffer.byteLength(longest), MAX_KEY_BYTES);
      await s.put(longest, Buffer.from('v'));
      assert.equal((await s.get(longest))?.toString(), 'v');
      assert.deepEqual(await s.list('long/'), [longest.slice(5)]);
      await assert.rejects(s.put(`${longest}y`, Buffer.from('v')), InvalidKeyError);
    });

    test('invalid keys and prefixes are refused with InvalidKeyError', async (s) => {
      const bad = ['', 'a\0b', 'folder/', '\uD800lone', 'x/\uDC00'];
      for (const key of bad) {
        await assert.rejects(s.put(key, Buffer.from('v')), InvalidKeyError, `put ${JSON.stringify(key)}`);
        await assert.rejects(s.get(key), InvalidKeyError, `get ${JSON.stringify(key)}`);
        await assert.rejects(s.delete(key), InvalidKeyError, `delete ${JSON.stringify(key)}`);
      }
      await assert.rejects(s.list('no-slash'), InvalidKeyError);
      await assert.rejects(s.list('a\0/'), InvalidKeyError);
      await assert.rejects(s.put('k', 'not a buffer' as unknown as Buffer), TypeError);
      assert.deepEqual(await s.list(''), []);
    });

    test('200 concurrent puts are all readable', async (s) => {
      const keys = Array.from({ length: 200 }, (_, i) => `many/${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((key) => s.put(key, Buffer.from(`value ${key}`))));
      const values = await Promise.all(keys.map((key) => s.get(key)));
      values.forEach((value, i) => assert.equal(value?.toString(), `value ${keys[i]}`));
      assert.deepEqual(await s.list('many/'), keys.map((key) => key.slice(5)));
    });

    test('concurrent puts to one key leave one of the written values', async (s) => {
      const writes = Array.from({ length: 50 }, (_, i) => `v${i}`);
      await Promise.all(writes.map((v) => s.put('same', Buffer.from(v))));
      const final = (await s.get('same'))?.toString();
      assert.ok(final !== undefined && writes.includes(final));
    });

    it('close releases the storage; later calls fail; closing twice is fine', async () => {
      const s = await makeStorage();
      await s.put('c', Buffer.from('1'));
      await s.close();
      await s.close();
      await assert.rejects(s.get('c'), /closed/);
      await assert.rejects(s.put('c', Buffer.from('2')), /closed/);
      await assert.rejects(s.delete('c'), /closed/);
      await assert.rejects(s.list(''), /closed/);
    });
  });
}

/** Test-side UTF-8 byte order, independent of the implementation's compareKeys. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
