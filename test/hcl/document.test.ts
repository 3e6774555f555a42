// Positions API (parseHclDocument), error messages, and value details of the HCL1 reader.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HclError, parseHcl, parseHclDocument, type HclObject, type HclValue } from '../../src/hcl/index.js';

function errorOf(text: string, filename?: string): HclError {
  try {
    parseHcl(text, filename === undefined ? {} : { filename });
  } catch (err) {
    if (err instanceof HclError) return err;
    throw err;
  }
  assert.fail(`expected an HclError for ${JSON.stringify(text)}`);
}

const obj = (v: HclValue | undefined): HclObject => {
  assert.ok(v !== undefined && typeof v === 'object' && !Array.isArray(v), `not an object: ${JSON.stringify(v)}`);
  return v;
};
const first = (v: HclValue | undefined): HclObject => {
  assert.ok(Array.isArray(v), `not a list: ${JSON.stringify(v)}`);
  return obj(v[0]);
};

describe('parseHclDocument positions', () => {
  const text = [
    'ui = true', // 1
    '', // 2
    'storage "sqlite" {', // 3
    '  path = "/data"', // 4
    '  storag = 1', // 5
    '}', // 6
    '  "quoted key" = 2', // 7
    'listener "tcp" { address = "a" }', // 8
    'listener "tcp" { address = "b" }', // 9
  ].join('\n');
  const doc = parseHclDocument(text, { filename: 'server.hcl' });

  it('gives line and column of top-level keys', () => {
    assert.deepEqual(doc.positionOf(doc.value, 'ui'), { line: 1, column: 1 });
    assert.deepEqual(doc.positionOf(doc.value, 'storage'), { line: 3, column: 1 });
    assert.deepEqual(doc.positionOf(doc.value, 'quoted key'), { line: 7, column: 3 });
    assert.equal(doc.positionOf(doc.value, 'missing'), undefined);
  });

  it('gives positions of labels and of keys inside blocks, so a loader can name a bad key', () => {
    const sqlite = obj(first(doc.value.storage));
    assert.deepEqual(doc.positionOf(sqlite, 'sqlite'), { line: 3, column: 9 });
    const body = first(sqlite.sqlite);
    assert.deepEqual(doc.positionOf(body, 'storag'), { line: 5, column: 3 });
    assert.equal(`${doc.where(body, 'storag')}: unknown key "storag"`, 'server.hcl:5: unknown key "storag"');
  });

  it('keeps each repeated block apart, and the first occurrence for a repeated key', () => {
    const listeners = doc.value.listener;
    assert.ok(Array.isArray(listeners) && listeners.length === 2);
    assert.deepEqual(doc.positionOf(obj(listeners[1]), 'tcp'), { line: 9, column: 10 });
    assert.deepEqual(doc.positionOf(doc.value, 'listener'), { line: 8, column: 1 });
    const b = first(obj(listeners[1]).tcp);
    assert.deepEqual(doc.positionOf(b, 'address'), { line: 9, column: 18 });
  });

  it('where() falls back to the file name', () => {
    assert.equal(doc.where({}, 'x'), 'server.hcl');
    assert.equal(parseHclDocument('a = 1').where({}, 'x'), '<input>');
  });

  it('works for JSON input and for CRLF files', () => {
    const json = parseHclDocument('{\n  "a": 1,\n  "path": {"x/*": {"capabilities": ["read"]}}\n}');
    assert.deepEqual(json.positionOf(json.value, 'path'), { line: 3, column: 3 });
    const x = first(json.value.path);
    assert.deepEqual(json.positionOf(x, 'x/*'), { line: 3, column: 12 });
    const crlf = parseHclDocument('a = 1\r\nb = 2\r\n');
    assert.deepEqual(crlf.positionOf(crlf.value, 'b'), { line: 2, column: 1 });
  });

  it('counts columns in code points', () => {
    const d = parseHclDocument('"😀" = 1, b = 2');
    assert.deepEqual(d.positionOf(d.value, 'b'), { line: 1, column: 10 });
  });

  it('returns the same value as parseHcl', () => {
    assert.deepStrictEqual(doc.value, parseHcl(text));
  });
});

