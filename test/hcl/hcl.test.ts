// The HCL1 reader against Go's own output: every test/fixtures/hcl/NAME.hcl must give NAME.json
// (recorded by scripts/hcl-fixtures.sh) or be rejected like NAME.err; with HCL1_REFERENCE set to the
// oracle binary, the oracle is also run live on every fixture.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { HclError, parseHcl } from '../../src/hcl/index.js';

// compiled to dist/test/hcl/; the fixtures stay in test/fixtures/hcl/
const dir = fileURLToPath(new URL('../../../test/fixtures/hcl/', import.meta.url));
const names = readdirSync(dir).filter((f) => f.endsWith('.hcl')).map((f) => f.slice(0, -4)).sort();
const oracle = process.env.HCL1_REFERENCE;

/** Runs the oracle; returns its JSON value, or undefined if it rejects the input. */
function runOracle(input: Buffer): unknown {
  try {
    return JSON.parse(execFileSync(oracle as string, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString());
  } catch (err) {
    if (err instanceof Error && 'status' in err && typeof err.status === 'number' && err.status > 0) return undefined;
    throw err;
  }
}

function assertRejected(name: string, text: string): HclError {
  const file = `${name}.hcl`;
  let caught: unknown;
  try {
    parseHcl(text, { filename: file });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof HclError, `${file} should throw HclError, got ${String(caught)}`);
  assert.equal(caught.filename, file);
  assert.ok(caught.line >= 1 && caught.column >= 1, `${file}: line/column ${caught.line}:${caught.column}`);
  assert.ok(caught.message.startsWith(`${file}:${caught.line}:${caught.column}: `), caught.message);
  return caught;
}

describe('HCL fixtures (recorded from Go hashicorp/hcl v1)', () => {
  it('has enough fixtures, each with exactly one of .json / .err', () => {
    assert.ok(names.length >= 40, `${names.length} fixtures`);
    for (const name of names) {
      const has = [existsSync(`${dir}${name}.json`), existsSync(`${dir}${name}.err`)];
      assert.equal(has.filter(Boolean).length, 1, `${name}: run scripts/hcl-fixtures.sh`);
    }
  });

  for (const name of names) {
    it(name, () => {
      const text = readFileSync(`${dir}${name}.hcl`, 'utf8');
      if (existsSync(`${dir}${name}.json`)) {
        const expected: unknown = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8'));
        assert.deepStrictEqual(parseHcl(text, { filename: `${name}.hcl` }), expected);
      } else {
        assertRejected(name, text);
      }
    });
  }
});

describe('HCL fixtures against the live oracle ($HCL1_REFERENCE)', { skip: oracle === undefined ? 'HCL1_REFERENCE not set' : false }, () => {
  for (const name of names) {
    it(name, () => {
      const bytes = readFileSync(`${dir}${name}.hcl`);
      const expected = runOracle(bytes);
      if (expected === undefined) assertRejected(name, bytes.toString('utf8'));
      else assert.deepStrictEqual(parseHcl(bytes.toString('utf8')), expected);
    });
  }
});
