// The server's objects: ServiceAccount (its token reviews other pods' tokens), the
// ClusterRoleBinding to system:auth-delegator that lets it call TokenReview, the ConfigMap with
// server.hcl, a Service for clients, a headless Service for the StatefulSet, and the StatefulSet
// itself (one replica: Coffer has no HA mode yet), with a PersistentVolumeClaim for SQLite.

import { containerSecurityContext, labels, podSecurityContext, selectorLabels } from './common.js';
import { PATHS, SERVER_PORT, serverConfigHcl } from './server-config.js';
import type { K8sObject, ManifestOptions } from './types.js';

export function serverObjects(o: ManifestOptions, version: string): K8sObject[] {
  const meta = (name: string): K8sObject['metadata'] => ({ name, namespace: o.namespace, labels: labels(o, 'server', version) });
  const tls = o.serverTlsSecret !== undefined;
  const portName = tls ? 'https' : 'http';
  const servicePorts = [{ name: portName, port: SERVER_PORT, targetPort: portName, protocol: 'TCP' }];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(o.name) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      // cluster-scoped: the namespace in the name keeps two installations apart
      metadata: { name: `${o.name}-${o.namespace}-auth-delegator`, labels: labels(o, 'server', version) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subjects: [{ kind: 'ServiceAccount', name: o.name, namespace: o.namespace }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(`${o.name}-config`), data: { [PATHS.configFile]: serverConfigHcl(o) } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(o.name),
      spec: { type: 'ClusterIP', selector: selectorLabels(o, 'server'), ports: servicePorts },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(`${o.name}-internal`),
      // the StatefulSet's governing Service: DNS for each pod, even sealed (not ready) ones
      spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: selectorLabels(o, 'server'), ports: servicePorts },
    },
    statefulSet(o, version, meta(o.name)),
  ];
}

function statefulSet(o: ManifestOptions, version: string, metadata: K8sObject['metadata']): K8sObject {
  const tls = o.serverTlsSecret !== undefined;
  const scheme = tls ? 'HTTPS' : 'HTTP';
  const portName = tls ? 'https' : 'http';
  const sqlite = o.storage.type === 'sqlite';
  const env: Record<string, unknown>[] = [
    // for `kubectl exec ... -- coffer operator init|unseal|status` inside the pod
    { name: 'VAULT_ADDR', value: `${tls ? 'https' : 'http'}://127.0.0.1:${SERVER_PORT}` },
    // the root file system is read-only: the CLI's ~/.vault-token goes to the /tmp volume
    { name: 'HOME', value: '/tmp' },
  ];
  if (o.storage.type === 'postgresql') {
    env.push({ name: 'VAULT_PG_CONNECTION_URL', valueFrom: { secretKeyRef: { name: o.storage.secret, key: o.storage.key } } });
  }
  const volumeMounts: Record<string, unknown>[] = [
    { name: 'config', mountPath: PATHS.configDir, readOnly: true },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const volumes: Record<string, unknown>[] = [
    { name: 'config', configMap: { name: `${o.name}-config` } },
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
  ];
  if (sqlite) volumeMounts.push({ name: 'data', mountPath: PATHS.dataDir });
  if (tls) {
    volumeMounts.push({ name: 'tls', mountPath: PATHS.tlsDir, readOnly: true });
    volumes.push({ name: 'tls', secret: { secretName: o.serverTlsSecret!, defaultMode: 0o440 } });
  }
  const health = '/v1/sys/health';
  const spec: Record<string, unknown> = {
    serviceName: `${o.name}-internal`,
    replicas: 1,
    podManagementPolicy: 'Parallel',
    updateStrategy: { type: 'RollingUpdate' },
    selector: { matchLabels: selectorLabels(o, 'server') },
    template: {
      metadata: { labels: labels(o, 'server', version) },
      spec: {
        serviceAccountName: o.name,
        securityContext: podSecurityContext(),
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'coffer',
            image: o.image,
            imagePullPolicy: 'IfNotPresent',
            command: ['coffer'],
            args: ['server', `-config=${PATHS.configDir}/${PATHS.configFile}`],
            ports: [{ name: portName, containerPort: SERVER_PORT, protocol: 'TCP' }],
            env,
            securityContext: containerSecurityContext(),
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
            // ready = initialized and unsealed: a sealed server gets no traffic from the Service
            readinessProbe: { httpGet: { path: health, port: portName, scheme }, periodSeconds: 5, failureThreshold: 2 },
            // alive = answering, sealed or not (a restart would only seal it again)
            livenessProbe: {
              httpGet: { path: `${health}?sealedcode=204&uninitcode=204`, port: portName, scheme },
              initialDelaySeconds: 10,
              periodSeconds: 10,
              failureThreshold: 6,
            },
            volumeMounts,
          },
        ],
        volumes,
      },
    },
  };
  const storage = o.storage;
  if (storage.type === 'sqlite') {
    spec.volumeClaimTemplates = [
      {
        metadata: { name: 'data', labels: selectorLabels(o, 'server') },
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(storage.storageClass ? { storageClassName: storage.storageClass } : {}),
          resources: { requests: { storage: storage.size } },
        },
      },
    ];
  }
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata, spec };
}
