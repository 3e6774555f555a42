// The CLI's pieces without a server: Go-style flag parsing, key=value/@file/stdin arguments, Vault's
// table layout and Go value printing, JSON and YAML output, the KV path rewriting and policy fmt.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlags, UsageError, type FlagSpec } from '../../src/cli/flags.js';
import { parseKeyValues } from '../../src/cli/args.js';
import { LocalError } from '../../src/cli/config.js';
import { columnize, formatJson, formatYaml, goString, headerForMap, humanDuration, secretRows, tableOutput } from '../../src/cli/output.js';
import { addPrefixToKVPath } from '../../src/cli/kv.js';
import { formatHcl } from '../../src/cli/hcl-fmt.js';
import { tempDir } from '../support/server.js';

const SPECS: Record<string, FlagSpec> = {
  path: { type: 'string', default: '', usage: '' },
  force: { type: 'bool', default: false, aliases: ['f'], usage: '' },
  version: { type: 'int', default: 0, usage: '' },
  policy: { type: 'strings', usage: '' },
  metadata: { type: 'map', usage: '' },
};

test('flags: -a=b, -a b, --a=b, bools, ints, repeated, maps, aliases; flags stop at the first argument', () => {
  const p = parseFlags(['-path=kube-policy', '--version', '2', '-f', '-policy=a', '-policy', 'b', '-metadata=team=web', 'kubernetes', '-path=late'], SPECS);
  assert.equal(p.values.path, 'kube-policy');
  assert.equal(p.values.version, 2);
  assert.equal(p.values.force, true);
  assert.deepEqual(p.values.policy, ['a', 'b']);
  assert.deepEqual(p.values.metadata, { team: 'web' });
  assert.deepEqual(p.args, ['kubernetes', '-path=late']);
  assert.deepEqual(p.lateFlags, ['-path=late']);
  assert.ok(p.set.has('force') && !p.set.has('nope'));
  assert.deepEqual(parseFlags(['-force=false', '--', '-x'], SPECS).args, ['-x']);
  assert.deepEqual(parseFlags(['-', 'x'], SPECS).args, ['-', 'x'], 'a lone "-" is an argument (stdin)');
  assert.throws(() => parseFlags(['-nope'], SPECS), (e: Error) => e instanceof UsageError && e.message === 'flag provided but not defined: -nope');
  assert.throws(() => parseFlags(['-version=x'], SPECS), /invalid value "x" for flag -version/);
  assert.throws(() => parseFlags(['-path'], SPECS), /flag needs an argument: -path/);
  assert.throws(() => parseFlags(['-force=maybe'], SPECS), /invalid boolean value/);
});

