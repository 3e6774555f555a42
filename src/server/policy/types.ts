// The data shapes of the policy room: a parsed Policy (what `sys/policy/<name>` stores) and the
// results an ACL check hands back (decision, capabilities, and an explanation of why).

import type { Operation } from '../framework/types.js';

export type { Operation };

/** Vault's ACL capabilities. `deny` on a rule clears every other capability of that rule. */
export type Capability = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list' | 'sudo' | 'deny';

/** One `path "..." { ... }` block, after the legacy `policy = "..."` shorthand was mapped to capabilities. */
export interface PathRule {
  /** The pattern as written, one leading "/" removed; may end in "*", hold "+" segments or `{{identity...}}` templates. */
  readonly path: string;
  /** True when the path holds `{{...}}` templates, filled in from the token's identity when an ACL is compiled. */
  readonly templated: boolean;
  /** Canonical order (create, read, update, patch, delete, list, sudo); exactly ["deny"] when the block denies. */
  readonly capabilities: readonly Capability[];
  /** Parameter name (lower-cased) -> allowed values; an empty list allows any value. Absent when not set. */
  readonly allowedParameters?: ReadonlyMap<string, readonly unknown[]>;
  /** Parameter name (lower-cased) -> denied values; an empty list denies the parameter whatever its value. */
  readonly deniedParameters?: ReadonlyMap<string, readonly unknown[]>;
  readonly requiredParameters?: readonly string[];
  /** Seconds; 0 when not set. */
  readonly minWrappingTtl: number;
  readonly maxWrappingTtl: number;
}

export interface Policy {
  /** Lower-cased and trimmed, as Vault stores policy names. */
  readonly name: string;
  /** The text the policy was written with (returned by `sys/policy/<name>`). */
  readonly raw: string;
  readonly templated: boolean;
  readonly rules: readonly PathRule[];
  /** Things Coffer accepts but ignores, as Vault Community Edition does (e.g. `mfa_methods`, `control_group`). */
  readonly warnings: readonly string[];
}

/** What the entity behind a token looks like, for templated policy paths (`{{identity.entity.id}}`...). */
export interface IdentityAlias {
  readonly mountAccessor: string;
  readonly id: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly customMetadata?: Readonly<Record<string, string>>;
}

export interface IdentityEntity {
  readonly id: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly aliases?: readonly IdentityAlias[];
}

export interface IdentityGroup {
  readonly id: string;
  readonly name: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

export interface IdentityContext {
  readonly entity?: IdentityEntity;
  readonly groups?: readonly IdentityGroup[];
  /** For `{{time.now}}` templates; defaults to the current time. */
  readonly now?: Date;
}

/** How a rule's pattern matched the request path. */
export type MatchKind = 'exact' | 'glob' | 'segment-wildcard';

/** A compiled rule: one pattern, merged across every policy that names it. */
export interface MatchedRule {
  /** The pattern as written in the policies, e.g. "secret/*" or "secret/+/config". */
  readonly pattern: string;
  readonly match: MatchKind;
  /** Every policy that has a block for this pattern, in the order the policies were given. */
  readonly policies: readonly string[];
  /** Merged capabilities in canonical order; ["deny"] when any policy denies. */
  readonly capabilities: readonly Capability[];
}

export type Decision =
  | 'root'
  | 'granted'
  | 'no-matching-rule'
  | 'denied-by-rule'
  | 'capability-missing'
  | 'wrapping-ttl'
  | 'required-parameter-missing'
  | 'all-parameters-denied'
  | 'parameter-denied'
  | 'parameter-not-allowed'
  | 'parameter-value-not-allowed'
  | 'sudo-required';

/** Why a request was allowed or denied; meant for `coffer policy explain` and 403 messages. Never holds a parameter value. */
export interface Explanation {
  readonly decision: Decision;
  /** One sentence naming the rule, the policy(ies) and the reason. */
  readonly message: string;
  /** The request path as checked (leading "/" removed). */
  readonly path: string;
  readonly operation: Operation;
  /** The capability the operation needs, e.g. "update". */
  readonly needed: Capability;
  /** The single rule that decided; null when none matched (or for root). */
  readonly rule: MatchedRule | null;
  /** The policies that decided: the granting ones when allowed, the denying ones for a deny, else the rule's. */
  readonly policies: readonly string[];
  /** The parameter a parameter check failed on. */
  readonly parameter?: string;
}

export interface AclRequest {
  readonly path: string;
  readonly operation: Operation;
  /** Request body (writes) or query fields; checked against allowed/denied/required parameters. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** True for root-protected (sudo) paths; see isSudoPath(). */
  readonly isRootPath?: boolean;
  /** Seconds the client asked the response to be wrapped for (X-Vault-Wrap-TTL); absent when not wrapping. */
  readonly wrapTtl?: number;
}

export interface AclResult {
  readonly allowed: boolean;
  /** The deciding rule grants sudo (or the token is root). */
  readonly rootPrivs: boolean;
  /** The deciding rule's capabilities as `sys/capabilities` shows them: sorted, ["deny"] when none, ["root"] for root. */
  readonly capabilities: readonly string[];
  readonly explanation: Explanation;
}

export interface Acl {
  /** The names of the policies this ACL was compiled from. */
  readonly policyNames: readonly string[];
  readonly isRoot: boolean;
  allowOperation(request: AclRequest): AclResult;
  /** What `sys/capabilities` reports for the path: sorted, ["deny"] when nothing, ["root"] for root. */
  capabilities(path: string): readonly string[];
  /** Vault's hasMountAccess: may the token see the mount at `mountPath` (e.g. "secret/") at all? */
  hasMountAccess(mountPath: string): boolean;
}
