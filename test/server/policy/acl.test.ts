// compileAcl + allowOperation: merging across policies, deny, list paths, sudo, wrapping TTLs,
// capabilities as sys/capabilities reports them, root, templated paths and explanations.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileAcl, rootPolicy } from '../../../src/server/policy/index.js';
import { aclOf, jsonPolicy, simplePolicy } from './helpers.js';

describe('compileAcl merging', () => {
  it('unions capabilities of the same pattern across policies, naming the granting policy', () => {
    const acl = aclOf(simplePolicy('a', { 'secret/*': ['read'] }), simplePolicy('b', { 'secret/*': ['update', 'list'] }));
    assert.deepEqual(acl.capabilities('secret/x'), ['list', 'read', 'update']);
    const res = acl.allowOperation({ path: 'secret/x', operation: 'update' });
    assert.equal(res.allowed, true);
    assert.deepEqual(res.explanation.policies, ['b']);
    assert.deepEqual(res.explanation.rule?.policies, ['a', 'b']);
    assert.match(res.explanation.message, /rule "secret\/\*" in policies "a", "b" grants update \(granted by "b"\)/);
  });

  it('lets a deny in any policy win on that pattern, whatever the order', () => {
    for (const order of [0, 1]) {
      const allow = simplePolicy('app', { 'secret/admin': ['read', 'update', 'sudo'] });
      const deny = simplePolicy('ops', { 'secret/admin': ['deny'] });
      const acl = order === 0 ? aclOf(allow, deny) : aclOf(deny, allow);
      const res = acl.allowOperation({ path: 'secret/admin', operation: 'read' });
      assert.equal(res.allowed, false);
      assert.equal(res.rootPrivs, false);
      assert.deepEqual(res.capabilities, ['deny']);
      assert.equal(res.explanation.decision, 'denied-by-rule');
      assert.deepEqual(res.explanation.policies, ['ops']);
      assert.match(res.explanation.message, /^denied by rule "secret\/admin" in policy "ops"/);
    }
  });

  it('docs: an exact deny beats a broader grant in the same policy', () => {
    const acl = aclOf(simplePolicy('p', { 'secret/*': ['create', 'read', 'update', 'patch', 'delete', 'list'], 'secret/super-secret': ['deny'] }));
    assert.equal(acl.allowOperation({ path: 'secret/super-secret', operation: 'read' }).allowed, false);
    assert.equal(acl.allowOperation({ path: 'secret/other', operation: 'read' }).allowed, true);
  });

  it('does not merge different patterns: the best one alone decides', () => {
    const acl = aclOf(simplePolicy('a', { 'secret/*': ['read'] }), simplePolicy('b', { 'secret/foo*': ['list'] }));
    assert.deepEqual(acl.capabilities('secret/foo'), ['list']);
    assert.deepEqual(acl.capabilities('secret/bar'), ['read']);
  });

  it('keeps the smaller wrapping TTL bounds when merging', () => {
    const a = jsonPolicy('a', { path: { w: { capabilities: ['read'], min_wrapping_ttl: 10, max_wrapping_ttl: 100 } } });
    const b = jsonPolicy('b', { path: { w: { capabilities: ['read'], min_wrapping_ttl: 5, max_wrapping_ttl: 50 } } });
    const acl = aclOf(a, b);
    assert.equal(acl.allowOperation({ path: 'w', operation: 'read', wrapTtl: 60 }).allowed, false);
    assert.equal(acl.allowOperation({ path: 'w', operation: 'read', wrapTtl: 50 }).allowed, true);
    assert.equal(acl.allowOperation({ path: 'w', operation: 'read', wrapTtl: 5 }).allowed, true);
  });
});

