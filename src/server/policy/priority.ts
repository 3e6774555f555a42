// Which of several matching non-exact rules wins, and whether a "+"-segment pattern matches a path.
// Follows Vault's CheckAllowedFromNonExactPaths (vault/acl.go) and the documented priority rules:
// a pattern is LOWER priority if (1) its first "+" or "*" comes earlier, (2) it ends in "*" and the
// other doesn't, (3) it has more "+" segments, (4) it is shorter, (5) it is lexicographically smaller.
// Positions and lengths are counted in UTF-8 bytes and order is byte order, as Go's len() and string
// comparison do: with non-ASCII paths, UTF-16 lengths and JavaScript's `<` would pick another rule.

import { hasPrefixAt } from './strings.js';

/** What the comparison looks at; `wcPath` is the pattern without its trailing "*". */
export interface PriorityKey {
  /** UTF-8 byte offset of the first "+" (or of the glob's "*"). */
  readonly firstWildcard: number;
  readonly isPrefix: boolean;
  readonly wildcards: number;
  readonly wcPath: string;
  /** UTF-8 byte length of `wcPath`. */
  readonly wcBytes: number;
}

/** Negative if a is lower priority than b, positive if higher, 0 if the same pattern. */
export function comparePriority(a: PriorityKey, b: PriorityKey): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard < b.firstWildcard ? -1 : 1;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.wildcards !== b.wildcards) return a.wildcards > b.wildcards ? -1 : 1;
  if (a.wcBytes !== b.wcBytes) return a.wcBytes < b.wcBytes ? -1 : 1;
  return compareCodePoints(a.wcPath, b.wcPath);
}

/** Go's byte-wise string order: for well-formed strings, UTF-8 byte order is code point order. */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** A "+"-segment pattern, split once at compile time. */
export interface SegmentPattern extends PriorityKey {
  readonly segments: readonly string[];
  /** The text before the first "+": any path it matches starts with this. */
  readonly literalPrefix: string;
}

/** True when Vault treats the pattern as a "+"-segment pattern rather than an exact path or a glob. */
export function hasSegmentWildcards(pattern: string): boolean {
  return pattern === '+' || pattern.includes('/+') || pattern.startsWith('+/');
}

export function segmentPattern(pattern: string): SegmentPattern {
  const isPrefix = pattern.endsWith('*');
  const wcPath = isPrefix ? pattern.slice(0, -1) : pattern;
  const segments = wcPath.split('/');
  const firstWildcard = pattern.indexOf('+');
  return {
    firstWildcard: firstWildcard < 0 ? -1 : Buffer.byteLength(pattern.slice(0, firstWildcard)),
    isPrefix,
    wildcards: segments.filter((s) => s === '+').length,
    wcPath,
    wcBytes: Buffer.byteLength(wcPath),
    segments,
    literalPrefix: pattern.slice(0, Math.max(firstWildcard, 0)),
  };
}

/** The priority key Vault gives the longest matching glob rule (stored without its "*"). */
export function globKey(prefix: string): PriorityKey {
  const n = Buffer.byteLength(prefix);
  return { firstWildcard: n, isPrefix: true, wildcards: 0, wcPath: prefix, wcBytes: n };
}

/** Vault's segment match: "+" takes any one segment (even empty); a trailing "*" lets the last segment be a prefix. */
export function segmentsMatch(p: SegmentPattern, parts: readonly string[]): boolean {
  const segs = p.segments;
  if (parts.length < segs.length) return false;
  if (!p.isPrefix && parts.length !== segs.length) return false;
  const last = segs.length - 1;
  for (let i = 0; i <= last; i++) {
    const seg = segs[i]!;
    if (seg === '+' || seg === parts[i]) continue;
    if (p.isPrefix && i === last && hasPrefixAt(parts[i]!, seg)) continue;
    return false;
  }
  return true;
}
