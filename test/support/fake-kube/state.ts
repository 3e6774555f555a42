// The fake cluster's objects: namespaces (with labels), service accounts, their legacy token
// Secrets, pods that projected tokens are bound to, and system:auth-delegator bindings.
// Mirrors what the real controllers do: every namespace carries the immutable
// kubernetes.io/metadata.name label, and deleting a service account deletes its token Secret.

import { randomInt, randomUUID } from 'node:crypto';

export interface NamespaceRecord {
  name: string;
  uid: string;
  labels: Record<string, string>;
  resourceVersion: string;
  created: Date;
}

export interface ServiceAccountRecord {
  namespace: string;
  name: string;
  uid: string;
  annotations: Record<string, string>;
  resourceVersion: string;
  created: Date;
}

/** A kubernetes.io/service-account-token Secret: where legacy tokens live. */
export interface TokenSecretRecord {
  namespace: string;
  name: string;
  uid: string;
  serviceAccountName: string;
  token: string;
}

export interface PodRecord {
  namespace: string;
  name: string;
  uid: string;
}

/** The namespaces every cluster starts with. */
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const NAME_LABEL = 'kubernetes.io/metadata.name';
// The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits).
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const key = (namespace: string, name: string): string => `${namespace}/${name}`;

export class ClusterState {
  private readonly namespaces = new Map<string, NamespaceRecord>();
  private readonly serviceAccounts = new Map<string, ServiceAccountRecord>();
  private readonly secrets = new Map<string, TokenSecretRecord>();
  private readonly pods = new Map<string, PodRecord>();
  private readonly authDelegators = new Set<string>();
  private readonly grants = new Set<string>();
  private readonly webhookConfigs = new Map<string, Record<string, unknown>>();
  serverVersion = { major: '1', minor: '30' };
  private version = 1000;

  constructor(private readonly now: () => number) {
    for (const ns of SYSTEM_NAMESPACES) this.createNamespace(ns);
  }

  private nextVersion(): string {
    this.version += 1;
    return String(this.version);
  }

  createNamespace(name: string, labels: Record<string, string> = {}): NamespaceRecord {
    if (this.namespaces.has(name)) throw new Error(`namespaces "${name}" already exists`);
    const ns: NamespaceRecord = { name, uid: randomUUID(), labels: { ...labels, [NAME_LABEL]: name }, resourceVersion: this.nextVersion(), created: new Date(this.now()) };
    this.namespaces.set(name, ns);
    return ns;
  }

  /** Replaces the labels; the apiserver keeps kubernetes.io/metadata.name whatever you send. */
  setNamespaceLabels(name: string, labels: Record<string, string>): void {
    const ns = this.namespace(name);
    if (!ns) throw new Error(`namespaces "${name}" not found`);
    ns.labels = { ...labels, [NAME_LABEL]: name };
    ns.resourceVersion = this.nextVersion();
  }

  namespace(name: string): NamespaceRecord | undefined {
    return this.namespaces.get(name);
  }

  createServiceAccount(namespace: string, name: string, annotations: Record<string, string> = {}): { sa: ServiceAccountRecord; secret: TokenSecretRecord } {
    if (!this.namespaces.has(namespace)) throw new Error(`namespaces "${namespace}" not found`);
    if (this.serviceAccounts.has(key(namespace, name))) throw new Error(`serviceaccounts "${name}" already exists`);
    const sa: ServiceAccountRecord = { namespace, name, uid: randomUUID(), annotations: { ...annotations }, resourceVersion: this.nextVersion(), created: new Date(this.now()) };
    this.serviceAccounts.set(key(namespace, name), sa);
    const suffix = Array.from({ length: 5 }, () => SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)]).join('');
    const secret: TokenSecretRecord = { namespace, name: `${name}-token-${suffix}`, uid: randomUUID(), serviceAccountName: name, token: '' };
    this.secrets.set(key(namespace, secret.name), secret);
    return { sa, secret };
  }

  serviceAccount(namespace: string, name: string): ServiceAccountRecord | undefined {
    return this.serviceAccounts.get(key(namespace, name));
  }

  deleteServiceAccount(namespace: string, name: string): void {
    if (!this.serviceAccounts.delete(key(namespace, name))) throw new Error(`serviceaccounts "${name}" not found`);
    // The token controller deletes the service account's token Secrets with it.
    for (const [k, s] of this.secrets) if (s.namespace === namespace && s.serviceAccountName === name) this.secrets.delete(k);
  }

  tokenSecretOf(namespace: string, serviceAccountName: string): TokenSecretRecord | undefined {
    for (const s of this.secrets.values()) if (s.namespace === namespace && s.serviceAccountName === serviceAccountName) return s;
    return undefined;
  }

  secret(namespace: string, name: string): TokenSecretRecord | undefined {
    return this.secrets.get(key(namespace, name));
  }

  /** Pods are not modelled beyond what a pod-bound token needs: a name and a UID that exist. */
  ensurePod(namespace: string, name: string): PodRecord {
    const existing = this.pods.get(key(namespace, name));
    if (existing) return existing;
    const pod: PodRecord = { namespace, name, uid: randomUUID() };
    this.pods.set(key(namespace, name), pod);
    return pod;
  }

  pod(namespace: string, name: string): PodRecord | undefined {
    return this.pods.get(key(namespace, name));
  }

  /** A ClusterRoleBinding of system:auth-delegator to the service account (by name, like RBAC). */
  bindAuthDelegator(namespace: string, name: string): void {
    this.authDelegators.add(key(namespace, name));
  }

  isAuthDelegator(namespace: string, name: string): boolean {
    return this.authDelegators.has(key(namespace, name));
  }

  /** A ClusterRole rule (verb on a cluster-scoped resource) bound to the service account. */
  grant(namespace: string, name: string, verb: string, resource: string): void {
    this.grants.add(`${key(namespace, name)}|${verb}|${resource}`);
  }

  isGranted(namespace: string, name: string, verb: string, resource: string): boolean {
    return this.grants.has(`${key(namespace, name)}|${verb}|${resource}`);
  }

  /** Stores a MutatingWebhookConfiguration with server-set metadata (uid, resourceVersion, creationTimestamp). */
  putWebhookConfig(obj: { metadata: { name: string } } & Record<string, unknown>): Record<string, unknown> {
    const old = this.webhookConfigs.get(obj.metadata.name) as { metadata: Record<string, unknown> } | undefined;
    const metadata = {
      ...obj.metadata,
      uid: old?.metadata['uid'] ?? randomUUID(),
      creationTimestamp: old?.metadata['creationTimestamp'] ?? new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      resourceVersion: this.nextVersion(),
    };
    const stored = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', ...obj, metadata };
    this.webhookConfigs.set(obj.metadata.name, stored);
    return stored;
  }

  webhookConfig(name: string): Record<string, unknown> | undefined {
    const o = this.webhookConfigs.get(name);
    return o === undefined ? undefined : (JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
  }
}
