// parsePolicy: JSON and HCL forms, the legacy `policy =` shorthand, names, and every rejection.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyError, parsePolicy } from '../../../src/server/policy/index.js';
import { jsonPolicy } from './helpers.js';

const HCL = `
# app policy
path "secret/data/app/*" {
  capabilities = ["create", "read", "update", "delete", "list"]
  allowed_parameters = {
    "ttl" = ["1h", "2h"]
    "*"   = []
  }
  denied_parameters = {
    "Admin" = []
  }
  required_parameters = ["version"]
  min_wrapping_ttl = "1s"
  max_wrapping_ttl = 90
}

path "/sys/mounts" {
  policy = "read"
}
`;

const JSON_FORM = {
  path: {
    'secret/data/app/*': {
      capabilities: ['create', 'read', 'update', 'delete', 'list'],
      allowed_parameters: { ttl: ['1h', '2h'], '*': [] },
      denied_parameters: { Admin: [] },
      required_parameters: ['version'],
      min_wrapping_ttl: '1s',
      max_wrapping_ttl: 90,
    },
    '/sys/mounts': { policy: 'read' },
  },
};

// Go's hcl.Unmarshal shape: blocks as lists of objects.
const HCL_SHAPED_JSON = {
  path: [
    {
      'secret/data/app/*': [
        {
          capabilities: ['create', 'read', 'update', 'delete', 'list'],
          allowed_parameters: [{ ttl: ['1h', '2h'], '*': [] }],
          denied_parameters: [{ Admin: [] }],
          required_parameters: ['version'],
          min_wrapping_ttl: '1s',
          max_wrapping_ttl: 90,
        },
      ],
    },
    { '/sys/mounts': [{ policy: 'read' }] },
  ],
};

function withoutRaw<T extends { raw: string }>(p: T): Omit<T, 'raw'> {
  const { raw: _raw, ...rest } = p;
  return rest;
}

