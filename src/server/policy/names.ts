// Policy names as Vault treats them: trimmed and lower-cased; `root` and `response-wrapping` are
// built in and can never be written or deleted; `default` can be rewritten but not deleted.

export const ROOT_POLICY_NAME = 'root';
export const DEFAULT_POLICY_NAME = 'default';
export const RESPONSE_WRAPPING_POLICY_NAME = 'response-wrapping';

/** Policies nobody can write or delete. */
export const IMMUTABLE_POLICIES: readonly string[] = [ROOT_POLICY_NAME, RESPONSE_WRAPPING_POLICY_NAME];

/** Policies that can't be attached to tokens by users, and are left out of `sys/policy` lists. */
export const NON_ASSIGNABLE_POLICIES: readonly string[] = [RESPONSE_WRAPPING_POLICY_NAME];

export function sanitizePolicyName(name: string): string {
  return name.trim().toLowerCase();
}

/** Throws unless a policy of this name may be written; returns the sanitized name. */
export function assertWritablePolicyName(name: string): string {
  const clean = sanitizePolicyName(name);
  if (clean === '') throw new Error('policy name missing: give the policy a name');
  if (IMMUTABLE_POLICIES.includes(clean)) throw new Error(`cannot update "${clean}" policy: it is built in`);
  return clean;
}

/** Throws unless a policy of this name may be deleted; returns the sanitized name. */
export function assertDeletablePolicyName(name: string): string {
  const clean = sanitizePolicyName(name);
  if (IMMUTABLE_POLICIES.includes(clean)) throw new Error(`cannot delete "${clean}" policy`);
  if (clean === DEFAULT_POLICY_NAME) throw new Error('cannot delete default policy');
  return clean;
}
