// The radix tree behind glob rules.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrefixTree } from '../../../src/server/policy/prefix-tree.js';

describe('prefix tree', () => {
  it('finds the longest stored prefix', () => {
    const t = createPrefixTree<number>();
    for (const [i, k] of ['secret/', 'secret/foo', 'secret/fo', 'sys/', 'secret/foo/bar/', ''].entries()) t.insert(k, i);
    assert.equal(t.size, 6);
    assert.deepEqual(t.longestPrefix('secret/foo/bar/baz'), { key: 'secret/foo/bar/', value: 4 });
    assert.deepEqual(t.longestPrefix('secret/foo/ba'), { key: 'secret/foo', value: 1 });
    assert.deepEqual(t.longestPrefix('secret/fox'), { key: 'secret/fo', value: 2 });
    assert.deepEqual(t.longestPrefix('secret/x'), { key: 'secret/', value: 0 });
    assert.deepEqual(t.longestPrefix('other'), { key: '', value: 5 });
    assert.equal(t.get('secret/fo'), 2);
    assert.equal(t.get('secret/f'), undefined);
  });

  it('returns null when nothing matches and replaces on re-insert', () => {
    const t = createPrefixTree<string>();
    t.insert('abc', 'x');
    assert.equal(t.longestPrefix('ab'), null);
    t.insert('abc', 'y');
    assert.equal(t.size, 1);
    assert.deepEqual(t.longestPrefix('abcd'), { key: 'abc', value: 'y' });
  });
});
