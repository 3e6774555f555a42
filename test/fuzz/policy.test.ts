// Policy evaluation against a reference model of Vault's ACL (vault/acl.go NewACL, AllowOperation,
// CheckAllowedFromNonExactPaths; vault/policy.go parsePaths). The model is written the plain way:
// every rule in a list, matched one by one, sorted with Vault's `less`, lengths and order in UTF-8
// bytes as Go compares strings. Random policy sets (HCL text, repeated blocks, several policies) and
// random paths are checked through src/server/policy; `allowed` and `capabilities` must agree.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compileAcl, parsePolicy, type Operation, type Policy } from '../../src/server/policy/index.js';
import { check } from './support.js';

const CAPS = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'] as const;
type Cap = (typeof CAPS)[number];
const OPS: Operation[] = ['create', 'read', 'update', 'patch', 'delete', 'list'];

interface ModelRule {
  pattern: string;
  caps: readonly Cap[];
}

interface Perms {
  caps: Set<Cap>;
}

interface Described {
  firstWCOrGlob: number;
  isPrefix: boolean;
  wildcards: number;
  wcPath: string;
  perms: Perms;
}

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Vault's `less` from CheckAllowedFromNonExactPaths: true when a is lower priority than b. */
function less(a: Described, b: Described): boolean {
  if (a.firstWCOrGlob !== b.firstWCOrGlob) return a.firstWCOrGlob < b.firstWCOrGlob;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix;
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards;
  const la = bytes(a.wcPath).length;
  const lb = bytes(b.wcPath).length;
  if (la !== lb) return la < lb;
  return Buffer.compare(bytes(a.wcPath), bytes(b.wcPath)) < 0;
}

/** The reference ACL: Vault's three tables, merged with "deny wins, else union". */
class ModelAcl {
  private readonly exact = new Map<string, Perms>();
  private readonly prefix = new Map<string, Perms>();
  private readonly segment = new Map<string, Perms>();

  constructor(rules: readonly ModelRule[]) {
    for (const r of rules) {
      let path = r.pattern.startsWith('/') ? r.pattern.slice(1) : r.pattern;
      let table: Map<string, Perms>;
      if (path === '+' || path.includes('/+') || path.startsWith('+/')) table = this.segment;
      else if (path.endsWith('*')) {
        table = this.prefix;
        path = path.slice(0, -1);
      } else table = this.exact;
      const caps = r.caps.includes('deny') ? new Set<Cap>(['deny']) : new Set<Cap>(r.caps);
      const existing = table.get(path);
      if (existing === undefined) table.set(path, { caps });
      else if (existing.caps.has('deny')) continue;
      else if (caps.has('deny')) existing.caps = new Set(['deny']);
      else for (const c of caps) existing.caps.add(c);
    }
  }

  private nonExact(path: string): Perms | undefined {
    const found: Described[] = [];
    let best: string | undefined;
    for (const key of this.prefix.keys()) {
      if (path.startsWith(key) && (best === undefined || bytes(key).length > bytes(best).length)) best = key;
    }
    if (best !== undefined) {
      if (this.segment.size === 0) return this.prefix.get(best);
      found.push({ firstWCOrGlob: bytes(best).length, isPrefix: true, wildcards: 0, wcPath: best, perms: this.prefix.get(best)! });
    }
    const parts = path.split('/');
    for (const [full, perms] of this.segment) {
      const isPrefix = full.endsWith('*');
      const wcPath = isPrefix ? full.slice(0, -1) : full;
      const acl = wcPath.split('/');
      if (parts.length < acl.length) continue;
      if (!isPrefix && parts.length !== acl.length) continue;
      let wildcards = 0;
      let ok = true;
      for (let i = 0; i < acl.length && ok; i++) {
        if (acl[i] === '+') wildcards++;
        else if (acl[i] === parts[i]) continue;
        else if (isPrefix && i === acl.length - 1 && parts[i]!.startsWith(acl[i]!)) continue;
        else ok = false;
      }
      if (!ok) continue;
      const first = bytes(full.slice(0, full.indexOf('+'))).length;
      found.push({ firstWCOrGlob: full.indexOf('+') < 0 ? -1 : first, isPrefix, wildcards, wcPath, perms });
    }
    if (found.length === 0) return undefined;
    found.sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
    return found[found.length - 1]!.perms;
  }

