// Fuzzing the template engine (src/template): templates built from Go's text/template grammar
// (actions, pipelines, variables, if/range/with/else, define/template/block, break/continue,
// builtin and consul-template functions), random data, and the same templates mutated. Rendering
// must give a string or throw TemplateError (never another exception), the same twice, without
// hanging (recursion and loops are bounded by the engine or by the data). With Go's `tmpl` on PATH,
// a subset using only builtins is compared with Go's own text/template (output, or both failing).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { consulTemplateFunctions, render, TemplateError } from '../../src/template/index.js';
import { check, fuzzRuns } from './support.js';

type Outcome = { ok: true; out: string } | { ok: false; message: string };

// consul-template functions that need no server; the ones that fetch secrets get a stub that fails.
const funcs = consulTemplateFunctions({});

function ours(text: string, data: unknown, withConsul: boolean): Outcome {
  try {
    const out = render(text, data, { name: 'main', ...(withConsul ? { funcs } : {}) });
    assert.equal(typeof out, 'string');
    return { ok: true, out };
  } catch (err) {
    if (err instanceof TemplateError) return { ok: false, message: err.message };
    assert.fail(`threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)} for ${JSON.stringify(text)}`);
  }
}

function consistent(text: string, data: unknown, withConsul: boolean): Outcome {
  const a = ours(text, data, withConsul);
  const b = ours(text, data, withConsul);
  assert.deepEqual(b, a, 'the same template and data gave a different answer');
  return a;
}

// ---- generators ------------------------------------------------------------------------------

const KEYS = ['A', 'B', 'Items', 'Name'];
function dataOf(numbers: boolean): fc.Arbitrary<unknown> {
  return fc.letrec<{ v: unknown; obj: Record<string, unknown> }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', '', 'a b', '<&>', 'é'),
    numbers ? fc.integer({ min: -3, max: 5 }) : fc.constant('1'),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 3 }),
    tie('obj'),
  ),
  obj: fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 4 }),
  })).obj;
}
const data = dataOf(true);
// Go decodes JSON numbers as float64 where Coffer keeps integers (the div-json-* fixtures): no numbers
// in the data compared with Go.
const goData = dataOf(false);

/** Where Coffer knowingly follows a newer Go than `tmpl`'s 1.19 (see test/fixtures/template/div-*). */
function knownDivergence(go: Outcome): boolean {
  return !go.ok && /range can't iterate over -?\d/.test(go.message);
}

const BUILTIN_FUNCS = ['len', 'not', 'print', 'println', 'printf "%v"', 'printf "%d"', 'printf "%q"', 'html', 'js', 'urlquery', 'index', 'slice', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'];
const CONSUL_FUNCS = ['toJSON', 'toUpper', 'toLower', 'trimSpace', 'base64Encode', 'base64Decode', 'split ","', 'join ","', 'replaceAll "a" "b"', 'contains "a"', 'add 1', 'multiply 2', 'toYAML', 'parseJSON', 'sprig_upper'];

function grammar(fnames: readonly string[], extended: boolean): fc.Arbitrary<string> {
  // Coffer compares an int with a float by value where Go 1.19 says "incompatible types" (documented in
  // src/template/builtins.ts): float literals only outside the Go subset.
  const literals = ['.', '.A', '.B', '.Items', '.A.B', '$', '$x', '"s"', '"a,b"', '1', '0', '-2', 'true', 'false', 'nil', '.Name', ...(extended ? ['1.5'] : [])];
  // Go stops runaway recursion only at depth 100000, which takes `tmpl` seconds: not in the Go subset.
  const runaway = extended
    ? fc.constantFrom('{{define "r"}}x{{template "r" .}}{{end}}{{template "r" .}}', '{{define "r2"}}{{if .}}{{template "r2" .}}{{end}}{{end}}{{template "r2" 1}}')
    : fc.constant('');
  return fc.letrec<{ tmpl: string; node: string; pipe: string; operand: string }>((tie) => ({
    operand: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...literals),
      tie('pipe').map((p) => `(${p})`),
    ),
    pipe: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('operand'),
      fc.tuple(fc.constantFrom(...fnames), fc.array(tie('operand'), { maxLength: 2 })).map(([f, args]) => [f, ...args].join(' ')),
      fc.tuple(tie('operand'), fc.constantFrom(...fnames)).map(([o, f]) => `${o} | ${f}`),
    ),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('a', ' ', '\n', 'text{', '}'),
      tie('pipe').map((p) => `{{${p}}}`),
      tie('pipe').map((p) => `{{- ${p} -}}`),
      tie('pipe').map((p) => `{{$x := ${p}}}`),
      tie('pipe').map((p) => `{{$x = ${p}}}`),
      fc.constant('{{/* comment */}}'),
      fc.tuple(tie('pipe'), tie('tmpl'), tie('tmpl')).map(([p, a, b]) => `{{if ${p}}}${a}{{else}}${b}{{end}}`),
      fc.tuple(tie('pipe'), tie('tmpl'), tie('pipe'), tie('tmpl')).map(([p, a, q, b]) => `{{if ${p}}}${a}{{else if ${q}}}${b}{{end}}`),
      fc.tuple(tie('pipe'), tie('tmpl')).map(([p, a]) => `{{range ${p}}}${a}{{end}}`),
      fc.tuple(tie('pipe'), tie('tmpl'), tie('tmpl')).map(([p, a, b]) => `{{range $i, $v := ${p}}}${a}{{$i}}{{$v}}{{else}}${b}{{end}}`),
      fc.tuple(tie('pipe'), tie('tmpl')).map(([p, a]) => `{{range ${p}}}{{if .}}{{break}}{{end}}${a}{{continue}}{{end}}`),
      fc.tuple(tie('pipe'), tie('tmpl'), tie('tmpl')).map(([p, a, b]) => `{{with ${p}}}${a}{{else}}${b}{{end}}`),
      fc.tuple(tie('tmpl'), tie('pipe')).map(([a, p]) => `{{define "t"}}${a}{{end}}{{template "t" ${p}}}`),
      fc.tuple(tie('tmpl')).map(([a]) => `{{block "b" .}}${a}{{end}}`),
      // Unbounded recursion: the engine must stop it (Go: "exceeded maximum template depth").
      runaway,
    ),
    tmpl: fc.array(tie('node'), { maxLength: 3 }).map((ns) => ns.join('')),
  })).tmpl;
}

