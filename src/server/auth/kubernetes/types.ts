// Shapes shared by the kubernetes auth method's files: the stored config and role, the resolved
// connection to the Kubernetes API, and the service-account identity read from a JWT.

import type { TokenParams } from '../../framework/index.js';

/** `config` as stored (the reviewer JWT is kept, encrypted by the barrier, but never read back). */
export interface KubeConfig {
  kubernetes_host: string;
  kubernetes_ca_cert: string;
  token_reviewer_jwt: string;
  pem_keys: string[];
  issuer: string;
  disable_iss_validation: boolean;
  disable_local_ca_jwt: boolean;
  use_annotations_as_alias_metadata: boolean;
  /** Coffer's addition: how long one call to the Kubernetes API may take, in milliseconds. */
  kubernetes_request_timeout_ms: number;
}

export type AliasNameSource = 'serviceaccount_uid' | 'serviceaccount_name';

/** `role/<name>` as stored. */
export interface KubeRole {
  bound_service_account_names: string[];
  bound_service_account_namespaces: string[];
  bound_service_account_namespace_selector: string;
  audience: string;
  alias_name_source: AliasNameSource;
  token: TokenParams;
}

/** Where and as whom one call to the Kubernetes API goes. */
export interface KubeTarget {
  /** Normalized base URL without a trailing slash, e.g. https://10.0.0.1:6443 */
  baseUrl: string;
  /** PEM bundle to trust; undefined means the system trust store. */
  caPem: string | undefined;
  /** Where the CA came from, for error messages (e.g. `kubernetes_ca_cert`). */
  caSource: string;
  bearer: string;
  /** Which token is the bearer: the configured reviewer, the pod's own token, or the client's JWT. */
  bearerSource: 'token_reviewer_jwt' | 'local' | 'client';
  timeoutMs: number;
  /** The mount (e.g. auth/kubernetes/), so errors can name the config path to fix. */
  mountPoint: string;
}

/** The service account a JWT claims to be (legacy secret-based or projected token claims). */
export interface ServiceAccountClaims {
  name: string;
  namespace: string;
  uid: string;
  secretName: string;
  audiences: string[];
  issuer: string;
  /** seconds since the epoch, when present */
  exp?: number;
  nbf?: number;
}

export interface TokenReviewResult {
  name: string;
  namespace: string;
  uid: string;
  /** status.audiences, as returned (may be empty on audience-unaware API servers) */
  audiences: string[];
}
