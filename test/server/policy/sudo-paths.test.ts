// Vault's root-protected paths.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SUDO_PATHS, isSudoPath } from '../../../src/server/policy/index.js';

describe('isSudoPath', () => {
  it('matches the system backend root paths', () => {
    for (const p of ['sys/audit', 'sys/audit/file', 'sys/auth/kubernetes', 'sys/auth/kubernetes/tune', 'sys/raw/core/keyring',
      'sys/rotate', 'sys/seal', 'sys/step-down', 'sys/remount', 'sys/config/cors', 'sys/leases', 'sys/leases/lookup/aws/',
      'sys/leases/revoke-prefix/aws', 'sys/revoke-force/x', 'sys/plugins/catalog/secret/kv', '/sys/audit']) {
      assert.equal(isSudoPath(p), true, p);
    }
  });

  it('matches the token store root paths', () => {
    for (const p of ['auth/token/accessors', 'auth/token/accessors/', 'auth/token/revoke-orphan/abc']) assert.equal(isSudoPath(p), true, p);
  });

  it('leaves everything else alone', () => {
    for (const p of ['sys/auth', 'sys/mounts', 'sys/mounts/secret', 'sys/policy/default', 'sys/leases/lookup', 'sys/leases/renew',
      'sys/audit-hash/file', 'sys/rotate/config', 'auth/token/create', 'auth/token/create-orphan', 'auth/token/lookup-self',
      'auth/token/revoke-orphan', 'secret/data/audit', 'sys/seal-status']) {
      assert.equal(isSudoPath(p), false, p);
    }
  });

  it('lists full paths', () => {
    assert.ok(SUDO_PATHS.includes('sys/auth/*'));
    assert.ok(SUDO_PATHS.includes('auth/token/accessors*'));
  });
});
