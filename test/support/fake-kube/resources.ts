// Renders the fake's records as the JSON objects GET /api/v1/... returns (Namespace, ServiceAccount).
// Since Kubernetes 1.24 a ServiceAccount lists no token Secrets, so `secrets` is absent.

import type { NamespaceRecord, ServiceAccountRecord } from './state.js';
import type { Namespace, ServiceAccount } from './types.js';

const timestamp = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function namespaceObject(ns: NamespaceRecord): Namespace {
  return {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: { name: ns.name, uid: ns.uid, resourceVersion: ns.resourceVersion, creationTimestamp: timestamp(ns.created), labels: { ...ns.labels } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

export function serviceAccountObject(sa: ServiceAccountRecord): ServiceAccount {
  const annotations = Object.keys(sa.annotations).length > 0 ? { annotations: { ...sa.annotations } } : {};
  return {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    metadata: { name: sa.name, namespace: sa.namespace, uid: sa.uid, resourceVersion: sa.resourceVersion, creationTimestamp: timestamp(sa.created), ...annotations },
  };
}
