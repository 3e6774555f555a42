// The sentences an ACL decision is explained with, for `coffer policy explain` and 403 messages.
// They name the rule and the policies and say why; they never include a request's parameter values.

import { capabilitiesOf } from './capabilities.js';
import type { Capability, Decision, MatchedRule } from './types.js';

export function quoted(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ');
}

/** `rule "secret/*" in policy "app"` or `rule "secret/*" in policies "a", "b"`. */
export function ruleLabel(pattern: string, policies: readonly string[]): string {
  const which = policies.length === 1 ? `policy "${policies[0]}"` : `policies ${quoted(policies)}`;
  return `rule "${pattern}" in ${which}`;
}

function grants(bits: number): string {
  const caps = capabilitiesOf(bits);
  return caps.length === 0 ? 'grants no capabilities' : `grants ${caps.join(', ')}`;
}

export interface MessageInput {
  readonly decision: Decision;
  readonly path: string;
  readonly needed: Capability;
  readonly rule: MatchedRule | null;
  /** The rule's label (see ruleLabel), or "" when no rule matched. */
  readonly label: string;
  readonly bits: number;
  readonly policies: readonly string[];
  readonly searched: readonly string[];
  readonly parameter?: string;
  readonly minWrappingTtl?: number;
  readonly maxWrappingTtl?: number;
  readonly wrapTtl?: number;
}

export function explainMessage(m: MessageInput): string {
  switch (m.decision) {
    case 'root':
      return 'the root policy grants everything';
    case 'granted':
      return `${m.label} grants ${m.needed}` + (m.policies.length > 0 ? ` (granted by ${quoted(m.policies)})` : '');
    case 'no-matching-rule':
      return m.searched.length === 0
        ? `the token has no policies, so nothing matches "${m.path}"`
        : `no rule in policies ${quoted(m.searched)} matches "${m.path}"`;
    case 'denied-by-rule':
      return `denied by rule "${m.rule!.pattern}" in ${m.policies.length === 1 ? 'policy' : 'policies'} ${quoted(m.policies)}` +
        (m.rule!.policies.length > m.policies.length ? ' (a deny on a pattern overrides what other policies grant on it)' : '');
    case 'capability-missing':
      return `${m.label} ${grants(m.bits)}; operation ${m.needed} needs "${m.needed}"`;
    case 'sudo-required':
      return `"${m.path}" is root-protected and needs "sudo"; ${m.label} ${grants(m.bits)}`;
    case 'wrapping-ttl': {
      const asked = m.wrapTtl === undefined ? 'the request is not wrapped' : `the request asked for ${m.wrapTtl}s`;
      const bounds = [
        m.minWrappingTtl ? `at least ${m.minWrappingTtl}s` : '',
        m.maxWrappingTtl ? `at most ${m.maxWrappingTtl}s` : '',
      ].filter((s) => s !== '').join(' and ');
      return `${m.label} requires response wrapping with a TTL of ${bounds}; ${asked}`;
    }
    case 'required-parameter-missing':
      return `${m.label} requires parameter "${m.parameter}", which the request does not have`;
    case 'all-parameters-denied':
      return `${m.label} denies every parameter (denied_parameters "*"), and the request has "${m.parameter}"`;
    case 'parameter-denied':
      return `parameter "${m.parameter}" (or this value of it) is denied by ${m.label}`;
    case 'parameter-not-allowed':
      return `parameter "${m.parameter}" is not allowed by ${m.label} (not in its allowed_parameters)`;
    case 'parameter-value-not-allowed':
      return `the value of parameter "${m.parameter}" is not one that ${m.label} allows`;
  }
}
