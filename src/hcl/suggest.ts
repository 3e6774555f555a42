// "Did you mean ...?" for unknown keys in HCL configuration files (server and agent): a known key the
// unknown one is a prefix of (or the other way round), else the one at the smallest edit distance if
// that is a likely typo.

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** ` (did you mean "x"?)` or ''. */
export function suggest(key: string, known: Iterable<string>): string {
  let best = '';
  let bestD = Infinity;
  const lower = key.toLowerCase();
  for (const k of known) if (lower.length >= 4 && (k.startsWith(lower) || lower.startsWith(k))) return ` (did you mean "${k}"?)`;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k);
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean "${best}"?)` : '';
}
