// Vault's built-in policies: `root` (everything, sudo included; it has no rules, the ACL knows it by
// name), `default` (the exact text Vault 1.15 writes on first unseal) and `response-wrapping`.

import { DEFAULT_POLICY_NAME, RESPONSE_WRAPPING_POLICY_NAME, ROOT_POLICY_NAME } from './names.js';
import { parsePolicyText } from './parse.js';
import type { Policy } from './types.js';

/** Vault's `defaultPolicy` constant (vault/policy_store.go), byte for byte, leading newline included. */
export const DEFAULT_POLICY_TEXT = `
# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own entity by id or name
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}


# Allow a token to look up its resultant ACL from all policies. This is useful
# for UIs. It is an internal path because the format may change at any time
# based on how the internal ACL features and capabilities change.
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body; old path for
# old clients, new path for newer
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties. This requires knowing the lease ID ahead
# of time and does not divulge any sensitive information.
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a given
# response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token. This is a convenience to
# avoid client token swapping since this is also part of the response wrapping
# policy.
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Allow checking the status of a Control Group request if the user has the
# accessor
path "sys/control-group/request" {
    capabilities = ["update"]
}

# Allow a token to make requests to the Authorization Endpoint for OIDC providers.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`;

/** The same text under the name the policy store uses. */
export const DEFAULT_POLICY_HCL = DEFAULT_POLICY_TEXT;

/** Vault's `responseWrappingPolicy`: lets a wrapping token read its cubbyhole response and unwrap. */
export const RESPONSE_WRAPPING_POLICY_TEXT = `
path "cubbyhole/response" {
    capabilities = ["create", "read"]
}

path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}
`;

/** The root policy: no rules; compileAcl recognises it by name and grants everything, sudo included. */
export function rootPolicy(): Policy {
  return { name: ROOT_POLICY_NAME, raw: '', templated: false, rules: [], warnings: [] };
}

let defaultParsed: Policy | undefined;
let wrappingParsed: Policy | undefined;

/** The built-in `default` policy as Vault ships it (what the store writes when none is stored yet). */
export function defaultPolicy(): Policy {
  defaultParsed ??= parsePolicyText(DEFAULT_POLICY_NAME, DEFAULT_POLICY_TEXT);
  return defaultParsed;
}

export function responseWrappingPolicy(): Policy {
  wrappingParsed ??= parsePolicyText(RESPONSE_WRAPPING_POLICY_NAME, RESPONSE_WRAPPING_POLICY_TEXT);
  return wrappingParsed;
}
