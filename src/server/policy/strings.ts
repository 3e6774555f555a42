// String helpers for the per-request hot path: V8's String.prototype.startsWith goes through a slow
// builtin (tens of nanoseconds a call), a char-code loop is several times faster for short prefixes.

/** True if `s` holds `prefix` at `offset` (0 by default). */
export function hasPrefixAt(s: string, prefix: string, offset = 0): boolean {
  const n = prefix.length;
  if (s.length - offset < n) return false;
  for (let i = 0; i < n; i++) if (s.charCodeAt(offset + i) !== prefix.charCodeAt(i)) return false;
  return true;
}
