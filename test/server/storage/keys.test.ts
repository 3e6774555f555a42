// Unit tests for key validation, byte-order comparison and Vault's key split.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compareKeys, splitKey, validateKey, validatePrefix, InvalidKeyError } from '../../../src/server/storage/keys.js';
import { byteOrder } from './conformance.js';

describe('storage keys', () => {
  it('compareKeys orders by UTF-8 bytes', () => {
    const words = ['b', 'a', 'a/', 'a b', '\uE000', '😀', '\uFFFD', 'ü', '日', 'A', '', 'ab', '\u007F', '\u0080', '𝄞', '\uD7FF'];
    assert.deepEqual([...words].sort(compareKeys), [...words].sort(byteOrder));
    assert.ok(compareKeys('\uE000', '😀') < 0, 'U+E000 before U+1F600');
    assert.equal(compareKeys('same', 'same'), 0);
  });

  it('splitKey matches Vault PostgreSQL layout', () => {
    assert.deepEqual(splitKey('top'), { parentPath: '', path: '/', key: 'top' });
    assert.deepEqual(splitKey('a/b'), { parentPath: '/', path: '/a/', key: 'b' });
    assert.deepEqual(splitKey('a/b/c/d'), { parentPath: '/a/b/', path: '/a/b/c/', key: 'd' });
  });

  it('validation messages say what is wrong', () => {
    assert.throws(() => validateKey(''), /must not be empty/);
    assert.throws(() => validateKey('a\0'), (err: unknown) => err instanceof InvalidKeyError && /NUL/.test(err.message));
    assert.throws(() => validateKey('x/'), /must not end with '\/'/);
    assert.throws(() => validatePrefix('x'), /must be '' or end with '\/'/);
    validatePrefix('');
    validatePrefix('a/b/');
    validateKey('a/b');
  });
});
