// The userpass password hash: scrypt with Vault-grade parameters in a versioned string, random salt,
// constant-time verification, safe handling of malformed hashes, and no blocking of the event loop.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { burnDummyHash, hashPassword, verifyPassword } from '../../../../src/server/auth/userpass/password_hash.js';

describe('userpass: password hash', () => {
  it('encodes scrypt$N$r$p$salt$hash with N=2^15, r=8, p=1, a 16-byte salt and a 32-byte key', async () => {
    const h = await hashPassword('correct horse');
    const [alg, n, r, p, salt, key] = h.split('$');
    assert.deepEqual([alg, n, r, p], ['scrypt', '32768', '8', '1']);
    assert.equal(Buffer.from(salt!, 'base64').length, 16);
    assert.equal(Buffer.from(key!, 'base64').length, 32);
    assert.ok(!h.includes('correct horse'));
  });

  it('salts randomly and verifies only the right password', async () => {
    const a = await hashPassword('pw');
    const b = await hashPassword('pw');
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('pw', a), true);
    assert.equal(await verifyPassword('pw', b), true);
    assert.equal(await verifyPassword('pW', a), false);
    assert.equal(await verifyPassword('', a), false);
  });

  it('treats malformed or dangerous hashes as a mismatch', async () => {
    const good = await hashPassword('pw');
    const parts = good.split('$');
    for (const bad of ['', 'plain', `bcrypt$${parts.slice(1).join('$')}`, ['scrypt', '1073741824', '8', '1', parts[4], parts[5]].join('$'), ['scrypt', '32768', '8', '1', parts[4], 'AAAA'].join('$')]) {
      assert.equal(await verifyPassword('pw', bad), false, bad);
    }
    assert.equal(await burnDummyHash('pw'), false);
  });

  it('runs off the event loop', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    await hashPassword('pw');
    clearInterval(timer);
    assert.ok(ticks > 0, 'timers fired while hashing');
  });
});
