// The compiled ACL's checks: find the single best rule for a path (exact first, then the best of the
// longest glob and the "+" patterns by Vault's priority), then decide the operation with Vault's
// order of checks: deny, capability, wrapping TTL, parameters, sudo. Runs on every request, so it
// does no parsing, sorting or splitting it can avoid; all of that happened in compileAcl.

import { CAPABILITY_BITS, DENY, OPERATION_CAPABILITY, SUDO } from './capabilities.js';
import { explainMessage } from './explain.js';
import { hasMountAccess, type MountAccessIndex } from './mount-access.js';
import { checkParameters, checksParameters, type ParameterRules } from './parameters.js';
import type { PrefixTree } from './prefix-tree.js';
import { comparePriority, globKey, segmentsMatch, type PriorityKey, type SegmentPattern } from './priority.js';
import type { Acl, AclRequest, AclResult, Capability, Decision, MatchedRule, Operation } from './types.js';

export interface CompiledRule extends ParameterRules {
  readonly info: MatchedRule;
  readonly bits: number;
  /** The `sys/capabilities` form of this rule's capabilities. */
  readonly reported: readonly string[];
  /** Capability -> the policies that granted it on this pattern. */
  readonly granting: Partial<Record<Capability, readonly string[]>>;
  readonly denyPolicies: readonly string[];
  /** `rule "secret/*" in policy "app"` */
  readonly label: string;
  /** The explanation of a granted operation, per capability, built once. */
  readonly grantedMessages: Partial<Record<Capability, string>>;
  readonly minWrappingTtl: number;
  readonly maxWrappingTtl: number;
  readonly hasParameterRules: boolean;
}

export interface CompiledAcl extends MountAccessIndex {
  readonly policyNames: readonly string[];
  readonly exact: ReadonlyMap<string, CompiledRule>;
  readonly globs: PrefixTree<CompiledRule>;
  /** "+" patterns grouped by the literal text before their first "+"; each group highest priority first. */
  readonly segments: PrefixTree<readonly SegmentCandidate[]>;
}

export interface SegmentCandidate {
  readonly pattern: SegmentPattern;
  readonly rule: CompiledRule;
}

const DENY_ONLY: readonly string[] = Object.freeze(['deny']);
const ROOT_ONLY: readonly string[] = Object.freeze(['root']);
const NONE: readonly string[] = Object.freeze([]);

function stripLeadingSlashes(path: string): string {
  let i = 0;
  while (path.charCodeAt(i) === 47) i++;
  return i === 0 ? path : path.slice(i);
}

export function createRootAcl(): Acl {
  return {
    policyNames: ROOT_ONLY,
    isRoot: true,
    allowOperation(request: AclRequest): AclResult {
      const path = stripLeadingSlashes(request.path);
      const needed = OPERATION_CAPABILITY[request.operation];
      return {
        allowed: true,
        rootPrivs: true,
        capabilities: ROOT_ONLY,
        explanation: {
          decision: 'root',
          message: explainMessage({ decision: 'root', path, needed, rule: null, label: '', bits: 0, policies: ROOT_ONLY, searched: ROOT_ONLY }),
          path,
          operation: request.operation,
          needed,
          rule: null,
          policies: ROOT_ONLY,
        },
      };
    },
    capabilities: () => ROOT_ONLY,
    hasMountAccess: () => true,
  };
}

