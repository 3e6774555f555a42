// What `coffer k8s doctor` reports: findings, each pinned to a file and line, with a rule id, what is
// wrong and the fix spelled out; and the model of the files it reads (manifests, scripts, code).

export type RuleId =
  | 'parse'
  | 'agent-config-missing'
  | 'agent-in-containers'
  | 'mount-over-system-dir'
  | 'reviewer-jwt-from-sa-secrets'
  | 'sa-token-path'
  | 'unknown-annotation'
  | 'annotation'
  | 'kv2-path-without-data'
  | 'unbound-service-account'
  | 'auth-path'
  | 'role-missing'
  | 'policy-denies-read';

export interface Finding {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when known. */
  column?: number;
  rule: RuleId;
  message: string;
  fix: string;
}

/** A place in a file. */
export interface Loc {
  file: string;
  line: number;
  column?: number;
}

export const finding = (at: Loc, rule: RuleId, message: string, fix: string): Finding => ({ ...at, rule, message, fix });

/** Sorted by file, then line, then rule, so output is stable. */
export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.rule.localeCompare(b.rule)));
}
