// allowed_parameters / denied_parameters / required_parameters, checked as Vault's ACL does
// (vault/acl.go AllowOperation): only for read, create, update and patch; required first; no data is
// fine; "*" in denied denies any parameter; denied beats allowed; an empty value list means any value;
// string values glob with a leading and/or trailing "*"; list values and comma-separated strings are
// checked element by element.

import { isDeepStrictEqual } from 'node:util';
import type { Decision, Operation } from './types.js';

export interface ParameterRules {
  readonly allowed: ReadonlyMap<string, readonly unknown[]> | null;
  readonly denied: ReadonlyMap<string, readonly unknown[]> | null;
  /** Lower-cased, as Vault looks them up. */
  readonly required: readonly string[];
}

export interface ParameterFailure {
  readonly decision: Extract<
    Decision,
    'required-parameter-missing' | 'all-parameters-denied' | 'parameter-denied' | 'parameter-not-allowed' | 'parameter-value-not-allowed'
  >;
  readonly parameter: string;
}

/** The operations whose request data Vault checks against parameter rules. */
export function checksParameters(operation: Operation): boolean {
  return operation === 'read' || operation === 'create' || operation === 'update' || operation === 'patch';
}

/** Null when the data passes the rules, else the first failure found. */
export function checkParameters(rules: ParameterRules, data: Readonly<Record<string, unknown>> | undefined): ParameterFailure | null {
  for (const name of rules.required) {
    if (data === undefined || !Object.hasOwn(data, name)) {
      return { decision: 'required-parameter-missing', parameter: name };
    }
  }
  if (data === undefined) return null;
  const keys = Object.keys(data);
  if (keys.length === 0) return null;

  const denied = rules.denied;
  if (denied !== null && denied.size > 0) {
    if (denied.has('*')) return { decision: 'all-parameters-denied', parameter: keys[0]! };
    for (const key of keys) {
      const values = denied.get(key.toLowerCase());
      if (values !== undefined && valueInDeniedList(data[key], values)) return { decision: 'parameter-denied', parameter: key };
    }
  }

  const allowed = rules.allowed;
  if (allowed === null || allowed.size === 0) return null;
  const allowedAll = allowed.has('*');
  if (allowedAll && allowed.size === 1) return null;
  for (const key of keys) {
    const values = allowed.get(key.toLowerCase());
    if (values === undefined) {
      if (!allowedAll) return { decision: 'parameter-not-allowed', parameter: key };
    } else if (!valueInAllowedList(data[key], values)) {
      return { decision: 'parameter-value-not-allowed', parameter: key };
    }
  }
  return null;
}

/** Vault's strutil.GlobbedStringsMatch: "*" at the start and/or end of the pattern; a lone "*" is literal. */
export function globbedStringsMatch(pattern: string, value: string): boolean {
  if (pattern.length < 2) return value === pattern;
  const leading = pattern.startsWith('*');
  const trailing = pattern.endsWith('*');
  if (leading && trailing) return value.includes(pattern.slice(1, -1));
  if (leading) return value.endsWith(pattern.slice(1));
  if (trailing) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

function valueInList(value: unknown, list: readonly unknown[]): boolean {
  for (const el of list) {
    if (el === null || el === undefined || value === null || value === undefined) {
      if ((el ?? null) === (value ?? null)) return true;
    } else if (typeof el === 'string') {
      if (typeof value === 'string' && globbedStringsMatch(el, value)) return true;
    } else if (isDeepStrictEqual(el, value)) {
      return true;
    }
  }
  return false;
}

/** Vault's parseutil.ParseCommaStringSlice for a string: split on ",", trim each; "" gives []. */
function commaParts(value: string): string[] {
  return value === '' ? [] : value.split(',').map((s) => s.trim());
}

function valueInAllowedList(value: unknown, list: readonly unknown[]): boolean {
  if (list.length === 0 || valueInList(value, list)) return true;
  if (Array.isArray(value)) return value.every((v) => valueInList(v, list));
  if (typeof value === 'string') return commaParts(value).every((v) => valueInList(v, list));
  return false;
}

function valueInDeniedList(value: unknown, list: readonly unknown[]): boolean {
  if (list.length === 0 || valueInList(value, list)) return true;
  if (Array.isArray(value)) return value.some((v) => valueInList(v, list));
  if (typeof value === 'string') return commaParts(value).some((v) => valueInList(v, list));
  return false;
}
