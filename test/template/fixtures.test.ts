// Differential tests against Go's own text/template.
//
// Each test/fixtures/template/NAME.tmpl is rendered with NAME.data.json and compared
// byte for byte with NAME.out (Go's output) or NAME.err (Go's error message), both
// recorded by scripts/template-fixtures.sh with Debian's `tmpl` (Go 1.19's text/template).
// Where Coffer knowingly differs, NAME.coffer.out / NAME.coffer.err hold Coffer's
// expected result instead (the div-* fixtures: JSON numbers, newer Go features).
// When `tmpl` is on PATH, Go is also run live on every fixture.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { render, TemplateError } from '../../src/template/index.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/template/', import.meta.url));
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.tmpl'))
  .map((f) => f.slice(0, -'.tmpl'.length))
  .sort();

interface Result {
  out?: string;
  err?: string;
}

function read(name: string, ext: string): string | undefined {
  const p = join(dir, name + ext);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

function recorded(name: string, prefix = ''): Result | undefined {
  const out = read(name, prefix + '.out');
  if (out !== undefined) return { out };
  const err = read(name, prefix + '.err');
  if (err !== undefined) return { err };
  return undefined;
}

function ours(name: string): Result {
  const text = readFileSync(join(dir, name + '.tmpl'), 'utf8');
  const dataText = read(name, '.data.json');
  const data: unknown = dataText === undefined ? undefined : JSON.parse(dataText);
  try {
    return { out: render(text, data, { name: 'main' }) };
  } catch (e) {
    if (e instanceof TemplateError) return { err: e.message + '\n' };
    throw e;
  }
}

function goLive(name: string): Result {
  const work = mkdtempSync(join(tmpdir(), 'coffer-tmpl-'));
  try {
    copyFileSync(join(dir, name + '.tmpl'), join(work, 'main.tmpl'));
    const data = join(dir, name + '.data.json');
    const args = existsSync(data) ? ['-data', '@' + data, join(work, 'main.tmpl')] : [join(work, 'main.tmpl')];
    const r = spawnSync('tmpl', args, { encoding: 'utf8' });
    if (r.status === 0) return { out: readFileSync(join(work, 'main'), 'utf8') };
    return { err: r.stderr };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

test('there are at least 60 fixtures', () => {
  assert.ok(names.length >= 60, `only ${names.length} fixtures`);
});

describe('fixtures: Coffer matches Go', () => {
  for (const name of names) {
    test(name, () => {
      const expected = recorded(name, '.coffer') ?? recorded(name);
      assert.ok(expected, `${name}: no recorded output; run scripts/template-fixtures.sh`);
      assert.deepEqual(ours(name), expected);
    });
  }
});

const hasTmpl = spawnSync('tmpl', ['-h']).error === undefined;

describe('fixtures: live Go (tmpl)', { skip: hasTmpl ? false : 'tmpl is not installed' }, () => {
  for (const name of names) {
    test(name, () => {
      const go = goLive(name);
      assert.deepEqual(go, recorded(name), `${name}: recorded Go output is stale; run scripts/template-fixtures.sh`);
      if (recorded(name, '.coffer') === undefined) assert.deepEqual(ours(name), go);
    });
  }
});
