// The public API: parse/execute, options, errors, functions, and the agent's two-pass use.
// Expected error texts were checked against Go 1.19's text/template where Go can run
// the same template (missingkey=error, custom funcs).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse, render, TemplateError, type FuncMap, type TemplateFunction, type TemplateValue } from '../../src/template/index.js';

const fixtures = fileURLToPath(new URL('../../../test/fixtures/template/', import.meta.url));

function throwsTemplateError(f: () => unknown, message: string): TemplateError {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TemplateError, `expected a TemplateError, got ${String(caught)}`);
  assert.equal(caught.message, message);
  return caught;
}

const kv2Secret = {
  Data: {
    data: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    metadata: { version: 3 },
  },
  LeaseID: '',
  LeaseDuration: 0,
  Renewable: false,
};

describe('render and parse', () => {
  test('render uses "template" as the default name', () => {
    assert.equal(render('{{ .a }}', { a: 1 }), '1');
    throwsTemplateError(() => render('{{ .a.b }}', { a: 'x' }), 'template: template:1:5: executing "template" at <.a.b>: can\'t evaluate field b in type interface {}');
  });

  test('a parsed template executes many times with different data', () => {
    const t = parse('{{ range . }}[{{ . }}]{{ end }}', { name: 'list' });
    assert.equal(t.name, 'list');
    assert.equal(t.execute(['a', 'b']), '[a][b]');
    assert.equal(t.execute([]), '');
    assert.equal(t.execute({ k: 'v' }), '[v]');
  });

  test('names lists every template of the set; execute can run a defined one', () => {
    const t = parse('{{ define "b" }}B{{ . }}{{ end }}{{ define "a" }}A{{ end }}main', { name: 'm' });
    assert.deepEqual(t.names, ['a', 'b', 'm']);
    assert.equal(t.execute(null), 'main');
    assert.equal(t.execute('x', { template: 'b' }), 'Bx');
    throwsTemplateError(() => t.execute(null, { template: 'zz' }), 'template: no template "zz" associated with template "m"');
  });

  test('custom delimiters', () => {
    assert.equal(render('[[ .a ]] {{ .a }} [[- " x" -]] ]]', { a: 1 }, { leftDelim: '[[', rightDelim: ']]' }), '1 {{ .a }} x]]');
  });

  test('null and undefined data are Go nil', () => {
    assert.equal(render('{{ . }}|{{ .x }}', null), '<no value>|<no value>');
    assert.equal(render('{{ . }}', undefined), '<no value>');
  });
});

describe('TemplateError', () => {
  test('exec error carries name, line and Go column', () => {
    const e = throwsTemplateError(
      () => render('a\nb\n  x {{ .Data.x }}', { Data: {} }, { name: 'NAME', missingKey: 'error' }),
      'template: NAME:3:12: executing "NAME" at <.Data.x>: map has no entry for key "x"',
    );
    assert.equal(e.kind, 'exec');
    assert.equal(e.templateName, 'NAME');
    assert.equal(e.line, 3);
    assert.equal(e.column, 12);
  });

  test('parse error carries name and line', () => {
    const e = throwsTemplateError(() => parse('x\n{{ if }}', { name: 'cfg' }), 'template: cfg:2: missing value for if');
    assert.equal(e.kind, 'parse');
    assert.equal(e.line, 2);
    assert.equal(e.column, undefined);
  });

  test('unknown functions fail at parse time', () => {
    throwsTemplateError(() => parse('{{ secret "a" }}'), 'template: template:1: function "secret" not defined');
  });
});

describe('missingKey', () => {
  const text = '[{{ .a }}] [{{ .x }}]';
  test('default and invalid print <no value>', () => {
    assert.equal(render(text, { a: 1 }), '[1] [<no value>]');
    assert.equal(render(text, { a: 1 }, { missingKey: 'invalid' }), '[1] [<no value>]');
  });

  test('error names the key and the line', () => {
    throwsTemplateError(
      () => render(text, { a: 1 }, { name: 'main', missingKey: 'error' }),
      'template: main:1:15: executing "main" at <.x>: map has no entry for key "x"',
    );
  });

  test('error on nil data', () => {
    throwsTemplateError(() => render('{{ .x }}', null, { name: 'main', missingKey: 'error' }), 'template: main:1:3: executing "main" at <.x>: nil data; no entry for key "x"');
  });

  test('error mode still lets index and with guard a missing key', () => {
    assert.equal(render('{{ index .m "nope" }}|{{ with .m.k }}{{ . }}{{ end }}', { m: { k: 'v' } }, { missingKey: 'error' }), '<no value>|v');
  });

  test('zero yields nil: printing gives <no value>, a field of it fails', () => {
    assert.equal(render('[{{ .a }}]', {}, { missingKey: 'zero' }), '[<no value>]');
    throwsTemplateError(() => render('{{ .a.b }}', {}, { name: 'main', missingKey: 'zero' }), 'template: main:1:5: executing "main" at <.a.b>: nil pointer evaluating interface {}.b');
  });
});