describe('HclError', () => {
  it('names file, line and column of a missing "="', () => {
    const err = errorOf('ui = true\n\n  storage "sqlite"\n', 'server.hcl');
    assert.equal(err.message, `server.hcl:4:1: expected '=' or '{' after key "storage" "sqlite", found end of file`);
    assert.equal(err.filename, 'server.hcl');
    assert.equal(err.line, 4);
    assert.equal(err.column, 1);
    assert.equal(err.reason, `expected '=' or '{' after key "storage" "sqlite", found end of file`);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'HclError');
  });

  it('uses <input> without a file name', () => {
    assert.match(errorOf('a b\n').message, /^<input>:2:1: expected '=' or '\{' after key "a" "b"/);
  });

  const cases: [string, string, number, number, RegExp][] = [
    ['missing =', 'ui true\n', 1, 4, /expected '=' or '\{' after key "ui", found true/],
    ['unterminated string', 'a = 1\nb = "abc\n', 2, 5, /unterminated string/],
    ['unterminated heredoc', 'a = <<EOT\nx\n', 1, 5, /unterminated heredoc: no line "EOT" ends it/],
    ['heredoc without final newline', 'a = <<EOT\nx\nEOT', 1, 5, /must also end with a newline/],
    ['<<- closed at column 1', 'a = <<-EOT\n  x\nEOT\n', 1, 5, /must be indented/],
    ['heredoc anchor with trailing space', 'a = <<EOT \nx\nEOT\n', 1, 5, /must be followed directly by a newline/],
    ['unterminated block', 'a {\n  b = 1\n', 3, 1, /'\{' at line 1 is never closed/],
    ['unterminated list', 'a = [1,\n', 2, 1, /'\[' at line 1 is never closed/],
    ['unquoted value', 'a = hello\n', 1, 5, /strings must be quoted: "hello"/],
    ['labels with =', 'a "b" = 1\n', 1, 7, /a block with labels needs '\{'/],
    ['bad octal', 'mode = 0648\n', 1, 8, /octal/],
    ['octal 08', 'mode = 08\n', 1, 8, /invalid number 08 \(a leading 0 makes a number octal\)/],
    ['int overflow', 'a = 99999999999999999999\n', 1, 5, /out of range/],
    ['bad escape', 'a = "x\\qy"\n', 1, 7, /invalid escape sequence "\\q"/],
    ['stray brace', 'a = 1\n}\n', 2, 1, /expected a key, found '\}'/],
    ['stray token', 'a = 1 2\n', 1, 7, /expected a key, found number 2/],
    ['unterminated comment', 'a = 1 /* x\n', 1, 7, /unterminated comment/],
    ['byte order mark', '\ufeffa = 1\n', 1, 1, /byte order mark/],
    ['list without comma', 'a = [1 2]\n', 1, 8, /expected ',' or '\]'/],
    ['mixed labels', 'path { x = 1 }\npath "a" {}\n', 1, 6, /used both as a block with labels/],
    ['repeated key of another type', 'a = [1]\na = 2\n', 2, 5, /"a" is repeated with the number 2 after a list/],
    ['JSON surrogate escape', '{"a": "\\ud83d\\ude00"}', 1, 7, /invalid string literal/],
    ['JSON \\/ escape', '{"a": "x\\/y"}', 1, 9, /HCL does not accept "\\\/"/],
  ];
  it('reports absurdly deep nesting as an HclError, not a stack overflow', () => {
    assert.match(errorOf(`a = ${'['.repeat(20000)}${']'.repeat(20000)}`).reason, /nested too deeply/);
  });

  for (const [what, text, line, column, reason] of cases) {
    it(what, () => {
      const err = errorOf(text, 'f.hcl');
      assert.match(err.reason, reason);
      assert.deepEqual([err.line, err.column], [line, column], err.message);
    });
  }
});

describe('values', () => {
  it('reads 0640 as octal and keeps ${} literally', () => {
    assert.deepStrictEqual(parseHcl('mode = 0640\ns = "${var.x}"'), { mode: 416, s: '${var.x}' });
  });

  it('returns integers beyond 2^53 as the nearest double (what JSON.parse makes of Go output)', () => {
    assert.equal(parseHcl('a = 9007199254740993').a, 9007199254740992);
    assert.equal(parseHcl('a = -9223372036854775808').a, -9223372036854775808);
  });

  it('keeps source order of keys and a "__proto__" key as an own property', () => {
    const v = parseHcl('z = 1\na = 2\n__proto__ = 3\n');
    assert.deepEqual(Object.keys(v), ['z', 'a', '__proto__']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });

  it('decodes Vault policy shapes', () => {
    assert.deepStrictEqual(parseHcl('path "secret/*" { capabilities = ["read"] }'), {
      path: [{ 'secret/*': [{ capabilities: ['read'] }] }],
    });
  });
});
