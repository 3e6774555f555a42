// allowed/denied/required parameters, checked as Vault's ACL does.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AclRequest, Operation } from '../../../src/server/policy/index.js';
import { globbedStringsMatch } from '../../../src/server/policy/parameters.js';
import { aclOf, jsonPolicy } from './helpers.js';

function checker(rule: object) {
  const acl = aclOf(jsonPolicy('params', { path: { 'secret/foo': { capabilities: ['create', 'read', 'update', 'patch', 'delete', 'list'], ...rule } } }));
  return (data: Record<string, unknown> | undefined, operation: Operation = 'create') => {
    const req: AclRequest = { path: 'secret/foo', operation, ...(data ? { data } : {}) };
    return acl.allowOperation(req);
  };
}

describe('parameter constraints', () => {
  it('required_parameters must all be present', () => {
    const check = checker({ required_parameters: ['bar', 'baz'] });
    assert.equal(check({ bar: 1, baz: 2 }).allowed, true);
    const res = check({ bar: 1 });
    assert.equal(res.allowed, false);
    assert.equal(res.explanation.decision, 'required-parameter-missing');
    assert.equal(res.explanation.parameter, 'baz');
    assert.match(res.explanation.message, /rule "secret\/foo" in policy "params" requires parameter "baz"/);
    assert.equal(check(undefined).allowed, false, 'no data at all');
  });

  it('allowed_parameters: listed keys only; [] means any value', () => {
    const check = checker({ allowed_parameters: { foo: [], bar: ['zip', 'zap'] } });
    assert.equal(check({ foo: 'anything', bar: 'zip' }).allowed, true);
    assert.equal(check({ bar: 'zup' }).explanation.decision, 'parameter-value-not-allowed');
    const other = check({ other: 1 });
    assert.equal(other.explanation.decision, 'parameter-not-allowed');
    assert.match(other.explanation.message, /parameter "other" is not allowed by rule "secret\/foo" in policy "params"/);
    assert.equal(check({}).allowed, true, 'no data is always fine');
  });

  it('allowed_parameters "*" = [] lets other keys through, listed keys stay restricted', () => {
    const check = checker({ allowed_parameters: { bar: ['zip', 'zap'], '*': [] } });
    assert.equal(check({ other: 1, bar: 'zap' }).allowed, true);
    assert.equal(check({ other: 1, bar: 'nope' }).allowed, false);
    assert.equal(checker({ allowed_parameters: { '*': [] } })({ any: 1 }).allowed, true);
  });

  it('value globs: leading and/or trailing *; a lone * is literal', () => {
    const check = checker({ allowed_parameters: { bar: ['foo-*', '*-suffix', '*mid*'] } });
    assert.equal(check({ bar: 'foo-1' }).allowed, true);
    assert.equal(check({ bar: 'x-suffix' }).allowed, true);
    assert.equal(check({ bar: 'a-mid-b' }).allowed, true);
    assert.equal(check({ bar: 'nope' }).allowed, false);
    assert.equal(globbedStringsMatch('*', 'anything'), false);
    assert.equal(globbedStringsMatch('*', '*'), true);
  });

  it('checks list values and comma-separated strings element by element', () => {
    const check = checker({ allowed_parameters: { policies: ['dev', 'ops*'] } });
    assert.equal(check({ policies: ['dev', 'ops-1'] }).allowed, true);
    assert.equal(check({ policies: ['dev', 'admin'] }).allowed, false);
    assert.equal(check({ policies: 'dev, ops-2' }).allowed, true);
    assert.equal(check({ policies: 'dev,admin' }).allowed, false);
    const deny = checker({ denied_parameters: { policies: ['root'] } });
    assert.equal(deny({ policies: ['dev', 'root'] }).allowed, false);
    assert.equal(deny({ policies: 'dev,root' }).allowed, false);
    assert.equal(deny({ policies: 'dev' }).allowed, true);
  });

  it('compares non-string values by value', () => {
    const check = checker({ allowed_parameters: { flag: [true], n: [3] } });
    assert.equal(check({ flag: true }).allowed, true);
    assert.equal(check({ flag: false }).allowed, false);
    assert.equal(check({ n: 3 }).allowed, true);
  });

  it('denied_parameters: [] denies the key, values deny those values, "*" denies any parameter', () => {
    assert.equal(checker({ denied_parameters: { bar: [] } })({ bar: 'x' }).explanation.decision, 'parameter-denied');
    assert.equal(checker({ denied_parameters: { bar: [] } })({ baz: 'x' }).allowed, true);
    const values = checker({ denied_parameters: { bar: ['zip', 'zap'] } });
    assert.equal(values({ bar: 'zip' }).allowed, false);
    assert.equal(values({ bar: 'zoo' }).allowed, true);
    const all = checker({ denied_parameters: { '*': [] } });
    assert.equal(all({ a: 1 }).explanation.decision, 'all-parameters-denied');
    assert.equal(all({}).allowed, true);
  });

  it('denied beats allowed', () => {
    const check = checker({ allowed_parameters: { bar: [] }, denied_parameters: { bar: ['secret*'] } });
    assert.equal(check({ bar: 'public' }).allowed, true);
    assert.equal(check({ bar: 'secret-1' }).explanation.decision, 'parameter-denied');
  });

  it('matches keys case-insensitively against the policy', () => {
    assert.equal(checker({ allowed_parameters: { Bar: [] } })({ BAR: 1 }).allowed, true);
  });

  it('applies to read, create, update and patch, not to delete or list', () => {
    const check = checker({ denied_parameters: { '*': [] }, required_parameters: ['x'] });
    for (const op of ['read', 'create', 'update', 'patch'] as const) assert.equal(check({ a: 1 }, op).allowed, false, op);
    for (const op of ['delete', 'list'] as const) assert.equal(check({ a: 1 }, op).allowed, true, op);
  });

  it('merges parameter rules across policies as Vault does', () => {
    const a = jsonPolicy('a', { path: { p: { capabilities: ['create'], allowed_parameters: { bar: ['zip'] } } } });
    const b = jsonPolicy('b', { path: { p: { capabilities: ['update'], allowed_parameters: { bar: ['zap'], baz: [] }, required_parameters: ['bar'] } } });
    const c = jsonPolicy('c', { path: { p: { capabilities: ['create'], allowed_parameters: { bar: [] } } } });
    const ab = aclOf(a, b);
    assert.equal(ab.allowOperation({ path: 'p', operation: 'create', data: { bar: 'zip' } }).allowed, true);
    assert.equal(ab.allowOperation({ path: 'p', operation: 'update', data: { bar: 'zap', baz: 1 } }).allowed, true);
    assert.equal(ab.allowOperation({ path: 'p', operation: 'update', data: { bar: 'zop' } }).allowed, false);
    assert.equal(ab.allowOperation({ path: 'p', operation: 'create', data: { baz: 1 } }).explanation.decision, 'required-parameter-missing');
    const ac = aclOf(a, c);
    assert.equal(ac.allowOperation({ path: 'p', operation: 'create', data: { bar: 'anything' } }).allowed, true, 'an empty list (any value) wins');
  });

  it('never puts a parameter value in the explanation', () => {
    const res = checker({ allowed_parameters: { password: ['x*'] } })({ password: 'hunter2' });
    assert.equal(res.allowed, false);
    assert.doesNotMatch(JSON.stringify(res.explanation), /hunter2/);
  });
});
