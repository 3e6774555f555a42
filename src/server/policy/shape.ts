// Reads the decoded policy document whichever shape it came in: Go's hcl.Unmarshal gives blocks as
// lists of objects (`{"path":[{"a/*":[{"capabilities":["read"]}]}]}`), JSON gives plain objects
// (`{"path":{"a/*":{"capabilities":["read"]}}}`), and mixtures of the two also occur.

export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The objects a block value stands for: an object is one, a list holds several (nested lists flattened). Null if neither. */
export function objectsOf(value: unknown): JsonObject[] | null {
  if (isObject(value)) return [value];
  if (!Array.isArray(value)) return null;
  const out: JsonObject[] = [];
  for (const item of value) {
    const inner = objectsOf(item);
    if (inner === null) return null;
    out.push(...inner);
  }
  return out;
}

/** A labelled block such as `path "x" { ... }`: every (label, body) pair, in document order. Null if malformed. */
export function labelledBlocks(value: unknown): { label: string; body: JsonObject }[] | null {
  const containers = objectsOf(value);
  if (containers === null) return null;
  const out: { label: string; body: JsonObject }[] = [];
  for (const container of containers) {
    for (const [label, raw] of Object.entries(container)) {
      const bodies = objectsOf(raw);
      if (bodies === null) return null;
      // `path "x" {}` decodes to an empty list of bodies in some HCL readers.
      if (bodies.length === 0) out.push({ label, body: {} });
      for (const body of bodies) out.push({ label, body });
    }
  }
  return out;
}

/** Every key of a block body merged into one object; `{a=[]}` may decode as `[{a:[]}]`. Null if not an object. */
export function mergedObject(value: unknown): JsonObject | null {
  const objects = objectsOf(value);
  if (objects === null) return null;
  const out: JsonObject = {};
  for (const o of objects) for (const [k, v] of Object.entries(o)) defineOwn(out, k, v);
  return out;
}

/** Sets a key as an own data property, so a key named "__proto__" stays a plain key. */
export function defineOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A list of strings, or null if the value is anything else. */
export function stringList(value: unknown): string[] | null {
  if (!Array.isArray(value)) return null;
  for (const v of value) if (typeof v !== 'string') return null;
  return value as string[];
}
