// Option parsing on its own: defaults, Go-style booleans, JSON-typed values, targets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeOptions, parseDeviceOptions } from '../../../src/server/audit/options.js';
import { CofferError } from '../../../src/server/framework/errors.js';

test('defaults match Vault: hmac_accessor on, log_raw off, json, no prefix, mode 0600', () => {
  assert.deepEqual(parseDeviceOptions({ file_path: '/var/log/audit.log' }), {
    target: { kind: 'file', path: '/var/log/audit.log', mode: 0o600 },
    hmacAccessor: true,
    logRaw: false,
    elideListResponses: false,
    prefix: '',
  });
});

test('stdout and discard are keywords in any case; "path" is the old name of file_path', () => {
  assert.deepEqual(parseDeviceOptions({ file_path: 'STDOUT' }).target, { kind: 'stdout' });
  assert.deepEqual(parseDeviceOptions({ file_path: 'Discard' }).target, { kind: 'discard' });
  assert.deepEqual(parseDeviceOptions({ path: '/tmp/a.log' }).target, { kind: 'file', path: '/tmp/a.log', mode: 0o600 });
});

test('booleans are parsed as Go does', () => {
  for (const t of ['1', 't', 'T', 'TRUE', 'true', 'True']) assert.equal(parseDeviceOptions({ file_path: 'discard', log_raw: t }).logRaw, true);
  for (const f of ['0', 'f', 'F', 'FALSE', 'false', 'False']) assert.equal(parseDeviceOptions({ file_path: 'discard', hmac_accessor: f }).hmacAccessor, false);
});

test('JSON numbers and booleans become strings; objects are a 400 naming the option', () => {
  assert.deepEqual(normalizeOptions({ log_raw: true, mode: 600, file_path: 'x' }), { log_raw: 'true', mode: '600', file_path: 'x' });
  assert.throws(
    () => normalizeOptions({ prefix: { a: 1 } }),
    (e: unknown) => e instanceof CofferError && e.status === 400 && e.message.includes('"prefix"'),
  );
});

test('an unknown format is a 400 naming the option', () => {
  assert.throws(
    () => parseDeviceOptions({ file_path: 'discard', format: 'xml' }),
    (e: unknown) => e instanceof CofferError && e.status === 400 && e.message.includes('"format"'),
  );
});
