// parsePolicy: HCL or JSON policy text -> Policy, with Vault's rules for which keys a path block
// may hold, the legacy `policy = "read"` shorthand, capability names and parameter/TTL fields.
// Every rejection names the policy, the path block and the key at fault.

import { parseDurationSeconds } from '../framework/duration.js';
import { CAPABILITY_ORDER, LEGACY_POLICY, isCapability } from './capabilities.js';
import { decodePolicyText, type DecodedPolicy } from './decode.js';
import { policyError } from './errors.js';
import { assertWritablePolicyName, sanitizePolicyName } from './names.js';
import { labelledBlocks, mergedObject, stringList, type JsonObject } from './shape.js';
import { TemplateSyntaxError, hasTemplates } from './template.js';
import type { Capability, PathRule, Policy } from './types.js';

const TOP_LEVEL_KEYS = ['name', 'path'];

const PATH_KEYS = [
  'capabilities',
  'policy',
  'allowed_parameters',
  'denied_parameters',
  'required_parameters',
  'min_wrapping_ttl',
  'max_wrapping_ttl',
  'comment',
  'mfa_methods',
  'control_group',
];

/** Accepted by Vault, but features Coffer does not have: refused rather than silently ignored. */
const UNSUPPORTED_PATH_KEYS: Readonly<Record<string, string>> = {
  subscribe_event_types: 'event subscriptions (Vault 1.16+) are not supported by Coffer',
};
const UNSUPPORTED_CAPABILITIES: Readonly<Record<string, string>> = {
  subscribe: 'event subscriptions (Vault 1.16+) are not supported by Coffer',
  recover: 'snapshot recovery (Vault 1.20+) is not supported by Coffer',
};

/** Enterprise-only keys Vault Community Edition parses and ignores; so does Coffer, with a warning. */
const IGNORED_PATH_KEYS = ['mfa_methods', 'control_group'];

/** Parses a policy a user is writing. The name is trimmed and lower-cased; `root` can't be written. */
export function parsePolicy(name: string, text: string): Policy {
  let clean: string;
  try {
    clean = assertWritablePolicyName(name);
  } catch (e) {
    throw policyError(sanitizePolicyName(name), (e as Error).message);
  }
  return parsePolicyText(clean, text);
}

/** Parses policy text under a name without the writability check (used for the built-in policies). */
export function parsePolicyText(name: string, text: string): Policy {
  let decoded: DecodedPolicy;
  try {
    decoded = decodePolicyText(text);
  } catch (e) {
    throw policyError(name, `failed to parse policy: ${(e as Error).message}`, undefined, e);
  }
  const { doc } = decoded;
  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.includes(key)) {
      throw policyError(name, `unknown key "${key}"${onLine(decoded, doc, key)} at the top level (valid keys: ${TOP_LEVEL_KEYS.join(', ')})`);
    }
  }
  const warnings: string[] = [];
  const rules: PathRule[] = [];
  if (doc['path'] !== undefined) {
    const blocks = labelledBlocks(doc['path']);
    if (blocks === null) {
      throw policyError(name, '"path" must be blocks such as path "secret/*" { capabilities = ["read"] }');
    }
    for (const { label, body } of blocks) rules.push(parsePathBlock(name, label, body, warnings, decoded));
  }
  return {
    name,
    raw: text,
    templated: rules.some((r) => r.templated),
    rules,
    warnings,
  };
}

function onLine(decoded: DecodedPolicy, obj: JsonObject, key: string): string {
  const line = decoded.lineOf(obj, key);
  return line === undefined ? '' : ` on line ${line}`;
}

