// Which rule wins when several patterns match: the examples from Vault's policy docs and acl.go.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aclOf, simplePolicy } from './helpers.js';

/** The pattern of the rule that decides `path` for a read, given policies of single-capability rules. */
function winner(patterns: string[], path: string): string | null {
  const rules: Record<string, string[]> = {};
  for (const p of patterns) rules[p] = ['read'];
  return aclOf(simplePolicy('p', rules)).allowOperation({ path, operation: 'read' }).explanation.rule?.pattern ?? null;
}

describe('rule priority', () => {
  it('prefers an exact match over any glob or wildcard', () => {
    assert.equal(winner(['secret/*', 'secret/+', 'secret/foo'], 'secret/foo'), 'secret/foo');
  });

  it('uses the longest glob', () => {
    assert.equal(winner(['secret/*', 'secret/foo/*', 'secret/fo*'], 'secret/foo/bar'), 'secret/foo/*');
    assert.equal(winner(['secret/*', 'secret/fo*'], 'secret/food'), 'secret/fo*');
  });

  it('docs: secret/* beats secret/+/+/foo/* (same first wildcard, both globs, fewer + segments)', () => {
    assert.equal(winner(['secret/*', 'secret/+/+/foo/*'], 'secret/a/b/foo/c'), 'secret/*');
  });

  it('a pattern not ending in * beats one that does (secret/+/foo over secret/*)', () => {
    assert.equal(winner(['secret/*', 'secret/+/foo'], 'secret/a/foo'), 'secret/+/foo');
    assert.equal(winner(['foo/+', 'foo/*'], 'foo/bar'), 'foo/+');
    assert.equal(winner(['foo/+/bar', 'foo/+/ba*'], 'foo/x/bar'), 'foo/+/bar');
  });

  it('a later first wildcard wins (foo/a* over foo/+, foo/bar/+/baz over foo/+/bar/baz)', () => {
    assert.equal(winner(['foo/+', 'foo/a*'], 'foo/ab'), 'foo/a*');
    assert.equal(winner(['foo/+/bar/baz', 'foo/bar/+/baz'], 'foo/bar/bar/baz'), 'foo/bar/+/baz');
  });

  it('fewer + segments win (foo/bar/+/baz over foo/+/+/baz... with the same first wildcard)', () => {
    assert.equal(winner(['foo/+/+/baz', 'foo/+/bar/baz'], 'foo/x/bar/baz'), 'foo/+/bar/baz');
  });

  it('longer wins (foo/+/bar/ba* over foo/+/bar/b*)', () => {
    assert.equal(winner(['foo/+/bar/b*', 'foo/+/bar/ba*'], 'foo/x/bar/baz'), 'foo/+/bar/ba*');
  });

  it('lexicographically larger wins as the last resort', () => {
    assert.equal(winner(['x/+/+/c', 'x/+/b/+'], 'x/a/b/c'), 'x/+/b/+');
    assert.equal(winner(['+/x', 'a/+'], 'a/x'), 'a/+', 'first wildcard later wins before that');
  });

  it('regression (fuzz): lengths are UTF-8 bytes and order is byte order, as in Go', () => {
    // "a/+/é/+" and "a/+/+/ab" are both 8 bytes (é is 2) though 7 and 8 UTF-16 units: Go compares them
    // lexicographically and "é" (0xC3) sorts after "+", so "a/+/é/+" wins.
    assert.equal(winner(['a/+/é/+', 'a/+/+/ab'], 'a/x/é/ab'), 'a/+/é/+');
    assert.equal(winner(['+/ab/+/é/*', '+/ab/x/+/*'], 'x/ab/x/é/a'), '+/ab/+/é/*');
  });

  it('matches + against exactly one segment, empty included', () => {
    assert.equal(winner(['secret/+/teamb'], 'secret/foo/teamb'), 'secret/+/teamb');
    assert.equal(winner(['secret/+/teamb'], 'secret/foo/bar/teamb'), null);
    assert.equal(winner(['secret/+/+/teamb'], 'secret/foo/bar/teamb'), 'secret/+/+/teamb');
    assert.equal(winner(['secret/+/teamb'], 'secret//teamb'), 'secret/+/teamb');
    assert.equal(winner(['+'], 'anything'), '+');
    assert.equal(winner(['+'], 'a/b'), null);
  });

  it('lets a + pattern ending in * take any deeper path or a prefix of the last segment', () => {
    assert.equal(winner(['secret/+/app*'], 'secret/x/apple/pie'), 'secret/+/app*');
    assert.equal(winner(['secret/+/*'], 'secret/x'), null);
    assert.equal(winner(['secret/+/*'], 'secret/x/'), 'secret/+/*');
  });

  it('lets "*" alone match everything', () => {
    assert.equal(winner(['*'], 'anything/at/all'), '*');
    assert.equal(winner(['*', 'sys/*'], 'sys/mounts'), 'sys/*');
  });

  it('docs: glob examples', () => {
    assert.equal(winner(['secret/foo'], 'secret/food'), null);
    assert.equal(winner(['secret/bar/*'], 'secret/bar/zip/zap'), 'secret/bar/*');
    assert.equal(winner(['secret/bar/*'], 'secret/bars/zip'), null);
    assert.equal(winner(['secret/zip-*'], 'secret/zip-zap/zong'), 'secret/zip-*');
    assert.equal(winner(['secret/zip-*'], 'secret/zip/zap'), null);
  });

  it('takes only the best pattern, even when a lower one would grant more', () => {
    const acl = aclOf(simplePolicy('p', { 'secret/*': ['read', 'update'], 'secret/+/foo': ['read'] }));
    const res = acl.allowOperation({ path: 'secret/a/foo', operation: 'update' });
    assert.equal(res.allowed, false);
    assert.equal(res.explanation.decision, 'capability-missing');
    assert.equal(res.explanation.rule?.pattern, 'secret/+/foo');
  });
});
