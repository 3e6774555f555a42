// Turns policy text into a plain document. Like Go's hcl.Parse (which Vault uses), text starting with
// "{" is JSON and anything else is HCL v1, read by our reader in src/hcl, which also remembers where
// each key was written so errors can give a line.

import { HclError, parseHclDocument } from '../../hcl/index.js';
import { isObject, type JsonObject } from './shape.js';

export interface DecodedPolicy {
  readonly doc: JsonObject;
  /** The line a key of an object inside `doc` was written on, if known. */
  lineOf(obj: JsonObject, key: string): number | undefined;
}

/** Go's lexMode, which Vault's hcl.Parse uses: JSON when the first non-space character is "{". */
export function looksLikeJson(text: string): boolean {
  return /^\s*\{/.test(text);
}

/**
 * Decodes policy text; throws an Error whose message says what is wrong and where. JSON goes through
 * JSON.parse (strict, and the normalizer reads its plain-object shape); HCL through our reader.
 */
export function decodePolicyText(text: string): DecodedPolicy {
  if (looksLikeJson(text)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new Error(`invalid JSON: ${(e as Error).message}`, { cause: e });
    }
    if (!isObject(value)) throw new Error('does not contain a root object');
    return { doc: value, lineOf: () => undefined };
  }
  let parsed: ReturnType<typeof parseHclDocument>;
  try {
    parsed = parseHclDocument(text);
  } catch (e) {
    if (e instanceof HclError) throw new Error(`line ${e.line}, column ${e.column}: ${e.reason}`, { cause: e });
    throw e;
  }
  const doc: unknown = parsed.value;
  if (!isObject(doc)) throw new Error('does not contain a root object');
  return {
    doc,
    lineOf: (obj, key) => parsed.positionOf(obj as Parameters<typeof parsed.positionOf>[0], key)?.line,
  };
}
