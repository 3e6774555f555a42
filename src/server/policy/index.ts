// The policy room's public face: parse policies, the built-in ones, compile a token's policies into
// an ACL, check requests against it (with explanations), and Vault's root-protected (sudo) paths.

export type {
  Acl,
  AclRequest,
  AclResult,
  Capability,
  Decision,
  Explanation,
  IdentityAlias,
  IdentityContext,
  IdentityEntity,
  IdentityGroup,
  MatchKind,
  MatchedRule,
  Operation,
  PathRule,
  Policy,
} from './types.js';
export { PolicyError } from './errors.js';
export { parsePolicy, parsePolicyText } from './parse.js';
export { compileAcl, type CompileOptions } from './compile.js';
export {
  DEFAULT_POLICY_HCL,
  DEFAULT_POLICY_TEXT,
  RESPONSE_WRAPPING_POLICY_TEXT,
  defaultPolicy,
  responseWrappingPolicy,
  rootPolicy,
} from './builtin.js';
export {
  DEFAULT_POLICY_NAME,
  IMMUTABLE_POLICIES,
  NON_ASSIGNABLE_POLICIES,
  RESPONSE_WRAPPING_POLICY_NAME,
  ROOT_POLICY_NAME,
  assertDeletablePolicyName,
  assertWritablePolicyName,
  sanitizePolicyName,
} from './names.js';
export { SUDO_PATHS, SYSTEM_ROOT_PATHS, TOKEN_STORE_ROOT_PATHS, isSudoPath } from './sudo-paths.js';
