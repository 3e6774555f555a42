// The barrier over a real memory backend: values are encrypted at rest and bound to their key path,
// a wrong root key cannot open the keyring, rotation keeps old terms readable, the decrypted cache
// hands out copies and is emptied on seal, and Shamir shares recombine into the root key.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Barrier, SealedError } from '../../../src/server/barrier/barrier.js';
import { termOf } from '../../../src/server/barrier/aead.js';
import { combineShares, splitKey, validateSealConfig } from '../../../src/server/barrier/shamir.js';
import { createMemoryStorage } from '../../../src/server/storage/index.js';

for (const cacheSize of [0, 100]) {
  test(`cache ${cacheSize}: encrypted at rest, bound to the key path, readable after unseal`, async () => {
    const physical = createMemoryStorage();
    const b = new Barrier(physical, Date.now, cacheSize);
    const root = randomBytes(32);
    await b.initialize(root);
    await b.put('logical/a', Buffer.from('top secret value'));
    const raw = await physical.get('logical/a');
    assert.ok(raw && !raw.includes(Buffer.from('top secret value')));
    assert.equal(termOf(raw!), 1);
    assert.equal((await b.get('logical/a'))!.toString(), 'top secret value');
    // Copy the ciphertext under another key: the AAD check refuses it.
    await physical.put('logical/b', raw!);
    await assert.rejects(b.get('logical/b'));
    b.seal();
    await assert.rejects(b.get('logical/a'), SealedError);
    await assert.rejects(b.unseal(randomBytes(32)), /do not open the keyring/);
    await b.unseal(root);
    assert.equal((await b.get('logical/a'))!.toString(), 'top secret value');
    assert.equal(await b.get('logical/missing'), null);
  });
}

test('rotation: new writes use the new term, old entries stay readable, across a reseal', async () => {
  const physical = createMemoryStorage();
  const b = new Barrier(physical);
  const root = randomBytes(32);
  await b.initialize(root);
  await b.put('x', Buffer.from('one'));
  const st = await b.rotate();
  assert.equal(st.term, 2);
  await b.put('y', Buffer.from('two'));
  assert.equal(termOf((await physical.get('y'))!), 2);
  assert.equal(termOf((await physical.get('x'))!), 1);
  b.seal();
  await b.unseal(root);
  assert.equal(b.keyStatus().term, 2);
  assert.equal((await b.get('x'))!.toString(), 'one');
  assert.equal((await b.get('y'))!.toString(), 'two');
});

test('the decrypted cache hands out copies, follows writes and deletes, and is emptied on seal', async () => {
  const b = new Barrier(createMemoryStorage(), Date.now, 10);
  const root = randomBytes(32);
  await b.initialize(root);
  await b.put('k', Buffer.from('v1'));
  const first = (await b.get('k'))!;
  first.write('XX');
  assert.equal((await b.get('k'))!.toString(), 'v1');
  await b.put('k', Buffer.from('v2'));
  assert.equal((await b.get('k'))!.toString(), 'v2');
  await b.delete('k');
  assert.equal(await b.get('k'), null);
  await b.put('k', Buffer.from('v3'));
  b.seal();
  await assert.rejects(b.get('k'), SealedError);
});

test('the keyring and seal config keys are reserved; list hides them', async () => {
  const b = new Barrier(createMemoryStorage());
  await b.initialize(randomBytes(32));
  await assert.rejects(b.put('core/keyring', Buffer.from('x')), /reserved/);
  await b.put('core/mounts', Buffer.from('[]'));
  assert.deepEqual(await b.list('core/'), ['mounts']);
});

test('Shamir: any threshold of shares rebuilds the key; fewer do not; config rules as Vault', async () => {
  const key = randomBytes(32);
  const shares = await splitKey(key, 5, 3);
  assert.equal(shares.length, 5);
  assert.equal(shares[0]!.length, 33);
  assert.ok((await combineShares([shares[4]!, shares[0]!, shares[2]!])).equals(key));
  assert.ok(!(await combineShares([shares[0]!, shares[1]!])).equals(key));
  assert.ok((await combineShares(await splitKey(key, 1, 1))).equals(key));
  assert.equal(validateSealConfig(3, 2), null);
  assert.match(validateSealConfig(3, 1)!, /greater than one/);
  assert.match(validateSealConfig(2, 3)!, /cannot be larger/);
  assert.match(validateSealConfig(0, 0)!, /at least one/);
});