test('key=value arguments: @file, \\@ literal, key=- and - (JSON) from stdin, repeated keys become lists', async () => {
  const dir = tempDir();
  const f = join(dir, 'ca.pem');
  writeFileSync(f, '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
  const stdin = async (): Promise<string> => 'from stdin\n';
  assert.deepEqual(await parseKeyValues(['a=b', 'c=@' + f, 'd=\\@x', 'e=', 'k=1', 'k=2', 'eq=a=b'], { stdin }), {
    a: 'b',
    c: '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n',
    d: '@x',
    e: '',
    k: ['1', '2'],
    eq: 'a=b',
  });
  assert.deepEqual(await parseKeyValues(['jwt=-'], { stdin }), { jwt: 'from stdin\n' });
  assert.deepEqual(await parseKeyValues(['-', 'x=y'], { stdin: async () => '{"policies":["a"],"ttl":"1h"}' }), { policies: ['a'], ttl: '1h', x: 'y' });
  await assert.rejects(parseKeyValues(['a=-', 'b=-'], { stdin }), /stdin already consumed/);
  await assert.rejects(parseKeyValues(['-'], { stdin: async () => '[1]' }), /not a JSON object/);
  await assert.rejects(parseKeyValues(['c=@/nonexistent/x'], { stdin }), (e: Error) => e instanceof LocalError && /no such file/.test(e.message));
  await assert.rejects(parseKeyValues(['hvs.s3cr3t-token'], { stdin }), (e: Error) => /format must be key=value/.test(e.message) && !e.message.includes('s3cr3t'));
});

test("tables are aligned like Vault's: 4-space glue, n/a for empty cells, an underline row", () => {
  assert.equal(tableOutput([['Key', 'Value'], ['created_time', 'x'], ['deletion_time', ''], ['version', '1']]), [
    'Key              Value',
    '---              -----',
    'created_time     x',
    'deletion_time    n/a',
    'version          1',
  ].join('\n'));
  assert.equal(columnize([['Key Term', '2'], ['Install Time', 't']]), 'Key Term        2\nInstall Time    t');
  assert.equal(headerForMap('Data', { passcode: 'x' }), '====== Data ======');
  assert.equal(headerForMap('Metadata', { created_time: 'x', custom_metadata: null }), '======= Metadata =======');
});

test("values print as Go's %v and TTLs as durations", () => {
  assert.equal(goString(null), '<nil>');
  assert.equal(goString(['a', 'b']), '[a b]');
  assert.equal(goString({ b: 1, a: { c: true } }), 'map[a:map[c:true] b:1]');
  assert.equal(humanDuration(2764800), '768h');
  assert.equal(humanDuration(90), '1m30s');
  assert.equal(humanDuration(3660), '1h1m');
  assert.equal(humanDuration(0), '0s');
  const rows = secretRows({ lease_id: '', lease_duration: 2764800, renewable: false, data: { ttl: 3600, foo: 'bar', list: ['x'] } });
  assert.deepEqual(rows, [['refresh_interval', '768h'], ['foo', 'bar'], ['list', '[x]'], ['ttl', '1h']]);
  const auth = secretRows({ lease_duration: 0, auth: { client_token: 'hvs.x', accessor: 'acc', lease_duration: 0, renewable: false, policies: ['root'], token_policies: ['root'], metadata: null } });
  assert.deepEqual(auth.find((r) => r[0] === 'token_duration'), ['token_duration', '∞']);
  assert.deepEqual(auth.find((r) => r[0] === 'policies'), ['policies', '["root"]']);
  assert.deepEqual(auth.find((r) => r[0] === 'identity_policies'), ['identity_policies', '[]']);
});

test("JSON is Go's MarshalIndent (sorted keys, <>& escaped); YAML is yaml.v2's", () => {
  assert.equal(formatJson({ b: 'x<y&z', a: [1, { d: null, c: 2 }] }), '{\n  "a": [\n    1,\n    {\n      "c": 2,\n      "d": null\n    }\n  ],\n  "b": "x\\u003cy\\u0026z"\n}');
  assert.equal(formatYaml({ data: { keys: ['a', 'b/'], t: 'true', n: 3, pem: 'line1\nline2\n' }, warnings: null }), 'data:\n  keys:\n  - a\n  - b/\n  "n": 3\n  pem: |\n    line1\n    line2\n  t: "true"\nwarnings: null');
});

test('KV v2 paths gain /data/ (or /metadata/, /delete/ ...) after the mount', () => {
  assert.equal(addPrefixToKVPath('secret/foo', 'secret/', 'data'), 'secret/data/foo');
  assert.equal(addPrefixToKVPath('secret/a/b/', 'secret/', 'metadata'), 'secret/metadata/a/b');
  assert.equal(addPrefixToKVPath('secret', 'secret/', 'metadata'), 'secret/metadata');
  assert.equal(addPrefixToKVPath('team/kv/x', 'team/kv/', 'destroy'), 'team/kv/destroy/x');
});

test('policy fmt layout: indentation, aligned =, blank lines between blocks; comments and heredocs kept', () => {
  const messy = '\n\n# read the app config\npath "secret/data/myapp/*"   {\ncapabilities=["read", "list"]\n      min_wrapping_ttl = "1s"\n}\npath "x" { capabilities = ["deny"] }\n\n\npath "y" {\n    capabilities = [\n  "create", // why\n    ]\n  policy = <<EOT\n   raw  \nEOT\n}\n';
  const want = '# read the app config\npath "secret/data/myapp/*" {\n  capabilities     = ["read", "list"]\n  min_wrapping_ttl = "1s"\n}\n\npath "x" { capabilities = ["deny"] }\n\npath "y" {\n  capabilities = [\n    "create", // why\n  ]\n  policy = <<EOT\n   raw  \nEOT\n}\n';
  assert.equal(formatHcl(messy), want);
  assert.equal(formatHcl(want), want, 'formatting is idempotent');
});
