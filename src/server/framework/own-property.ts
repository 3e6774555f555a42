// Writes a key as an own, enumerable data property. Plain `obj[key] = v` with key "__proto__" sets
// the object's prototype instead (and silently drops the key), so every place that copies
// caller-chosen keys (secret data, metadata, query parameters) goes through here.

export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