describe('functions', () => {
  test('plain JS functions are variadic and receive nil as null', () => {
    const seen: TemplateValue[][] = [];
    const funcs: FuncMap = {
      rec: (...args: TemplateValue[]) => {
        seen.push(args);
        return args.length;
      },
    };
    assert.equal(render('{{ rec }} {{ rec 1 "a" .missing }} {{ "p" | rec 2 }}', {}, { funcs }), '0 3 2');
    assert.deepEqual(seen, [[], [1, 'a', null], [2, 'p']]);
  });

  test('a throwing function aborts with "error calling"', () => {
    const funcs: FuncMap = {
      fail: () => {
        throw new Error('boom');
      },
    };
    throwsTemplateError(() => render('x\n  {{ fail }}', {}, { name: 'main', funcs }), 'template: main:2:5: executing "main" at <fail>: error calling fail: boom');
  });

  test('functions returning undefined or null are nil: with takes else', () => {
    const funcs: FuncMap = { none: () => undefined, nul: () => null };
    assert.equal(render('{{ with none }}x{{ else }}a{{ end }}{{ with nul }}x{{ else }}b{{ end }}[{{ none }}]', {}, { funcs }), 'ab[<no value>]');
  });

  test('typed functions are checked like Go funcs', () => {
    const upper: TemplateFunction = Object.assign((...a: TemplateValue[]) => String(a[0]).toUpperCase(), { signature: { params: ['string'] as const } });
    const funcs: FuncMap = { upper };
    assert.equal(render('{{ upper "x" }}{{ .s | upper }}', { s: 'y' }, { funcs }), 'XY');
    throwsTemplateError(() => render('{{ upper 3 }}', {}, { name: 'main', funcs }), 'template: main:1:9: executing "main" at <3>: expected string; found 3');
    throwsTemplateError(() => render('{{ upper .n }}', { n: 3 }, { name: 'main', funcs }), 'template: main:1:9: executing "main" at <.n>: wrong type for value; expected string; got int');
    throwsTemplateError(() => render('{{ upper }}', {}, { name: 'main', funcs }), 'template: main:1:3: executing "main" at <upper>: wrong number of args for upper: want 1 got 0');
  });

  test('execute-time functions override parse-time ones', () => {
    const t = parse('{{ greet }}', { funcs: { greet: () => 'parse-time' } });
    assert.equal(t.execute(null), 'parse-time');
    assert.equal(t.execute(null, { funcs: { greet: () => 'exec-time' } }), 'exec-time');
  });

  test('user functions take precedence over builtins', () => {
    assert.equal(render('{{ len "abc" }}', null, { funcs: { len: () => 'mine' } }), 'mine');
  });

  test('call invokes a function found in the data', () => {
    const data = { add: ((...a: TemplateValue[]) => (a[0] as number) + (a[1] as number)) as TemplateFunction };
    assert.equal(render('{{ call .add 2 3 }}', data), '5');
  });

  test('invalid function names are rejected', () => {
    assert.throws(() => parse('x', { funcs: { 'not-valid': () => 1 } }), /not a valid identifier/);
  });
});

describe('the agent: secret functions and the two-pass render', () => {
  const seedKv2 = "{{- with secret \"secret/data/myapp/config\" }}export AWS_ACCESS_KEY_ID='{{ .Data.data.aws_access_key_id }}'\nexport AWS_SECRET_ACCESS_KEY='{{ .Data.data.aws_secret_access_key }}'\n{{ end }}";

  test('the seed tutorial template renders like the Go fixture', () => {
    const funcs: FuncMap = { secret: (...args: TemplateValue[]) => (args[0] === 'secret/data/myapp/config' ? kv2Secret : null) };
    const expected = readFileSync(fixtures + 'seed-tutorial-kv2.out', 'utf8');
    assert.equal(render(seedKv2, null, { funcs }), expected);
    assert.equal(
      expected,
      "export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'\nexport AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n",
    );
  });

  test("the seed's KV-v1-style keys print <no value> against a KV v2 secret, and fail with error_on_missing_key", () => {
    const text = readFileSync(fixtures + 'seed-tutorial-kv1-style.tmpl', 'utf8').replace('.secret', 'secret "secret/data/myapp/config"');
    const funcs: FuncMap = { secret: () => kv2Secret };
    assert.equal(render(text, null, { funcs }), readFileSync(fixtures + 'seed-tutorial-kv1-style.out', 'utf8'));
    throwsTemplateError(
      () => render(text, null, { name: 'main', funcs, missingKey: 'error' }),
      'template: main:2:38: executing "main" at <.Data.aws_access_key_id>: map has no entry for key "aws_access_key_id"',
    );
  });

  test('first pass records the paths and takes the else branch; second pass renders', () => {
    const t = parse(seedKv2 + '{{ with secret "kv/other" }}{{ .Data.x }}{{ else }}(pending){{ end }}', { name: 'agent', funcs: { secret: () => null } });
    const wanted: string[] = [];
    const first = t.execute(null, {
      funcs: {
        secret: (...args: TemplateValue[]) => {
          wanted.push(String(args[0]));
          return null;
        },
      },
    });
    assert.equal(first, '(pending)');
    assert.deepEqual(wanted, ['secret/data/myapp/config', 'kv/other']);
    const fetched: Record<string, TemplateValue> = { 'secret/data/myapp/config': kv2Secret, 'kv/other': { Data: { x: 'X' } } };
    const second = t.execute(null, { funcs: { secret: (...args: TemplateValue[]) => fetched[String(args[0])] ?? null } });
    assert.equal(second, "export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE'\nexport AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\nX");
  });
});

describe('newer Go features (not in the Go 1.19 oracle)', () => {
  test('else with (Go 1.23)', () => {
    assert.equal(render('{{ with .a }}a{{ else with .b }}b={{ . }}{{ else }}none{{ end }}', { b: 'B' }), 'b=B');
    assert.equal(render('{{ with .a }}a{{ else with .b }}b{{ else }}none{{ end }}', {}), 'none');
  });

  test('range over an integer (Go 1.22)', () => {
    assert.equal(render('{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}none{{ end }}', null), '012|01|none');
  });
});

describe('limits', () => {
  test('runaway recursion stops with a template error', () => {
    assert.throws(() => render('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', null), (e: unknown) => e instanceof TemplateError && /maximum template depth/.test(e.message));
  });
});
