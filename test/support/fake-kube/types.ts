// Shapes shared by the fake kube-apiserver: the public FakeKube handle and the Kubernetes JSON
// objects it sends and receives (TokenReview, Status, Namespace, ServiceAccount, UserInfo).

export interface FakeKube {
  url: string; // https://127.0.0.1:PORT
  caPem: string; // PEM of the CA that signed the serving cert
  caFile: string; // path to that PEM on disk (removed by close())
  issuer: string; // projected-token issuer
  publicKeyPem: string; // the token-signing public key (for pem_keys tests)
  createNamespace(name: string, labels?: Record<string, string>): void;
  setNamespaceLabels(name: string, labels: Record<string, string>): void;
  createServiceAccount(namespace: string, name: string, annotations?: Record<string, string>): { uid: string; secretName: string };
  deleteServiceAccount(namespace: string, name: string): void;
  bindAuthDelegator(namespace: string, name: string): void;
  /** Binds a ClusterRole rule: `verb` (get, patch) on cluster-scoped `resource` for the service account. */
  grant(namespace: string, name: string, verb: string, resource: string): void;
  /** Creates or replaces a MutatingWebhookConfiguration (the server sets uid and resourceVersion). */
  applyMutatingWebhookConfiguration(obj: { metadata: { name: string } } & Record<string, unknown>): void;
  mutatingWebhookConfiguration(name: string): Record<string, unknown> | undefined;
  /** What GET /version reports (default major "1", minor "30"); minor may be like "29+". */
  setVersion(major: string, minor: string): void;
  legacyToken(namespace: string, name: string): string;
  projectedToken(namespace: string, name: string, opts?: ProjectedTokenOptions): string;
  forgedToken(namespace: string, name: string): string; // same claims, signed by another key
  setLatencyMs(ms: number): void;
  failTokenReviews(status: number | null): void;
  readonly tokenReviewCount: number;
  close(): Promise<void>;
}

export interface ProjectedTokenOptions {
  audiences?: string[];
  expirationSeconds?: number;
  podName?: string;
}

export interface StartOptions {
  port?: number;
  /** Clock in milliseconds since the epoch; defaults to Date.now. Lets TTL tests skip sleeping. */
  now?: () => number;
}

export interface UserInfo {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface TokenReviewStatus {
  authenticated?: boolean; // omitted (not false) when the token is not authenticated, as in Go's omitempty
  user: UserInfo;
  audiences?: string[];
  error?: string;
}

export interface TokenReview {
  kind: 'TokenReview';
  apiVersion: 'authentication.k8s.io/v1';
  metadata: Record<string, unknown>;
  spec: { token: string; audiences?: string[] };
  status: TokenReviewStatus;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Namespace {
  kind: 'Namespace';
  apiVersion: 'v1';
  metadata: ObjectMeta;
  spec: { finalizers: string[] };
  status: { phase: 'Active' };
}

export interface ServiceAccount {
  kind: 'ServiceAccount';
  apiVersion: 'v1';
  metadata: ObjectMeta;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}
