// The shapes `coffer k8s scan` passes around: a file to scan, a finding (where, which rule, which key,
// a fingerprint of the value — never the value), and a problem that stops a file from being scanned.

/** A file to scan: its path as the user will see it (relative to the working directory), and its text. */
export interface ScanFile {
  path: string;
  content: string;
}

export interface Finding {
  file: string;
  /** 1-based line and column of the secret (or of the key that holds it). */
  line: number;
  column: number;
  /** Our rule id (e.g. k8s-secret-data) or secretlint's (e.g. secretlint/aws/AWSAccessKeyID). */
  rule: string;
  /** What was found, in words that never include the value. */
  message: string;
  /** The key that holds the secret (a Secret's data key, an env var name, a Kustomize literal's key). */
  key?: string;
  /** `sha256:` and the first 12 hex digits of the SHA-256 of the (decoded) value. */
  fingerprint?: string;
}

/** A file that could not be read or a reference that could not be followed: exit 2. */
export interface ScanError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/**
 * Reads a file a kustomization refers to, relative to the kustomization's folder. Returns the bytes and
 * the path to show, or an error message (missing, outside the scanned tree, too large).
 */
export type RefReader = (fromFile: string, ref: string) => { path: string; content: Uint8Array } | { error: string };

export interface ScanResult {
  findings: Finding[];
  errors: ScanError[];
  /** Files read as text only (not YAML/JSON that parsed), with why. */
  warnings: ScanError[];
}