const builtinTemplate = grammar(BUILTIN_FUNCS, false);
const fullTemplate = grammar([...BUILTIN_FUNCS, ...CONSUL_FUNCS], true);

const mutation = fc.record({
  at: fc.nat(),
  len: fc.nat({ max: 3 }),
  insert: fc.constantFrom('', '{{', '}}', '"', '(', ')', '|', '$', '.', 'end', '{{end}}', '-', ':=', '/*', '`', '\\'),
});

function mutate(src: string, ms: readonly { at: number; len: number; insert: string }[]): string {
  let s = src;
  for (const m of ms) {
    const at = m.at % (s.length + 1);
    s = s.slice(0, at) + m.insert + s.slice(at + m.len);
  }
  return s;
}

// ---- properties -------------------------------------------------------------------------------

test('fuzz: grammar-built templates with builtins and consul-template functions render or throw TemplateError (300 runs)', { timeout: 60_000 }, () => {
  check(fc.property(fullTemplate, data, (t, d) => void consistent(t, d, true)), 300);
});

test('fuzz: mutated templates and arbitrary text keep the error contract (400 runs)', { timeout: 60_000 }, () => {
  const text = fc.oneof(
    fc.tuple(fullTemplate, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([t, ms]) => mutate(t, ms)),
    fc.string({ maxLength: 120, unit: fc.constantFrom(...'{}()|$."`\\-:= abcdefiltnrgwhpx/*0123456789\n'.split('')) }),
  );
  check(fc.property(text, data, (t, d) => void consistent(t, d, true)), 400);
});

function hasTmpl(): boolean {
  return spawnSync('tmpl', ['-h'], { stdio: 'ignore' }).error === undefined;
}

function goRender(text: string, d: unknown, work: string): Outcome {
  writeFileSync(join(work, 'main.tmpl'), text);
  writeFileSync(join(work, 'data.json'), JSON.stringify(d));
  rmSync(join(work, 'main'), { force: true });
  const r = spawnSync('tmpl', ['-data', '@' + join(work, 'data.json'), join(work, 'main.tmpl')], { encoding: 'utf8', timeout: 20_000 });
  if (r.status === 0) return { ok: true, out: readFileSync(join(work, 'main'), 'utf8') };
  return { ok: false, message: r.stderr };
}

test("fuzz: builtin-only templates agree with Go's text/template (`tmpl`; 40 runs)", { skip: hasTmpl() ? false : '`tmpl` (Go text/template) is not on PATH', timeout: 120_000 }, () => {
  const work = mkdtempSync(join(tmpdir(), 'coffer-fuzz-tmpl-'));
  try {
    check(
      fc.property(builtinTemplate, goData, (t, d) => {
        const mine = consistent(t, d, false);
        const go = goRender(t, d, work);
        if (knownDivergence(go)) return;
        assert.equal(mine.ok, go.ok, `Go ${go.ok ? 'rendered' : 'failed'} but Coffer ${mine.ok ? 'rendered' : 'failed'}: ${JSON.stringify(t)} with ${JSON.stringify(d)}\nGo: ${JSON.stringify(go)}\nCoffer: ${JSON.stringify(mine)}`);
        if (mine.ok && go.ok) assert.equal(mine.out, go.out, `output differs for ${JSON.stringify(t)} with ${JSON.stringify(d)}`);
      }),
      fuzzRuns(40),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
