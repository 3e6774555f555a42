// Capability names, their bit flags, the legacy `policy = "read"` shorthand, and the two orders
// capabilities are shown in (canonical for people, sorted for `sys/capabilities` as Vault sorts).

import type { Capability, Operation } from './types.js';

export const DENY = 1 << 0;
export const CREATE = 1 << 1;
export const READ = 1 << 2;
export const UPDATE = 1 << 3;
export const DELETE = 1 << 4;
export const LIST = 1 << 5;
export const SUDO = 1 << 6;
export const PATCH = 1 << 7;

/** Canonical order, used when listing a rule's capabilities to people. */
export const CAPABILITY_ORDER: readonly Capability[] = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'];

export const CAPABILITY_BITS: Readonly<Record<Capability, number>> = {
  deny: DENY,
  create: CREATE,
  read: READ,
  update: UPDATE,
  delete: DELETE,
  list: LIST,
  sudo: SUDO,
  patch: PATCH,
};

export function isCapability(name: string): name is Capability {
  return Object.hasOwn(CAPABILITY_BITS, name);
}

/** Vault's pre-0.5 `policy = "..."` shorthand. "deny" replaces; the others add to `capabilities`. */
export const LEGACY_POLICY: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

/** The capability each operation needs (no prototype, so a bad operation name finds nothing). */
export const OPERATION_CAPABILITY: Readonly<Record<Operation, Capability>> = Object.assign(Object.create(null) as object, {
  create: 'create',
  read: 'read',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
  list: 'list',
} as const);

export function bitsOf(capabilities: readonly Capability[]): number {
  let bits = 0;
  for (const c of capabilities) bits |= CAPABILITY_BITS[c];
  return bits;
}

/** Capabilities in canonical order; ["deny"] alone when the deny bit is set. */
export function capabilitiesOf(bits: number): Capability[] {
  if (bits & DENY) return ['deny'];
  return CAPABILITY_ORDER.filter((c) => c !== 'deny' && (bits & CAPABILITY_BITS[c]) !== 0);
}

/** What `sys/capabilities` answers for a rule: names sorted alphabetically, ["deny"] for deny or nothing. */
export function reportedCapabilities(bits: number): string[] {
  const caps = capabilitiesOf(bits);
  if (caps.length === 0 || caps[0] === 'deny') return ['deny'];
  return [...caps].sort();
}