  private find(rawPath: string, op: Operation): Perms | undefined {
    const path = rawPath.replace(/^\/+/, '');
    const hit = this.exact.get(path);
    if (hit) return hit;
    const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
    if (op === 'list') {
      const t = this.exact.get(trimmed);
      if (t) return t;
      if (path.endsWith('/')) {
        const n = this.nonExact(trimmed);
        if (n) return n;
      }
    }
    return this.nonExact(path);
  }

  allowed(path: string, op: Operation): boolean {
    const p = this.find(path, op);
    return p !== undefined && !p.caps.has('deny') && p.caps.has(op);
  }

  capabilities(path: string): string[] {
    const p = this.find(path, 'list');
    if (p === undefined || p.caps.has('deny') || p.caps.size === 0) return ['deny'];
    return [...p.caps].sort();
  }
}

// Small alphabets so random patterns and paths collide often; "é" and "😀" make UTF-8 byte lengths
// differ from UTF-16 lengths, which is where JavaScript and Go string comparisons part ways.
const SEGMENTS = ['a', 'b', 'ab', 'abc', 'é', 'éa', '😀', '', 'x'];
const segment = fc.constantFrom(...SEGMENTS);
const patternSegment = fc.oneof({ weight: 3, arbitrary: segment }, { weight: 2, arbitrary: fc.constant('+') });

const pattern = fc
  .record({
    lead: fc.boolean().map((b) => (b ? '/' : '')),
    segs: fc.array(patternSegment, { minLength: 1, maxLength: 4 }),
    glob: fc.constantFrom('', '', '*', '/*'),
  })
  .map(({ lead, segs, glob }) => lead + segs.join('/') + glob)
  .filter((p) => !p.includes('+*') && p !== '' && p !== '/');

const rule = fc.record({
  pattern,
  caps: fc.subarray([...CAPS], { minLength: 0, maxLength: 4 }),
});

const policySet = fc.array(fc.array(rule, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 });

const requestPath = fc
  .record({
    lead: fc.constantFrom('', '', '/', '//'),
    segs: fc.array(segment, { minLength: 1, maxLength: 5 }),
    trail: fc.constantFrom('', '', '/'),
  })
  .map(({ lead, segs, trail }) => lead + segs.join('/') + trail);

function hclOf(rules: readonly ModelRule[]): string {
  return rules.map((r) => `path "${r.pattern}" {\n  capabilities = [${r.caps.map((c) => `"${c}"`).join(', ')}]\n}\n`).join('');
}

function compile(sets: readonly (readonly ModelRule[])[]): ReturnType<typeof compileAcl> {
  const policies: Policy[] = sets.map((rules, i) => parsePolicy(`p${i}`, hclOf(rules)));
  return compileAcl(policies);
}

test('fuzz: compiled ACL agrees with the Vault reference model on allowed and capabilities (300 runs)', () => {
  check(
    fc.property(policySet, fc.array(requestPath, { minLength: 1, maxLength: 8 }), (sets, paths) => {
      const acl = compile(sets);
      const model = new ModelAcl(sets.flat());
      for (const path of paths) {
        assert.deepEqual([...acl.capabilities(path)], model.capabilities(path), `capabilities(${JSON.stringify(path)})`);
        for (const operation of OPS) {
          assert.equal(acl.allowOperation({ path, operation }).allowed, model.allowed(path, operation), `${operation} ${JSON.stringify(path)}`);
        }
      }
    }),
    300,
  );
});

test('fuzz: paths that exist in the policies themselves (exact hits, glob prefixes) agree too (200 runs)', () => {
  // Requests built from the patterns: the pattern with wildcards filled in, truncated or extended.
  const derived = (p: string, fill: string, extra: string): string =>
    p.replace(/^\//, '').replace(/\+/g, fill).replace(/\*$/, extra);
  check(
    fc.property(policySet, segment, segment, (sets, fill, extra) => {
      const acl = compile(sets);
      const model = new ModelAcl(sets.flat());
      for (const r of sets.flat()) {
        for (const path of [derived(r.pattern, fill, extra), derived(r.pattern, fill, '') + '/', derived(r.pattern, fill, extra + '/' + fill)]) {
          assert.deepEqual([...acl.capabilities(path)], model.capabilities(path), `capabilities(${JSON.stringify(path)})`);
          for (const operation of OPS) {
            assert.equal(acl.allowOperation({ path, operation }).allowed, model.allowed(path, operation), `${operation} ${JSON.stringify(path)}`);
          }
        }
      }
    }),
    200,
  );
});
