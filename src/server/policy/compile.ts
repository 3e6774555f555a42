// compileAcl: merges the rules of a token's policies the way Vault's NewACL does (vault/acl.go) and
// precomputes everything a check needs: exact rules in a Map, globs in a radix tree, "+" patterns
// pre-split and sorted by priority, capability lists and explanation labels.
// Merging a pattern named by several policies: capabilities are unioned; a deny wins and clears the
// rest; allowed/denied parameter values are concatenated (an empty list, meaning any value, wins);
// required parameters are unioned; the smaller of two wrapping TTL bounds is kept.

import { createAcl, createRootAcl, type CompiledAcl, type CompiledRule, type SegmentCandidate } from './acl.js';
import { CAPABILITY_ORDER, DENY, bitsOf, capabilitiesOf, reportedCapabilities } from './capabilities.js';
import { explainMessage, ruleLabel } from './explain.js';
import { ROOT_POLICY_NAME } from './names.js';
import { createPrefixTree } from './prefix-tree.js';
import { comparePriority, hasSegmentWildcards, segmentPattern } from './priority.js';
import { populateTemplate } from './template.js';
import type { Acl, Capability, IdentityContext, MatchKind, PathRule, Policy } from './types.js';

export interface CompileOptions {
  /** The token's entity and groups, for templated paths; rules whose templates can't be filled are left out. */
  readonly identity?: IdentityContext;
}

interface Builder {
  readonly pattern: string;
  readonly match: MatchKind;
  bits: number;
  readonly policies: string[];
  denyPolicies: string[];
  readonly granting: Map<Capability, string[]>;
  minWrappingTtl: number;
  maxWrappingTtl: number;
  allowed: Map<string, unknown[]> | null;
  denied: Map<string, unknown[]> | null;
  required: string[];
}

export function compileAcl(policies: readonly Policy[], options: CompileOptions = {}): Acl {
  const names = policies.map((p) => p.name);
  if (names.includes(ROOT_POLICY_NAME)) {
    if (policies.length !== 1) throw new Error('other policies present along with root');
    return createRootAcl();
  }
  const identity = options.identity ?? {};
  const exact = new Map<string, Builder>();
  const globs = new Map<string, Builder>();
  const segments = new Map<string, Builder>();

  for (const policy of policies) {
    for (const rule of policy.rules) {
      let path = rule.path;
      if (rule.templated) {
        const filled = populateTemplate(path, identity);
        if (filled === null) continue;
        path = filled;
      }
      let table: Map<string, Builder>;
      let key: string;
      let match: MatchKind;
      if (hasSegmentWildcards(path)) {
        [table, key, match] = [segments, path, 'segment-wildcard'];
      } else if (path.endsWith('*')) {
        [table, key, match] = [globs, path.slice(0, -1), 'glob'];
      } else {
        [table, key, match] = [exact, path, 'exact'];
      }
      const existing = table.get(key);
      if (existing === undefined) table.set(key, newBuilder(path, match, policy.name, rule));
      else mergeInto(existing, policy.name, rule);
    }
  }

  const globEntries = [...globs].map(([prefix, b]) => [prefix, finish(b)] as const);
  const segmentList = [...segments.values()].map((b) => ({ pattern: segmentPattern(b.pattern), rule: finish(b) }));
  const compiled: CompiledAcl = {
    policyNames: names,
    exact: new Map([...exact].map(([k, b]) => [k, finish(b)])),
    globs: createPrefixTree<CompiledRule>(),
    segments: createPrefixTree<readonly SegmentCandidate[]>(),
    globEntries,
    segmentList,
  };
  for (const [prefix, rule] of globEntries) compiled.globs.insert(prefix, rule);
  const groups = new Map<string, SegmentCandidate[]>();
  for (const candidate of segmentList) {
    const group = groups.get(candidate.pattern.literalPrefix);
    if (group === undefined) groups.set(candidate.pattern.literalPrefix, [candidate]);
    else group.push(candidate);
  }
  for (const [literal, group] of groups) {
    compiled.segments.insert(literal, group.sort((a, b) => comparePriority(b.pattern, a.pattern)));
  }
  return createAcl(compiled);
}

