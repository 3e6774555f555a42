// Vault's strutil.StrListContainsGlob for bound names and namespaces: an entry may start and/or end
// with `*` (prefix, suffix or substring match); anything else matches exactly. A lone "*" in a list
// means "any" and is handled by the caller, as in path_login.go.

export function globMatches(pattern: string, value: string): boolean {
  if (pattern.length < 2) return pattern === value;
  const pre = pattern.startsWith('*');
  const suf = pattern.endsWith('*');
  if (pre && suf) return value.includes(pattern.slice(1, -1));
  if (pre) return value.endsWith(pattern.slice(1));
  if (suf) return value.startsWith(pattern.slice(0, -1));
  return value === pattern;
}

/** A role list binds a value when it is exactly ["*"] or some entry glob-matches it. */
export function listBinds(list: string[], value: string): boolean {
  if (list.length === 1 && list[0] === '*') return true;
  return list.some((p) => globMatches(p, value));
}

/** Why a list entry can never match (a `*` in the middle), or null. Vault accepts these silently. */
export function globProblem(entry: string): string | null {
  if (entry === '*') return null;
  const inner = entry.replace(/^\*/, '').replace(/\*$/, '');
  if (inner.includes('*')) return `"${entry}": "*" is only allowed at the start or end of an entry (prefix, suffix or substring match)`;
  if (entry.trim() === '') return 'an entry is empty';
  return null;
}