function parsePathBlock(policy: string, label: string, body: JsonObject, warnings: string[], decoded: DecodedPolicy): PathRule {
  const fail = (detail: string): never => {
    throw policyError(policy, detail, label);
  };

  let templated: boolean;
  try {
    templated = hasTemplates(label);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) fail(`failed to validate policy templating: ${e.message}`);
    throw e;
  }

  for (const key of Object.keys(body)) {
    const unsupported = Object.hasOwn(UNSUPPORTED_PATH_KEYS, key) ? UNSUPPORTED_PATH_KEYS[key] : undefined;
    if (unsupported !== undefined) fail(`key "${key}"${onLine(decoded, body, key)}: ${unsupported}`);
    if (!PATH_KEYS.includes(key)) fail(`unknown key "${key}"${onLine(decoded, body, key)} (valid keys: ${PATH_KEYS.join(', ')})`);
  }

  const path = label.startsWith('/') ? label.slice(1) : label;
  if (path.includes('+*')) fail(`invalid use of wildcards ('+*' is forbidden)`);

  const capabilities = readCapabilities(body, fail);
  const base = { path, templated, minWrappingTtl: 0, maxWrappingTtl: 0 };
  // A deny block carries nothing else; Vault stops reading the block there.
  if (capabilities.includes('deny')) return { ...base, capabilities: ['deny'] };

  const rule: {
    -readonly [K in keyof PathRule]: PathRule[K];
  } = { ...base, capabilities: CAPABILITY_ORDER.filter((c) => capabilities.includes(c)) };

  if (body['allowed_parameters'] !== undefined) {
    rule.allowedParameters = readParameterMap(body['allowed_parameters'], 'allowed_parameters', fail);
  }
  if (body['denied_parameters'] !== undefined) {
    rule.deniedParameters = readParameterMap(body['denied_parameters'], 'denied_parameters', fail);
  }
  rule.minWrappingTtl = readDuration(body['min_wrapping_ttl'], 'min_wrapping_ttl', fail);
  rule.maxWrappingTtl = readDuration(body['max_wrapping_ttl'], 'max_wrapping_ttl', fail);
  if (rule.minWrappingTtl !== 0 && rule.maxWrappingTtl !== 0 && rule.maxWrappingTtl < rule.minWrappingTtl) {
    fail('max_wrapping_ttl cannot be less than min_wrapping_ttl');
  }
  if (body['required_parameters'] !== undefined) {
    const required = stringList(body['required_parameters']);
    if (required === null) fail('required_parameters must be a list of parameter names');
    if (required!.length > 0) rule.requiredParameters = [...required!];
  }
  if (body['mfa_methods'] !== undefined && stringList(body['mfa_methods']) === null) {
    fail('mfa_methods must be a list of MFA method names');
  }
  if (body['control_group'] !== undefined && mergedObject(body['control_group']) === null) {
    fail('control_group must be a block');
  }
  for (const key of IGNORED_PATH_KEYS) {
    if (body[key] !== undefined) {
      warnings.push(`path "${label}": ${key} is a Vault Enterprise feature; Coffer ignores it, as Vault Community Edition does`);
    }
  }
  return rule;
}

function readCapabilities(body: JsonObject, fail: (detail: string) => never): Capability[] {
  const out: Capability[] = [];
  const listed = body['capabilities'];
  if (listed !== undefined) {
    const names = stringList(listed);
    if (names === null) fail('capabilities must be a list of strings, e.g. ["read", "list"]');
    out.push(...(names as string[]).map((n) => n as Capability));
  }
  const legacy = body['policy'];
  if (legacy !== undefined) {
    if (typeof legacy !== 'string') fail('policy must be one of "deny", "read", "write", "sudo"');
    const legacyName = legacy as string;
    if (legacyName !== '') {
      const mapped = Object.hasOwn(LEGACY_POLICY, legacyName) ? LEGACY_POLICY[legacyName]! : null;
      if (mapped === null) fail(`invalid policy "${legacyName}" (the legacy "policy" key takes "deny", "read", "write" or "sudo")`);
      if (legacyName === 'deny') return ['deny'];
      out.push(...mapped!);
    }
  }
  for (const name of out) {
    // Checked in order, as Vault does: a "deny" ends the block, so nothing after it is looked at.
    if (name === 'deny') return ['deny'];
    if (!isCapability(name)) {
      const why = Object.hasOwn(UNSUPPORTED_CAPABILITIES, name) ? UNSUPPORTED_CAPABILITIES[name] : undefined;
      fail(
        why === undefined
          ? `unknown capability "${name}" (valid: ${CAPABILITY_ORDER.join(', ')})`
          : `capability "${name}": ${why}`,
      );
    }
  }
  return out;
}

function readParameterMap(
  value: unknown,
  field: string,
  fail: (detail: string) => never,
): ReadonlyMap<string, readonly unknown[]> {
  const merged = mergedObject(value);
  if (merged === null) fail(`${field} must be a map of parameter names to lists of values, e.g. { "ttl" = ["1h", "2h"] }`);
  const out = new Map<string, readonly unknown[]>();
  for (const [key, values] of Object.entries(merged!)) {
    if (!Array.isArray(values)) fail(`${field}: the value of "${key}" must be a list (use [] for any value)`);
    if (key.includes('*') && key !== '*') {
      fail(`${field}: parameter key "${key}": only "*" on its own (meaning any parameter) may be a wildcard`);
    }
    out.set(key.toLowerCase(), [...(values as unknown[])]);
  }
  return out;
}

function readDuration(value: unknown, field: string, fail: (detail: string) => never): number {
  if (value === undefined) return 0;
  try {
    return parseDurationSeconds(value);
  } catch (e) {
    return fail(`${field}: ${(e as Error).message}`);
  }
}
