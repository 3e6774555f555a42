// The shapes `coffer k8s migrate` passes around: a plaintext Secret found in the files, what the
// server already holds at its KV path, and the plan (KV writes with key names and fingerprints only,
// new file texts, policies and roles, the problems that keep a Secret or a file where it is).

export interface MigrateOptions {
  /** The KV v2 mount, without slashes ("secret"). */
  mount: string;
  /** Put before "<namespace>/<name>" in the KV path ("" or "apps/"). */
  prefix: string;
  /** The Kubernetes auth mount, without "auth/" ("kubernetes"). */
  authPath: string;
  /** The namespace of objects that name none. */
  defaultNamespace: string;
  /** The roles' token_ttl. */
  ttl: string;
}

export interface SecretSource {
  /** "<namespace>/<name>". */
  id: string;
  name: string;
  namespace: string;
  type: string;
  file: string;
  chunk: number;
  line: number;
  /** Decoded values (stringData over data, as the API server merges them). Never printed. */
  data: Record<string, string>;
  /** Why it cannot be moved, if it cannot (the Secret then stays where it is). */
  problem?: string;
}

/** What the server holds at a Secret's KV path, or 'unknown' for a dry run without a server. */
export type KvState =
  | { state: 'absent' }
  | { state: 'same'; version: number }
  | { state: 'conflict'; version: number; deleted?: boolean }
  | { state: 'unknown' };

export interface KvWrite {
  secret: string;
  file: string;
  /** The logical path ("secret/default/db"), as `coffer kv get` takes it. */
  path: string;
  /** The API path ("secret/data/default/db"), as policies and templates name it. */
  dataPath: string;
  /** Key names with fingerprints, never values. */
  keys: Array<{ key: string; fingerprint: string }>;
  state: KvState['state'];
}

export interface Problem {
  kind: 'unsafe' | 'conflict';
  file: string;
  line?: number;
  secret?: string;
  message: string;
}

export interface FileChange {
  path: string;
  before: string;
  /** null when every document of the file was a migrated Secret: the file is removed. */
  after: string | null;
}

export interface AccessPlan {
  namespace: string;
  serviceAccount: string;
  policyName: string;
  roleName: string;
  /** The KV v2 data paths the pods of this service account read. */
  paths: string[];
  policy: string;
  role: { bound_service_account_names: string[]; bound_service_account_namespaces: string[]; token_policies: string[]; token_ttl: string };
  /** The workloads ("Deployment default/web") that log in with it. */
  workloads: string[];
}

export interface MigrationPlan {
  kv: KvWrite[];
  files: FileChange[];
  access: AccessPlan[];
  problems: Problem[];
  notes: string[];
}