describe('allowOperation', () => {
  const acl = aclOf(
    simplePolicy('app', {
      'secret/data/app/*': ['read', 'list'],
      'secret/metadata/app': ['list'],
      'sys/audit/*': ['create', 'read', 'update'],
      'sys/audit': ['read', 'sudo'],
    }),
  );

  it('says which rule grants what when a capability is missing', () => {
    const res = acl.allowOperation({ path: 'secret/data/app/config', operation: 'update' });
    assert.equal(res.allowed, false);
    assert.equal(res.explanation.decision, 'capability-missing');
    assert.equal(res.explanation.needed, 'update');
    assert.equal(
      res.explanation.message,
      'rule "secret/data/app/*" in policy "app" grants read, list; operation update needs "update"',
    );
    assert.deepEqual(res.capabilities, ['list', 'read']);
  });

  it('says when no rule matches, naming the policies searched', () => {
    const res = acl.allowOperation({ path: '/secret/data/other', operation: 'read' });
    assert.equal(res.allowed, false);
    assert.equal(res.explanation.decision, 'no-matching-rule');
    assert.equal(res.explanation.rule, null);
    assert.equal(res.explanation.path, 'secret/data/other', 'leading slashes are dropped');
    assert.equal(res.explanation.message, 'no rule in policies "app" matches "secret/data/other"');
    assert.deepEqual(res.capabilities, ['deny']);
  });

  it('checks a list of "x/" against rules for "x" first', () => {
    assert.equal(acl.allowOperation({ path: 'secret/metadata/app/', operation: 'list' }).allowed, true);
    assert.equal(acl.allowOperation({ path: 'secret/metadata/app/', operation: 'read' }).allowed, false);
    assert.deepEqual(acl.capabilities('secret/metadata/app/'), ['list']);
  });

  it('requires sudo on root-protected paths, and reports rootPrivs', () => {
    const withoutSudo = acl.allowOperation({ path: 'sys/audit/file', operation: 'update', isRootPath: true });
    assert.equal(withoutSudo.allowed, false);
    assert.equal(withoutSudo.rootPrivs, false);
    assert.equal(withoutSudo.explanation.decision, 'sudo-required');
    assert.match(withoutSudo.explanation.message, /"sys\/audit\/file" is root-protected and needs "sudo"; rule "sys\/audit\/\*" in policy "app" grants create, read, update/);
    const withSudo = acl.allowOperation({ path: 'sys/audit', operation: 'read', isRootPath: true });
    assert.equal(withSudo.allowed, true);
    assert.equal(withSudo.rootPrivs, true);
    assert.equal(acl.allowOperation({ path: 'sys/audit/file', operation: 'update' }).allowed, true, 'no sudo needed off root paths');
  });

  it('enforces response-wrapping TTL bounds', () => {
    const w = aclOf(jsonPolicy('w', { path: { 'auth/approle/role/r/secret-id': { capabilities: ['update'], min_wrapping_ttl: '1s', max_wrapping_ttl: '90s' } } }));
    const check = (wrapTtl?: number) => w.allowOperation({ path: 'auth/approle/role/r/secret-id', operation: 'update', wrapTtl });
    assert.equal(check(undefined).allowed, false);
    assert.match(check(undefined).explanation.message, /requires response wrapping with a TTL of at least 1s and at most 90s; the request is not wrapped/);
    assert.equal(check(91).allowed, false);
    assert.equal(check(90).allowed, true);
    assert.equal(check(1).allowed, true);
  });

  it('returns the capabilities of the deciding rule in sys/capabilities form', () => {
    assert.deepEqual(acl.allowOperation({ path: 'sys/audit', operation: 'read' }).capabilities, ['read', 'sudo']);
  });
});

describe('capabilities', () => {
  it('sorts as Vault does, and says deny for nothing', () => {
    const acl = aclOf(simplePolicy('p', { 'a/*': ['update', 'create', 'sudo', 'read', 'patch', 'delete', 'list'], 'b': [] }));
    assert.deepEqual(acl.capabilities('a/x'), ['create', 'delete', 'list', 'patch', 'read', 'sudo', 'update']);
    assert.deepEqual(acl.capabilities('b'), ['deny'], 'a rule with no capabilities');
    assert.deepEqual(acl.capabilities('c'), ['deny'], 'no rule');
    assert.deepEqual(aclOf().capabilities('a/x'), ['deny'], 'no policies');
    assert.deepEqual(aclOf(simplePolicy('s', { 'x/*': ['sudo'] })).capabilities('/x/y'), ['sudo']);
  });
});