function newBuilder(pattern: string, match: MatchKind, policy: string, rule: PathRule): Builder {
  const bits = bitsOf(rule.capabilities);
  const granting = new Map<Capability, string[]>();
  addGranting(granting, bits, policy);
  return {
    pattern,
    match,
    bits,
    policies: [policy],
    denyPolicies: bits & DENY ? [policy] : [],
    granting,
    minWrappingTtl: rule.minWrappingTtl,
    maxWrappingTtl: rule.maxWrappingTtl,
    allowed: copyParameters(rule.allowedParameters),
    denied: copyParameters(rule.deniedParameters),
    required: [...(rule.requiredParameters ?? [])],
  };
}

function mergeInto(b: Builder, policy: string, rule: PathRule): void {
  if (!b.policies.includes(policy)) b.policies.push(policy);
  const bits = bitsOf(rule.capabilities);
  if (b.bits & DENY) {
    // Already denied: nothing else is kept.
    if (bits & DENY && !b.denyPolicies.includes(policy)) b.denyPolicies.push(policy);
    return;
  }
  if (bits & DENY) {
    b.bits = DENY;
    b.denyPolicies = [policy];
    b.allowed = null;
    b.denied = null;
    return;
  }
  b.bits |= bits;
  addGranting(b.granting, bits, policy);
  if (rule.maxWrappingTtl > 0 && (b.maxWrappingTtl === 0 || rule.maxWrappingTtl < b.maxWrappingTtl)) b.maxWrappingTtl = rule.maxWrappingTtl;
  if (rule.minWrappingTtl > 0 && (b.minWrappingTtl === 0 || rule.minWrappingTtl < b.minWrappingTtl)) b.minWrappingTtl = rule.minWrappingTtl;
  b.allowed = mergeParameters(b.allowed, rule.allowedParameters);
  b.denied = mergeParameters(b.denied, rule.deniedParameters);
  for (const name of rule.requiredParameters ?? []) if (!b.required.includes(name)) b.required.push(name);
}

function addGranting(granting: Map<Capability, string[]>, bits: number, policy: string): void {
  for (const cap of capabilitiesOf(bits)) {
    const list = granting.get(cap);
    if (list === undefined) granting.set(cap, [policy]);
    else if (!list.includes(policy)) list.push(policy);
  }
}

function copyParameters(p: ReadonlyMap<string, readonly unknown[]> | undefined): Map<string, unknown[]> | null {
  return p === undefined ? null : new Map([...p].map(([k, v]) => [k, [...v]]));
}

/** Vault's merge: an empty list (any value) on either side wins; otherwise the value lists are joined. */
function mergeParameters(
  existing: Map<string, unknown[]> | null,
  incoming: ReadonlyMap<string, readonly unknown[]> | undefined,
): Map<string, unknown[]> | null {
  if (incoming === undefined || incoming.size === 0) return existing;
  if (existing === null) return copyParameters(incoming);
  for (const [key, values] of incoming) {
    const current = existing.get(key);
    if (values.length === 0 || (current !== undefined && current.length === 0)) existing.set(key, []);
    else existing.set(key, [...values, ...(current ?? [])]);
  }
  return existing;
}

function finish(b: Builder): CompiledRule {
  const capabilities = capabilitiesOf(b.bits);
  const granting: Partial<Record<Capability, readonly string[]>> = {};
  const grantedMessages: Partial<Record<Capability, string>> = {};
  const label = ruleLabel(b.pattern, b.policies);
  for (const cap of CAPABILITY_ORDER) {
    const list = b.granting.get(cap);
    if (list === undefined) continue;
    granting[cap] = Object.freeze([...list]);
    grantedMessages[cap] = explainMessage({
      decision: 'granted',
      path: '',
      needed: cap,
      rule: null,
      label,
      bits: b.bits,
      policies: list,
      searched: [],
    });
  }
  const required = b.required.map((r) => r.toLowerCase());
  return {
    info: Object.freeze({ pattern: b.pattern, match: b.match, policies: Object.freeze([...b.policies]), capabilities: Object.freeze(capabilities) }),
    bits: b.bits,
    reported: Object.freeze(reportedCapabilities(b.bits)),
    granting,
    denyPolicies: Object.freeze([...b.denyPolicies]),
    label,
    grantedMessages,
    minWrappingTtl: b.minWrappingTtl,
    maxWrappingTtl: b.maxWrappingTtl,
    allowed: b.allowed,
    denied: b.denied,
    required,
    hasParameterRules: required.length > 0 || (b.allowed?.size ?? 0) > 0 || (b.denied?.size ?? 0) > 0,
  };
}
