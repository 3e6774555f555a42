// Test helpers: write policies as JSON objects (compact to build in code) and compile them.

import { compileAcl, parsePolicy, type Acl, type Policy } from '../../../src/server/policy/index.js';

/** Parses a policy written as a JSON document, e.g. { path: { 'secret/*': { capabilities: ['read'] } } }. */
export function jsonPolicy(name: string, doc: object): Policy {
  return parsePolicy(name, JSON.stringify(doc));
}

/** A policy of `pattern -> capabilities` lines. */
export function simplePolicy(name: string, rules: Record<string, string[]>): Policy {
  const path: Record<string, { capabilities: string[] }> = {};
  for (const [pattern, capabilities] of Object.entries(rules)) path[pattern] = { capabilities };
  return jsonPolicy(name, { path });
}

export function aclOf(...policies: Policy[]): Acl {
  return compileAcl(policies);
}
