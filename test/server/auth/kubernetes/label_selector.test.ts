// The namespace label selector (JSON or the YAML subset), Kubernetes' matching semantics, and the
// Vault-style globs for bound names and namespaces.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLabelSelector, selectorMatches } from '../../../../src/server/auth/kubernetes/label_selector.js';
import { globMatches, listBinds } from '../../../../src/lib/glob.js';
import { parseYamlOrJson } from '../../../../src/server/auth/kubernetes/selector_yaml.js';

describe('label selector', () => {
  it('reads the same selector from JSON, block YAML and flow YAML', () => {
    const want = { matchLabels: { team: 'payments' }, matchExpressions: [{ key: 'stage', operator: 'In', values: ['prod', 'staging'] }] };
    const forms = [
      JSON.stringify(want),
      'matchLabels:\n  team: payments\nmatchExpressions:\n  - key: stage\n    operator: In\n    values:\n      - prod\n      - staging\n',
      "# comment\nmatchLabels: {team: payments}\nmatchExpressions:\n- {key: stage, operator: In, values: [prod, 'staging']}\n",
      'matchExpressions:\n  - key: "stage"\n    operator: In   # trailing comment\n    values: [prod, staging]\nmatchLabels:\n  team: "payments"\n',
    ];
    for (const f of forms) assert.deepEqual(parseLabelSelector(f), want, f);
  });

  it('matches as Kubernetes does', () => {
    const labels = { team: 'payments', stage: 'prod', 'kubernetes.io/metadata.name': 'app' };
    const m = (s: string): boolean => selectorMatches(parseLabelSelector(s), labels);
    assert.equal(m('{}'), true, 'an empty selector matches everything');
    assert.equal(m('matchLabels: {team: payments}'), true);
    assert.equal(m('matchLabels: {team: billing}'), false);
    assert.equal(m('matchLabels: {kubernetes.io/metadata.name: app}'), true);
    assert.equal(m('{"matchExpressions":[{"key":"stage","operator":"NotIn","values":["dev"]}]}'), true);
    assert.equal(m('{"matchExpressions":[{"key":"stage","operator":"NotIn","values":["prod"]}]}'), false);
    assert.equal(m('{"matchExpressions":[{"key":"stage","operator":"Exists"}]}'), true);
    assert.equal(m('{"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}'), true);
    assert.equal(m('{"matchExpressions":[{"key":"tier","operator":"In","values":["a"]}]}'), false);
    assert.equal(m('{"matchExpressions":[{"key":"tier","operator":"NotIn","values":["a"]}]}'), true, 'NotIn holds when the label is absent');
  });

  it('says what is wrong with a bad selector', () => {
    const err = (s: string): string => {
      try {
        parseLabelSelector(s);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    assert.match(err(''), /empty/);
    assert.match(err('[1, 2]'), /expected an object/);
    assert.match(err('matchLabels: {a: [x]}'), /label values must be strings/);
    assert.match(err('matchLabels: {"bad key!": x}'), /not a valid label key/);
    assert.match(err('{"matchExpressions":[{"key":"a","operator":"Exists","values":["x"]}]}'), /Exists takes no values/);
    assert.match(err('{"matchExpressions":[{"key":"a","operator":"In"}]}'), /In needs at least one value/);
    assert.match(err('matchLabels:\n\tteam: x'), /tabs/);
    assert.match(err('matchLabels:\n  team: x\n    extra: y'), /line 3/);
  });

  it('yaml subset: nested structures and quoting', () => {
    assert.deepEqual(parseYamlOrJson("a:\n  b: 'it''s'\n  c: \"x#y\" # c\nd:\n- 1\n- [2, 3]\n"), { a: { b: "it's", c: 'x#y' }, d: ['1', ['2', '3']] });
  });
});

describe('globs', () => {
  it("follow Vault's strutil.GlobbedStringsMatch", () => {
    assert.equal(globMatches('dev-*', 'dev-a'), true);
    assert.equal(globMatches('dev-*', 'prod-a'), false);
    assert.equal(globMatches('*-sa', 'my-sa'), true);
    assert.equal(globMatches('*app*', 'myapp1'), true);
    assert.equal(globMatches('app', 'app'), true);
    assert.equal(globMatches('app', 'app2'), false);
    assert.equal(listBinds(['*'], 'anything'), true);
    assert.equal(listBinds(['a', 'b-*'], 'b-1'), true);
    assert.equal(listBinds(['a', 'b-*'], 'c'), false);
    assert.equal(listBinds([], 'c'), false);
  });
});
