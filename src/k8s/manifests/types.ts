// The plain shapes the manifest builders return and take: a Kubernetes object is JSON with
// apiVersion, kind and metadata (the rest is checked by the tests against Kubernetes' schemas),
// and the options that say what to deploy.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

/** Where the server keeps its data. */
export type StorageChoice =
  /** One SQLite file on a PersistentVolumeClaim of `size` (a Quantity such as "10Gi"). */
  | { type: 'sqlite'; size: string; storageClass?: string }
  /**
   * PostgreSQL: the connection URL is read from key `key` of the Secret `secret` (created by the
   * operator, never printed) into VAULT_PG_CONNECTION_URL; the ConfigMap holds no credential.
   */
  | { type: 'postgresql'; secret: string; key: string; table?: string };

export interface InjectorOptions {
  /**
   * PEM of the CA that signed the injector's serving certificate (kept in the kubernetes.io/tls
   * Secret `tlsSecret`): the webhook's caBundle is filled with it. Without it the injector runs
   * with `-tls-auto` and patches the caBundle of its MutatingWebhookConfiguration itself.
   */
  caPem?: string;
  tlsSecret: string;
  /** The Coffer auth path the injected agents log in with (`-vault-auth-path`). */
  authPath: string;
}

export interface ManifestOptions {
  namespace: string;
  /** The base name of every object (and the Service clients reach: http(s)://NAME.NAMESPACE.svc:8200). */
  name: string;
  image: string;
  storage: StorageChoice;
  /** A kubernetes.io/tls Secret for the server's listener; the listener is plain HTTP without it. */
  serverTlsSecret?: string;
  logLevel: string;
  injector?: InjectorOptions;
}