function expectError(text: string | object, pattern: RegExp, name = 'p'): void {
  const body = typeof text === 'string' ? text : JSON.stringify(text);
  assert.throws(() => parsePolicy(name, body), (e: unknown) => {
    assert.ok(e instanceof PolicyError, `expected PolicyError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('parsePolicy', () => {
  it('reads the JSON form into rules', () => {
    const p = jsonPolicy('App', JSON_FORM);
    assert.equal(p.name, 'app');
    assert.equal(p.templated, false);
    assert.equal(p.rules.length, 2);
    const [app, mounts] = p.rules;
    assert.equal(app!.path, 'secret/data/app/*');
    assert.deepEqual(app!.capabilities, ['create', 'read', 'update', 'delete', 'list']);
    assert.deepEqual(app!.allowedParameters, new Map<string, unknown[]>([['ttl', ['1h', '2h']], ['*', []]]));
    assert.deepEqual(app!.deniedParameters, new Map([['admin', []]]), 'parameter names are lower-cased');
    assert.deepEqual(app!.requiredParameters, ['version']);
    assert.equal(app!.minWrappingTtl, 1);
    assert.equal(app!.maxWrappingTtl, 90);
    assert.equal(mounts!.path, 'sys/mounts', 'one leading slash is removed');
  });

  it('gives the same Policy for the plain-JSON and the list-of-objects (hcl.Unmarshal) shapes', () => {
    assert.deepEqual(withoutRaw(jsonPolicy('app', JSON_FORM)), withoutRaw(jsonPolicy('app', HCL_SHAPED_JSON)));
  });

  it('gives the same Policy for HCL and JSON text', () => {
    assert.deepEqual(withoutRaw(parsePolicy('app', HCL)), withoutRaw(jsonPolicy('app', JSON_FORM)));
  });

  it('keeps the raw text', () => {
    const text = JSON.stringify(JSON_FORM);
    assert.equal(parsePolicy('app', text).raw, text);
  });

  it('maps the legacy policy shorthand to capabilities', () => {
    const caps = (policy: string, extra?: string[]) =>
      jsonPolicy('p', { path: { x: { policy, ...(extra ? { capabilities: extra } : {}) } } }).rules[0]!.capabilities;
    assert.deepEqual(caps('read'), ['read', 'list']);
    assert.deepEqual(caps('write'), ['create', 'read', 'update', 'delete', 'list']);
    assert.deepEqual(caps('sudo'), ['create', 'read', 'update', 'delete', 'list', 'sudo']);
    assert.deepEqual(caps('deny'), ['deny']);
    assert.deepEqual(caps('read', ['patch']), ['read', 'patch', 'list'], 'adds to capabilities');
    assert.deepEqual(caps('deny', ['read']), ['deny'], 'deny replaces');
    assert.deepEqual(caps('', ['read']), ['read'], 'an empty shorthand is ignored');
  });

  it('keeps only deny when a block denies, and stops reading the block there', () => {
    const p = jsonPolicy('p', { path: { x: { capabilities: ['read', 'deny'], max_wrapping_ttl: 'bogus' } } });
    assert.deepEqual(p.rules[0]!.capabilities, ['deny']);
  });

  it('marks templated paths', () => {
    const p = jsonPolicy('p', { path: { 'secret/data/{{identity.entity.id}}/*': { capabilities: ['read'] } } });
    assert.equal(p.templated, true);
    assert.equal(p.rules[0]!.templated, true);
  });

  it('accepts comment and name, and warns about enterprise-only keys', () => {
    const p = jsonPolicy('p', {
      name: 'ignored',
      path: { x: { capabilities: ['read'], comment: 'hi', mfa_methods: ['totp'], control_group: { ttl: '1h' } } },
    });
    assert.equal(p.name, 'p');
    assert.equal(p.warnings.length, 2);
    assert.match(p.warnings[0]!, /mfa_methods is a Vault Enterprise feature/);
  });

  it('accepts an empty policy', () => {
    assert.deepEqual(jsonPolicy('p', {}).rules, []);
  });

  it('lower-cases and trims names', () => {
    assert.equal(jsonPolicy('  My-Policy ', {}).name, 'my-policy');
  });

  it('refuses to write root or response-wrapping, or an empty name', () => {
    expectError('{}', /cannot update "root" policy/, 'Root');
    expectError('{}', /cannot update "response-wrapping" policy/, 'response-wrapping');
    expectError('{}', /policy name missing/, ' ');
  });

  it('rejects an unknown key in a path block, naming the key and the block', () => {
    expectError({ path: { 'secret/*': { capabilites: ['read'] } } }, /policy "p": path "secret\/\*": unknown key "capabilites"/);
  });

  it('rejects an unknown top-level key', () => {
    expectError({ paths: {} }, /policy "p": unknown key "paths" at the top level/);
    expectError('paths "x" {}\n', /policy "p": unknown key "paths" on line 1 at the top level/);
  });

  it('rejects an unknown capability, naming it and the block', () => {
    expectError({ path: { 'secret/*': { capabilities: ['read', 'raed'] } } }, /path "secret\/\*": unknown capability "raed"/);
  });

  it('rejects capabilities Coffer does not support', () => {
    expectError({ path: { 'sys/events/*': { capabilities: ['subscribe'] } } }, /capability "subscribe": event subscriptions/);
    expectError({ path: { x: { capabilities: ['read'], subscribe_event_types: ['*'] } } }, /key "subscribe_event_types"/);
  });

  it('rejects a capabilities value that is not a list of strings', () => {
    expectError({ path: { x: { capabilities: 'read' } } }, /path "x": capabilities must be a list of strings/);
  });

  it('rejects an unknown legacy policy', () => {
    expectError({ path: { x: { policy: 'admin' } } }, /path "x": invalid policy "admin"/);
  });

  it("rejects '+*' in a path", () => {
    expectError({ path: { 'secret/+*': { capabilities: ['read'] } } }, /invalid use of wildcards \('\+\*' is forbidden\)/);
  });

  it('rejects bad durations and max below min', () => {
    expectError({ path: { x: { capabilities: ['read'], min_wrapping_ttl: 'soon' } } }, /path "x": min_wrapping_ttl: invalid duration/);
    expectError({ path: { x: { capabilities: ['read'], min_wrapping_ttl: '10m', max_wrapping_ttl: '1m' } } }, /max_wrapping_ttl cannot be less than min_wrapping_ttl/);
  });

  it('rejects malformed parameter maps', () => {
    expectError({ path: { x: { capabilities: ['read'], allowed_parameters: { ttl: '1h' } } } }, /allowed_parameters: the value of "ttl" must be a list/);
    expectError({ path: { x: { capabilities: ['read'], denied_parameters: ['ttl'] } } }, /denied_parameters must be a map/);
    expectError({ path: { x: { capabilities: ['read'], allowed_parameters: { 'tt*': [] } } } }, /parameter key "tt\*"/);
    expectError({ path: { x: { capabilities: ['read'], required_parameters: 'a' } } }, /required_parameters must be a list/);
  });

  it('rejects unbalanced template braces', () => {
    expectError({ path: { 'secret/{{identity.entity.id/*': { capabilities: ['read'] } } }, /unbalanced templating characters/);
  });

  it('rejects path values that are not blocks', () => {
    expectError({ path: 'secret/*' }, /"path" must be blocks/);
  });

  it('rejects text that does not parse, saying where', () => {
    expectError('{"path": ', /policy "p": failed to parse policy: invalid JSON/);
  });

  it('reports HCL syntax errors with a position', () => {
    expectError('path "x" {\n  capabilities = ["read"\n', /policy "p": failed to parse policy: line 3, column 1: unterminated list/);
  });

  it('reads the HCL legacy shorthand', () => {
    const p = parsePolicy('p', 'path "secret/*" {\n  policy = "write"\n}\n');
    assert.deepEqual(p.rules[0]!.capabilities, ['create', 'read', 'update', 'delete', 'list']);
  });

  it('reads HCL block syntax, repeated blocks and empty blocks', () => {
    const p = parsePolicy('p', [
      'path "a/*" {',
      '  capabilities = ["read"]',
      '  allowed_parameters { "x" = [] }',
      '}',
      'path "a/*" { capabilities = ["list"] }',
      'path "b" {}',
    ].join('\n'));
    assert.equal(p.rules.length, 3);
    assert.deepEqual(p.rules[0]!.allowedParameters, new Map([['x', []]]));
    assert.deepEqual(p.rules[2], { path: 'b', templated: false, capabilities: [], minWrappingTtl: 0, maxWrappingTtl: 0 });
  });

  it('rejects an unknown key in HCL, with its line', () => {
    expectError('path "secret/*" {\n  capabilities = ["read"]\n  allowed = {}\n}\n', /path "secret\/\*": unknown key "allowed" on line 3/);
  });
});
