// consul-template helper functions, checked against the examples in consul-template's
// docs/templating-language.md (Go's tmpl cannot run them), plus Go library behaviour
// they rely on (strconv, encoding/base64, encoding/json, yaml.v2, time.Format).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { consulTemplateFunctions, render, TemplateError, type TemplateValue } from '../../src/template/index.js';

const funcs = consulTemplateFunctions({
  env: { CLUSTER_ID: 'CLUSTER-7', EMPTY: '', HOME: '/root' },
  now: () => new Date(Date.UTC(2024, 0, 15, 13, 4, 5, 120)),
  readFile: (p) => (p === '/etc/ec2_version' ? '  v1.2.3\n' : `contents of ${p}`),
});

function r(text: string, data: unknown = {}): string {
  return render(text, data, { name: 'main', funcs });
}

function fails(text: string, message: string, data: unknown = {}): void {
  let caught: unknown;
  try {
    r(text, data);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof TemplateError, `expected a TemplateError from ${text}`);
  assert.equal(caught.message, message);
}

describe('documented examples', () => {
  test('base64', () => {
    assert.equal(r('{{ base64Decode "aGVsbG8=" }}'), 'hello');
    assert.equal(r('{{ base64Encode "hello" }}'), 'aGVsbG8=');
    assert.equal(r('{{ base64URLDecode "aGVsbG8=" }}'), 'hello');
    assert.equal(r('{{ base64URLEncode "hello" }}'), 'aGVsbG8=');
    assert.equal(r('{{ base64URLEncode "??>>" }}|{{ base64URLDecode "Pz8-Pg==" }}'), 'Pz8-Pg==|??>>');
  });

  test('base64Decode errors the way encoding/base64 does', () => {
    fails('{{ base64Decode "aGVsbG8" }}', 'template: main:1:3: executing "main" at <base64Decode "aGVsbG8">: error calling base64Decode: base64Decode: illegal base64 data at input byte 4');
    fails('{{ base64Decode "a$bc" }}', 'template: main:1:3: executing "main" at <base64Decode "a$bc">: error calling base64Decode: base64Decode: illegal base64 data at input byte 1');
    assert.equal(r('{{ base64Decode "aGVs\\nbG8=" }}'), 'hello');
  });

  test('contains and in', () => {
    const data = { Tags: ['production', 'web'] };
    assert.equal(r('{{ if .Tags | contains "production" }}yes{{ end }}', data), 'yes');
    assert.equal(r('{{ if in .Tags "production" }}yes{{ end }}', data), 'yes');
    assert.equal(r('{{ contains "staging" .Tags }}|{{ "hello" | contains "ell" }}|{{ in "hello" "xyz" }}', data), 'false|true|false');
  });

  test('containsAll / containsAny / containsNone / containsNotAll', () => {
    const data = { tags: ['a', 'b', 'c'], req: ['a', 'b'], some: ['a', 'z'], none: ['x', 'y'], empty: [] };
    assert.equal(r('{{ containsAll .req .tags }} {{ containsAll .some .tags }} {{ containsAll .empty .tags }}', data), 'true false true');
    assert.equal(r('{{ containsAny .some .tags }} {{ containsAny .none .tags }} {{ containsAny .empty .tags }}', data), 'true false false');
    assert.equal(r('{{ containsNone .none .tags }} {{ containsNone .some .tags }} {{ containsNone .empty .tags }}', data), 'true false true');
    assert.equal(r('{{ containsNotAll .some .tags }} {{ containsNotAll .req .tags }} {{ containsNotAll .empty .tags }}', data), 'true false false');
  });

  test('env, mustEnv, envOrDefault', () => {
    assert.equal(r('{{ env "CLUSTER_ID" }}|{{ env "CLUSTER_ID" | toLower }}|{{ or (env "NOPE") "12345" }}'), 'CLUSTER-7|cluster-7|12345');
    assert.equal(r('{{ envOrDefault "CLUSTER_NAME" "Default_Cluster" }}|{{ envOrDefault "CLUSTER_NAME" "Default_Cluster" | toLower }}|[{{ envOrDefault "EMPTY" "x" }}]'), 'Default_Cluster|default_cluster|[]');
    assert.equal(r('{{ mustEnv "HOME" }}'), '/root');
    fails('{{ mustEnv "EMPTY" }}', 'template: main:1:3: executing "main" at <mustEnv "EMPTY">: error calling mustEnv: required environment variable EMPTY is empty');
  });

  test('file and trimSpace', () => {
    assert.equal(r('{{ file "/etc/ec2_version" | trimSpace }}'), 'v1.2.3');
    assert.equal(r('[{{ file "" }}]'), '[]');
  });

  test('indent', () => {
    assert.equal(r('{{ "a: 1\\nb:\\n  c: 2\\n\\nd" | indent 4 }}'), '    a: 1\n    b:\n      c: 2\n\n    d');
    fails('{{ indent -1 "x" }}', 'template: main:1:3: executing "main" at <indent -1 "x">: error calling indent: indent value must be a positive integer');
  });

  test('loop', () => {
    assert.equal(r('{{ range loop 5 }}#{{ . }}{{ end }}'), '#0#1#2#3#4');
    assert.equal(r('{{ range $i := loop 5 8 }}\nstanza-{{ $i }}{{ end }}'), '\nstanza-5\nstanza-6\nstanza-7');
    assert.equal(r('{{ range loop "2" }}{{ . }}{{ end }}'), '01');
  });

  test('join and split (consul-template argument order)', () => {
    assert.equal(r('{{ .items | join "," }}', { items: ['a', 'b', 'c'] }), 'a,b,c');
    assert.equal(r('{{ "foo\\nbar\\n" | split "\\n" }}'), '[foo bar]');
    assert.equal(r('{{ "a,b" | split "," | join "+" }}|{{ len (split "," "  ") }}'), 'a+b|0');
    assert.equal(r('{{ "FOO\\nBAR" | toLower | split "\\n" | join "," }}'), 'foo,bar');
    fails('{{ join "," .m }}', 'template: main:1:12: executing "main" at <.m>: wrong type for value; expected []string; got map[string]interface {}', { m: {} });
  });

  test('trim, trimPrefix, trimSuffix', () => {
    assert.equal(r('{{ "hello world!!" | trim "!!" }}|{{ "hello world!!" | trimPrefix "hello" }}|{{ "hello world!!" | trimSuffix "world!!" }}'), 'hello world| world!!|hello ');
    assert.equal(r('{{ trim "xy" "xyxhixyy" }}'), 'hi');
  });

  test('parseBool, parseFloat, parseInt, parseUint, parseJSON', () => {
    assert.equal(r('{{ "true" | parseBool }} {{ "1.2" | parseFloat }} {{ "1" | parseInt }} {{ "1" | parseUint }} {{ parseInt "-42" }} {{ parseBool "" }} {{ parseInt "" }}'), 'true 1.2 1 1 -42 false 0');
    assert.equal(r('{{ with $d := .info | parseJSON }}{{ $d.name }}{{ end }}', { info: '{"name":"Ada","langs":["go"]}' }), 'Ada');
    assert.equal(r('{{ parseJSON "" }}'), 'map[]');
    fails('{{ parseInt "1.5" }}', 'template: main:1:3: executing "main" at <parseInt "1.5">: error calling parseInt: parseInt: strconv.ParseInt: parsing "1.5": invalid syntax');
    fails('{{ parseInt "9223372036854775808" }}', 'template: main:1:3: executing "main" at <parseInt "9223372036854775808">: error calling parseInt: parseInt: strconv.ParseInt: parsing "9223372036854775808": value out of range');
    fails('{{ parseBool "yes" }}', 'template: main:1:3: executing "main" at <parseBool "yes">: error calling parseBool: parseBool: strconv.ParseBool: parsing "yes": invalid syntax');
    fails('{{ parseUint "-1" }}', 'template: main:1:3: executing "main" at <parseUint "-1">: error calling parseUint: parseUint: strconv.ParseUint: parsing "-1": invalid syntax');
  });

  test('regexMatch and regexReplaceAll', () => {
    assert.equal(r('{{ if "foo.bar" | regexMatch "foo([.a-z]+)" }}match{{ else }}no{{ end }}'), 'match');
    assert.equal(r('{{ "foo.bar" | regexReplaceAll "foo([.a-z]+)" "$1" }}'), '.bar');
    assert.equal(r('{{ regexReplaceAll "(?P<word>o+)" "<${word}>" "foo boo" }}|{{ regexReplaceAll "(a)" "$1x" "a" }}|{{ regexReplaceAll "(a)" "${1}x$$" "a" }}'), 'f<oo> b<oo>||ax$');
    assert.equal(r('{{ regexMatch "(?i)^FOO$" "foo" }}'), 'true');
  });

  test('replaceAll (FROM TO STRING)', () => {
    assert.equal(r('{{ "foo.bar" | replaceAll "." "_" }}|{{ replaceAll ":" "_" "a:b:c" }}|{{ replaceAll "" "-" "ab" }}'), 'foo_bar|a_b_c|-a-b-');
  });

  test('hashes', () => {
    assert.equal(r('{{ "abc" | sha256Hex }}'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(r('{{ md5sum "The quick brown fox jumps over the lazy dog" }}'), '9e107d9d372bb6826bd81d3542a419d6');
    assert.equal(r('{{ hmacSHA256Hex "The quick brown fox jumps over the lazy dog" "key" }}'), 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
    assert.equal(r('{{ "key" | hmacSHA256Hex "The quick brown fox jumps over the lazy dog" }}'), 'f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });

  test('splitToMap', () => {
    assert.equal(r('{{ "foo:bar\\nbaz:bat\\n" | splitToMap "\\n" ":" }}'), 'map[baz:bat foo:bar]');
  });

  test('timestamp', () => {
    assert.equal(r('{{ timestamp }}'), '2024-01-15T13:04:05Z');
    assert.equal(r('{{ timestamp "2006-01-02" }}'), '2024-01-15');
    assert.equal(r('{{ timestamp "unix" }}'), '1705323845');
    assert.equal(r('{{ timestamp "Mon Jan _2 15:04:05.000 MST 2006" }}|{{ timestamp "3:04PM .999 -07:00 Z07:00 January Monday 002" }}'), 'Mon Jan 15 13:04:05.120 UTC 2024|1:04PM .12 +00:00 Z January Monday 015');
    fails('{{ timestamp "a" "b" }}', 'template: main:1:3: executing "main" at <timestamp "a" "b">: error calling timestamp: timestamp: wrong number of arguments, expected 0 or 1, but got 2');
  });

  test('toJSON, toJSONPretty, toUnescapedJSON', () => {
    const config = { admin: { port: '1234' }, maxconns: '5', minconns: '2' };
    assert.equal(r('{{ toJSON . }}', config), '{"admin":{"port":"1234"},"maxconns":"5","minconns":"2"}');
    assert.equal(r('{{ toJSONPretty . }}', config), '{\n  "admin": {\n    "port": "1234"\n  },\n  "maxconns": "5",\n  "minconns": "2"\n}');
    assert.equal(r('{{ toJSON . }}|{{ toUnescapedJSON . }}', { q: 'a?b=c&d=e <x>' }), '{"q":"a?b=c\\u0026d=e \\u003cx\\u003e"}|{"q":"a?b=c&d=e <x>"}');
    assert.equal(r('{{ toJSON . }}', { f: 1.5, big: 1e21, small: 1e-7, n: null, l: [], m: {} }), '{"big":1e+21,"f":1.5,"l":[],"m":{},"n":null,"small":1e-7}');
  });

  test('toYAML', () => {
    const config = { admin: { port: '1234' }, maxconns: '5', minconns: '2' };
    assert.equal(r('{{ toYAML . }}', config), 'admin:\n  port: "1234"\nmaxconns: "5"\nminconns: "2"');
  });

  test('toLower, toUpper, toTitle', () => {
    assert.equal(r('{{ toLower "HeLLo" }} {{ toUpper "HeLLo" }} {{ toTitle "hello wORLD don\'t-stop" }}'), 'hello HELLO Hello WORLD Don\'t-Stop');
    assert.equal(r('{{ toUpper "straße" }}'), 'STRAßE');
  });

  test('math (argument order as documented)', () => {
    assert.equal(r('{{ add 1 2 }} {{ 1 | add 2 }}'), '3 3');
    assert.equal(r('{{ subtract 2 5 }} {{ 5 | subtract 2 }}'), '3 3');
    assert.equal(r('{{ multiply 2 2 }} {{ 2 | multiply 2 }}'), '4 4');
    assert.equal(r('{{ divide 2 10 }} {{ 10 | divide 2 }} {{ divide 2 7 }} {{ divide 2 7.0 }}'), '5 5 3 3.5');
    assert.equal(r('{{ modulo 2 5 }} {{ 5 | modulo 2 }}'), '1 1');
    assert.equal(r('{{ minimum 2 5 }} {{ 5 | minimum 2 }} {{ maximum 2 5 }} {{ add 1.5 1 }}'), '2 2 5 2.5');
    fails('{{ add "x" 1 }}', 'template: main:1:3: executing "main" at <add "x" 1>: error calling add: add: unknown type for "x" (string)');
    fails('{{ divide 0 1 }}', 'template: main:1:3: executing "main" at <divide 0 1>: error calling divide: runtime error: integer divide by zero');
  });

  test('explodeMap', () => {
    assert.equal(r('{{ explodeMap . | toJSON }}', { 'foo/bar': 'a', 'foo/baz': 'b', top: 'c' }), '{"foo":{"bar":"a","baz":"b"},"top":"c"}');
  });
});

describe('typed arguments behave like consul-template Go funcs', () => {
  test('a number where a string is expected', () => {
    fails('{{ toUpper 3 }}', 'template: main:1:11: executing "main" at <3>: expected string; found 3');
    fails('{{ .n | toUpper }}', 'template: main:1:8: executing "main" at <toUpper>: wrong type for value; expected string; got int', { n: 3 });
  });

  test('wrong argument count', () => {
    fails('{{ split "," }}', 'template: main:1:3: executing "main" at <split>: wrong number of args for split: want 2 got 1');
  });
});

describe('sprig_ functions', () => {
  test('strings', () => {
    assert.equal(r('{{ sprig_b64enc "hi" }} {{ sprig_b64dec "aGk=" }} {{ sprig_upper "ab" }} {{ sprig_lower "AB" }} {{ sprig_title "hello world" }} [{{ sprig_trim "  x  " }}]'), 'aGk= hi AB ab Hello World [x]');
    assert.equal(r('{{ sprig_b64dec "!!" }}'), 'illegal base64 data at input byte 0');
    assert.equal(r('{{ sprig_trimAll "$" "$5.00$" }} {{ sprig_trimPrefix "x" "xy" }} {{ sprig_trimSuffix "y" "xy" }} {{ sprig_repeat 3 "ab" }} {{ sprig_replace " " "-" "a b c" }} {{ sprig_trunc 3 "abcdef" }} {{ sprig_trunc -2 "abcdef" }}'), '5.00 y x ababab a-b-c abc ef');
    assert.equal(r('{{ "foobar" | sprig_contains "foo" }} {{ sprig_hasPrefix "foo" "foobar" }} {{ sprig_hasSuffix "bar" "foobar" }} {{ sprig_nospace " a b\\tc " }}'), 'true true true abc');
    assert.equal(r('{{ sprig_quote "a" 1 .missing }} {{ sprig_squote "a" 2 }} {{ sprig_cat "a" 1 .missing "b" }}'), '"a" "1" \'a\' \'2\' a 1 b');
    assert.equal(r('{{ sprig_indent 2 "a\\nb" }}|{{ sprig_nindent 2 "a" }}'), '  a\n  b|\n  a');
  });

  test('defaults and flow', () => {
    assert.equal(r('{{ sprig_default "d" .missing }} {{ .missing | sprig_default "d2" }} {{ sprig_default "d" "v" }} {{ sprig_default "d" 0 }} {{ sprig_default "d" .l }}', { l: [] }), 'd d2 v d d');
    assert.equal(r('{{ sprig_empty "" }} {{ sprig_empty 0 }} {{ sprig_empty .m }} {{ sprig_empty "x" }} {{ sprig_coalesce "" 0 "first" "second" }} {{ sprig_ternary "yes" "no" true }} {{ true | sprig_ternary "yes" "no" }}', { m: {} }), 'true true true false first yes yes');
  });

  test('lists, dicts, JSON, hashing', () => {
    assert.equal(r('{{ sprig_list 1 "a" }} {{ sprig_dict "a" 1 "b" }} {{ sprig_join "," .l }} {{ sprig_splitList "," "a,b" }} {{ sprig_hasKey .m "k" }}', { l: [1, 'b', null], m: { k: 1 } }), '[1 a] map[a:1 b:] 1,b [a b] true');
    assert.equal(r('{{ sprig_toJson . }}|{{ sprig_toRawJson . }}', { a: '<&>' }), '{"a":"\\u003c\\u0026\\u003e"}|{"a":"<&>"}');
    assert.equal(r('{{ sprig_sha256sum "abc" }}'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  test('can be left out', () => {
    const plain = consulTemplateFunctions({ sprig: false });
    assert.equal(Object.keys(plain).some((k) => k.startsWith('sprig_')), false);
  });
});

describe('no hidden state between functions maps', () => {
  test('each call returns an independent map', () => {
    const a = consulTemplateFunctions({ env: { X: 'a' } });
    const b = consulTemplateFunctions({ env: { X: 'b' } });
    assert.equal(render('{{ env "X" }}', null, { funcs: a }) + render('{{ env "X" }}', null, { funcs: b }), 'ab');
    const values: TemplateValue[] = [];
    assert.equal(values.length, 0);
  });
});