describe('root', () => {
  const root = compileAcl([rootPolicy()]);

  it('allows everything with sudo and reports ["root"]', () => {
    const res = root.allowOperation({ path: 'sys/audit/file', operation: 'delete', isRootPath: true });
    assert.equal(res.allowed, true);
    assert.equal(res.rootPrivs, true);
    assert.deepEqual(res.capabilities, ['root']);
    assert.equal(res.explanation.decision, 'root');
    assert.deepEqual(root.capabilities('anything/at/all'), ['root']);
    assert.equal(root.isRoot, true);
  });

  it('cannot be combined with other policies', () => {
    assert.throws(() => compileAcl([rootPolicy(), simplePolicy('p', {})]), /other policies present along with root/);
  });
});

describe('templated paths', () => {
  const policy = jsonPolicy('tpl', {
    path: {
      'secret/data/{{identity.entity.id}}/*': { capabilities: ['read'] },
      'secret/data/team/{{identity.groups.names.dev.id}}': { capabilities: ['read'] },
      'secret/data/k8s/{{identity.entity.aliases.auth_kubernetes_1.metadata.service_account_namespace}}/*': { capabilities: ['read'] },
    },
  });

  it('fills templates from the identity', () => {
    const acl = compileAcl([policy], {
      identity: {
        entity: {
          id: 'e-1',
          name: 'alice',
          aliases: [{ mountAccessor: 'auth_kubernetes_1', id: 'al-1', name: 'sa', metadata: { service_account_namespace: 'ns1' } }],
        },
        groups: [{ id: 'g-1', name: 'dev' }],
      },
    });
    assert.equal(acl.allowOperation({ path: 'secret/data/e-1/x', operation: 'read' }).allowed, true);
    assert.equal(acl.allowOperation({ path: 'secret/data/e-2/x', operation: 'read' }).allowed, false);
    assert.equal(acl.allowOperation({ path: 'secret/data/team/g-1', operation: 'read' }).allowed, true);
    assert.equal(acl.allowOperation({ path: 'secret/data/k8s/ns1/db', operation: 'read' }).allowed, true);
  });

  it('drops rules whose templates cannot be filled', () => {
    const acl = compileAcl([policy]);
    assert.equal(acl.allowOperation({ path: 'secret/data/{{identity.entity.id}}/x', operation: 'read' }).allowed, false);
    assert.deepEqual(acl.capabilities('secret/data/e-1/x'), ['deny']);
  });

  it('drops rules whose template values hold * or +', () => {
    const acl = compileAcl([policy], { identity: { entity: { id: '*', name: 'x' } } });
    assert.deepEqual(acl.capabilities('secret/data/anything/x'), ['deny']);
  });
});

describe('hasMountAccess', () => {
  const sees = (rules: Record<string, string[]>, mount: string) => aclOf(simplePolicy('p', rules)).hasMountAccess(mount);

  it('is true when a rule inside the mount grants something', () => {
    assert.equal(sees({ 'secret/data/app/*': ['read'] }, 'secret/'), true);
    assert.equal(sees({ 'secret/data/app/config': ['read'] }, 'secret/'), true);
    assert.equal(sees({ secret: ['list'] }, 'secret/'), true, 'the mount path itself, list-style');
    assert.equal(sees({ '*': ['read'] }, 'secret/'), true, 'a glob covering the mount');
  });

  it('is true when a + pattern covers the mount', () => {
    assert.equal(sees({ 'secret/+/app': ['read'] }, 'secret/'), true);
    assert.equal(sees({ '+/config': ['read'] }, 'secret/'), true);
    assert.equal(sees({ 'auth/+/login': ['update'] }, 'auth/kubernetes/'), true);
    assert.equal(sees({ 'kv/+/app': ['read'] }, 'secret/'), false);
  });

  it('is false for other mounts and for deny-only rules', () => {
    assert.equal(sees({ 'kv/*': ['read'] }, 'secret/'), false);
    assert.equal(sees({ 'secret/data/x': ['deny'] }, 'secret/'), false);
    assert.equal(aclOf().hasMountAccess('secret/'), false);
  });

  it('is true for root', () => {
    assert.equal(compileAcl([rootPolicy()]).hasMountAccess('secret/'), true);
  });
});
