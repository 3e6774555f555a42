// hashData and elideListData: what gets hashed and what stays as it was.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elideListData, hashData } from '../../../src/server/audit/hash-structure.js';
import { hmacHasher } from '../../../src/server/audit/salt.js';
import { createHmac } from 'node:crypto';

const h = (s: string): string => `H(${s})`;

test('strings are hashed at any depth; keys, numbers, booleans and null are not', () => {
  const input = { a: 's', n: 1.5, b: false, z: null, deep: { list: ['x', 2, { k: 'v' }] } };
  assert.deepEqual(hashData(input, h), { a: 'H(s)', n: 1.5, b: false, z: null, deep: { list: ['H(x)', 2, { k: 'H(v)' }] } });
  assert.deepEqual(input.deep.list[0], 'x', 'input untouched');
});

test('null hasher copies in clear (log_raw)', () => {
  assert.deepEqual(hashData({ a: 's', l: ['t'] }, null), { a: 's', l: ['t'] });
});

test('buffers, dates and other objects are hashed as their JSON form; undefined is dropped', () => {
  const out = hashData({ buf: Buffer.from('hi'), when: new Date(0), u: undefined, big: 10n }, h);
  assert.deepEqual(out, { buf: 'H(aGk=)', when: 'H(1970-01-01T00:00:00.000Z)', big: '10' });
});

test('non-HMAC keys stay clear, including arrays under them, but not nested objects', () => {
  const out = hashData({ role: 'r', names: ['a', 'b'], nested: { role: 'x', other: 'y' }, keep: { inner: 'z' } }, h, ['role', 'names', 'keep']);
  assert.deepEqual(out, { role: 'r', names: ['a', 'b'], nested: { role: 'x', other: 'H(y)' }, keep: { inner: 'H(z)' } });
});

test('hmacHasher is Vault\'s identified HMAC (checked against createHmac)', () => {
  for (const salt of ['salt-1', '3f0f1f0d-1e2a-4b5e-9a49-7b0b5a532a8f', 'k'.repeat(64), 'long'.repeat(40), 'ünïcødé']) {
    const hash = hmacHasher(salt);
    for (const value of ['', 'value', 'hvs.token', 'é'.repeat(100)]) {
      const expected = createHmac('sha256', Buffer.from(salt, 'utf8')).update(value, 'utf8').digest('hex');
      assert.equal(hash(value), `hmac-sha256:${expected}`);
      assert.equal(hash(value), `hmac-sha256:${expected}`, 'the keyed state is reusable');
    }
  }
});

test('elideListData replaces keys and key_info by counts', () => {
  assert.deepEqual(elideListData({ keys: ['a', 'b'], key_info: { a: {}, b: {} }, other: 'x' }), { keys: 2, key_info: 2, other: 'x' });
});
