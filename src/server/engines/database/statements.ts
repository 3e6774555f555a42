// SQL statement lists as Vault's database plugins read them: each list element may hold several
// statements separated by ';' (split, trimmed, empties dropped), except PostgreSQL elements holding a
// `$$`-quoted body (DO blocks, functions), which run whole. `{{name}}`, `{{username}}`,
// `{{password}}` and `{{expiration}}` are replaced literally, as Vault's dbutil.QueryHelper does.

export interface StatementVars {
  name?: string;
  username?: string;
  password?: string;
  expiration?: string;
}

export function splitStatements(list: readonly string[], keepDollarQuoted = false): string[] {
  const out: string[] = [];
  for (const element of list) {
    if (keepDollarQuoted && element.includes('$$')) {
      if (element.trim() !== '') out.push(element.trim());
      continue;
    }
    for (const part of element.split(';')) {
      const s = part.trim();
      if (s !== '') out.push(s);
    }
  }
  return out;
}

export function substitute(statement: string, vars: StatementVars): string {
  let s = statement;
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) s = s.split(`{{${k}}}`).join(v);
  return s;
}

/** Statement fields arrive as a string (one element, commas kept: SQL has commas) or a list. */
export function statementList(raw: unknown, field: string): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return (raw as string[]).filter((x) => x.trim() !== '');
  throw new Error(`${field} must be a string or a list of strings`);
}

/** PostgreSQL's and Vault's expiration format: "2006-01-02 15:04:05-0700", in UTC. */
export function expirationString(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}