export function createAcl(acl: CompiledAcl): Acl {
  const { exact, globs, segments } = acl;

  function nonExact(path: string): CompiledRule | undefined {
    const glob = globs.size > 0 ? globs.longestPrefix(path) : null;
    let best = glob?.value;
    if (segments.size === 0) return best;
    let bestKey: PriorityKey | null = glob === null ? null : globKey(glob.key);
    let parts: string[] | undefined;
    for (const group of segments.prefixValues(path)) {
      for (const candidate of group) {
        // Each group is sorted by priority: once below the best so far, nothing further in it can win.
        if (bestKey !== null && comparePriority(candidate.pattern, bestKey) < 0) break;
        parts ??= path.split('/');
        if (segmentsMatch(candidate.pattern, parts)) {
          best = candidate.rule;
          bestKey = candidate.pattern;
          break;
        }
      }
    }
    return best;
  }

  function findRule(path: string, operation: Operation): CompiledRule | undefined {
    const hit = exact.get(path);
    if (hit !== undefined) return hit;
    if (operation === 'list' && path.endsWith('/')) {
      // Lists are checked without the trailing slash first, so "secret/foo" covers "secret/foo/".
      const trimmed = path.slice(0, -1);
      const found = exact.get(trimmed) ?? nonExact(trimmed);
      if (found !== undefined) return found;
    }
    return nonExact(path);
  }

  function result(
    request: AclRequest,
    path: string,
    needed: Capability,
    decision: Decision,
    rule: CompiledRule | undefined,
    policies: readonly string[],
    parameter?: string,
  ): AclResult {
    const message =
      decision === 'granted'
        ? rule!.grantedMessages[needed]!
        : explainMessage({
            decision,
            path,
            needed,
            rule: rule?.info ?? null,
            label: rule?.label ?? '',
            bits: rule?.bits ?? 0,
            policies,
            searched: acl.policyNames,
            parameter,
            minWrappingTtl: rule?.minWrappingTtl,
            maxWrappingTtl: rule?.maxWrappingTtl,
            wrapTtl: request.wrapTtl,
          });
    return {
      allowed: decision === 'granted',
      rootPrivs: rule !== undefined && (rule.bits & SUDO) !== 0,
      capabilities: rule?.reported ?? DENY_ONLY,
      explanation: {
        decision,
        message,
        path,
        operation: request.operation,
        needed,
        rule: rule?.info ?? null,
        policies,
        parameter,
      },
    };
  }

  function allowOperation(request: AclRequest): AclResult {
    const path = stripLeadingSlashes(request.path);
    const needed = OPERATION_CAPABILITY[request.operation];
    if (needed === undefined) throw new Error(`unknown operation "${String(request.operation)}"`);
    const rule = findRule(path, request.operation);
    if (rule === undefined) return result(request, path, needed, 'no-matching-rule', undefined, NONE);
    if (rule.bits & DENY) return result(request, path, needed, 'denied-by-rule', rule, rule.denyPolicies);
    if ((rule.bits & CAPABILITY_BITS[needed]) === 0) return result(request, path, needed, 'capability-missing', rule, rule.info.policies);
    const granting = rule.granting[needed] ?? NONE;

    const { minWrappingTtl: min, maxWrappingTtl: max } = rule;
    if (min > 0 || max > 0) {
      // A rule with wrapping bounds demands a wrapped response: no TTL, or one of zero (or less), is
      // not wrapping, so it is denied as Vault's acl.go does (`req.WrapInfo == nil || TTL == 0`).
      const ttl = request.wrapTtl !== undefined && request.wrapTtl > 0 ? request.wrapTtl : undefined;
      if (
        ttl === undefined ||
        (max > 0 && ttl > max) ||
        (min > 0 && ttl < min) ||
        (min > 0 && max > 0 && max < min)
      ) {
        return result(request, path, needed, 'wrapping-ttl', rule, rule.info.policies);
      }
    }
    if (rule.hasParameterRules && checksParameters(request.operation)) {
      const failure = checkParameters(rule, request.data);
      if (failure !== null) return result(request, path, needed, failure.decision, rule, rule.info.policies, failure.parameter);
    }
    if (request.isRootPath === true && (rule.bits & SUDO) === 0) {
      return result(request, path, needed, 'sudo-required', rule, rule.info.policies);
    }
    return result(request, path, needed, 'granted', rule, granting);
  }

  function capabilities(path: string): readonly string[] {
    return findRule(stripLeadingSlashes(path), 'list')?.reported ?? DENY_ONLY;
  }

  return {
    policyNames: acl.policyNames,
    isRoot: false,
    allowOperation,
    capabilities,
    hasMountAccess: (mountPath: string) => hasMountAccess(acl, capabilities, stripLeadingSlashes(mountPath)),
  };
}
