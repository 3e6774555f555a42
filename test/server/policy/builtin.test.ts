// The built-in policies: default (Vault's exact text) and root.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_POLICY_TEXT,
  compileAcl,
  defaultPolicy,
  parsePolicy,
  responseWrappingPolicy,
} from '../../../src/server/policy/index.js';
import { simplePolicy } from './helpers.js';

describe('default policy', () => {
  it('is Vault\'s text', () => {
    assert.ok(DEFAULT_POLICY_TEXT.startsWith('\n# Allow tokens to look up their own properties\npath "auth/token/lookup-self" {'));
    assert.ok(DEFAULT_POLICY_TEXT.includes('path "identity/oidc/provider/+/authorize" {\n    capabilities = ["read", "update"]\n}\n'));
  });

  it('grants lookup-self, renew-self, cubbyhole and the wrapping tools, but not secret/', () => {
    const p = defaultPolicy();
    assert.equal(p.name, 'default');
    assert.equal(p.templated, true);
    assert.equal(p.rules.length, 18);
    const acl = compileAcl([p]);
    const allowed = (path: string, operation: 'read' | 'update' | 'create' | 'list' | 'delete') => acl.allowOperation({ path, operation }).allowed;
    assert.equal(allowed('auth/token/lookup-self', 'read'), true);
    assert.equal(allowed('auth/token/renew-self', 'update'), true);
    assert.equal(allowed('auth/token/revoke-self', 'update'), true);
    assert.equal(allowed('sys/capabilities-self', 'update'), true);
    assert.equal(allowed('cubbyhole/my-secret', 'create'), true);
    assert.equal(allowed('cubbyhole/', 'list'), true);
    assert.equal(allowed('sys/wrapping/unwrap', 'update'), true);
    assert.equal(allowed('sys/tools/hash/sha2-256', 'update'), true);
    assert.equal(allowed('sys/leases/lookup', 'update'), true);
    assert.equal(allowed('sys/control-group/request', 'update'), true);
    assert.equal(allowed('sys/internal/ui/resultant-acl', 'read'), true);
    assert.equal(allowed('identity/oidc/provider/default/authorize', 'read'), true);
    assert.equal(allowed('auth/token/lookup-self', 'update'), false);
    assert.equal(allowed('secret/data/app', 'read'), false);
    assert.equal(allowed('sys/policy/default', 'read'), false);
    assert.deepEqual(acl.capabilities('cubbyhole/x'), ['create', 'delete', 'list', 'read', 'update']);
  });

  it('lets a token read its own entity only when it has one', () => {
    const withEntity = compileAcl([defaultPolicy()], { identity: { entity: { id: 'e-1', name: 'alice' } } });
    assert.equal(withEntity.allowOperation({ path: 'identity/entity/id/e-1', operation: 'read' }).allowed, true);
    assert.equal(withEntity.allowOperation({ path: 'identity/entity/name/alice', operation: 'read' }).allowed, true);
    assert.equal(withEntity.allowOperation({ path: 'identity/entity/id/e-2', operation: 'read' }).allowed, false);
    const without = compileAcl([defaultPolicy()]);
    assert.equal(without.allowOperation({ path: 'identity/entity/id/e-1', operation: 'read' }).allowed, false);
  });

  it('can be rewritten by users under its own name', () => {
    assert.equal(parsePolicy('default', DEFAULT_POLICY_TEXT).rules.length, 18);
  });

  it('combines with other policies', () => {
    const acl = compileAcl([defaultPolicy(), simplePolicy('app', { 'secret/data/app/*': ['read'] })]);
    const res = acl.allowOperation({ path: 'secret/data/app/config', operation: 'read' });
    assert.equal(res.allowed, true);
    assert.deepEqual(res.explanation.policies, ['app']);
    assert.match(acl.allowOperation({ path: 'secret/data/other', operation: 'read' }).explanation.message, /no rule in policies "default", "app" matches/);
  });
});

describe('response-wrapping policy', () => {
  it('allows reading the cubbyhole response and unwrapping', () => {
    const acl = compileAcl([responseWrappingPolicy()]);
    assert.equal(acl.allowOperation({ path: 'cubbyhole/response', operation: 'read' }).allowed, true);
    assert.equal(acl.allowOperation({ path: 'sys/wrapping/unwrap', operation: 'update' }).allowed, true);
    assert.equal(acl.allowOperation({ path: 'cubbyhole/other', operation: 'read' }).allowed, false);
  });
});
