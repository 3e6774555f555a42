// The injector's objects: ServiceAccount, Deployment (`coffer injector`, flags as vault-k8s's),
// Service (443 -> the webhook's port) and the MutatingWebhookConfiguration that sends pod
// creations to it. failurePolicy Ignore: a down injector never blocks pods (they start without an
// agent, as with vault-k8s's default). kube-system, kube-node-lease and the injector's own
// namespace are never sent to it. The caBundle is either filled from the CA given to the command
// or left empty for `coffer injector -tls-auto=<this configuration>` to patch at start, which is
// what the ClusterRole printed in that case allows (and nothing more).

import { containerSecurityContext, labels, podSecurityContext, selectorLabels } from './common.js';
import { serverAddress } from './server-config.js';
import type { InjectorOptions, K8sObject, ManifestOptions } from './types.js';

export const INJECTOR_PORT = 8080;
export const WEBHOOK_PATH = '/mutate';
const TLS_DIR = '/coffer/injector-tls';

export function injectorNames(o: ManifestOptions): { app: string; webhook: string; clusterRole: string } {
  return {
    app: `${o.name}-injector`,
    // cluster-scoped objects: the namespace in the name keeps two installations apart
    webhook: `${o.name}-${o.namespace}-agent-injector`,
    clusterRole: `${o.name}-${o.namespace}-injector`,
  };
}

export function injectorObjects(o: ManifestOptions, inj: InjectorOptions, version: string): K8sObject[] {
  const names = injectorNames(o);
  const meta = (name: string): K8sObject['metadata'] => ({ name, namespace: o.namespace, labels: labels(o, 'injector', version) });
  const tlsAuto = inj.caPem === undefined;
  const out: K8sObject[] = [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(names.app) }];
  if (tlsAuto) {
    out.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: names.clusterRole, labels: labels(o, 'injector', version) },
        rules: [
          { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], verbs: ['get', 'list', 'watch'] },
          { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [names.webhook], verbs: ['patch'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: names.clusterRole, labels: labels(o, 'injector', version) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: names.clusterRole },
        subjects: [{ kind: 'ServiceAccount', name: names.app, namespace: o.namespace }],
      },
    );
  }
  out.push(deployment(o, inj, version, meta(names.app), names.webhook), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(names.app),
    spec: { type: 'ClusterIP', selector: selectorLabels(o, 'injector'), ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }] },
  });
  out.push(webhookConfiguration(o, inj, version, names));
  return out;
}

/** The injector's command line, with the flags of `coffer injector` (as vault-k8s's). */
export function injectorArgs(o: ManifestOptions, inj: InjectorOptions, webhookName: string): string[] {
  return [
    'injector',
    `-listen=:${INJECTOR_PORT}`,
    ...(inj.caPem === undefined ? [`-tls-auto=${webhookName}`] : [`-tls-cert-file=${TLS_DIR}/tls.crt`, `-tls-key-file=${TLS_DIR}/tls.key`]),
    `-vault-address=${serverAddress(o)}`,
    `-vault-image=${o.image}`,
    `-vault-auth-path=${inj.authPath}`,
    `-log-level=${o.logLevel}`,
  ];
}

function deployment(o: ManifestOptions, inj: InjectorOptions, version: string, metadata: K8sObject['metadata'], webhookName: string): K8sObject {
  const volumeMounts: Record<string, unknown>[] = [{ name: 'tmp', mountPath: '/tmp' }];
  const volumes: Record<string, unknown>[] = [{ name: 'tmp', emptyDir: { sizeLimit: '16Mi' } }];
  if (inj.caPem !== undefined) {
    volumeMounts.push({ name: 'tls', mountPath: TLS_DIR, readOnly: true });
    volumes.push({ name: 'tls', secret: { secretName: inj.tlsSecret, defaultMode: 0o440 } });
  }
  // a TCP probe: it assumes nothing about the injector's HTTP paths beyond the webhook's
  const probe = { tcpSocket: { port: 'https' }, periodSeconds: 10 };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      // one replica: -tls-auto generates a certificate per process, and two would fight over the caBundle
      replicas: 1,
      selector: { matchLabels: selectorLabels(o, 'injector') },
      template: {
        metadata: { labels: labels(o, 'injector', version) },
        spec: {
          serviceAccountName: metadata.name,
          securityContext: podSecurityContext(),
          containers: [
            {
              name: 'injector',
              image: o.image,
              imagePullPolicy: 'IfNotPresent',
              command: ['coffer'],
              args: injectorArgs(o, inj, webhookName),
              env: [
                { name: 'HOME', value: '/tmp' },
                { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              ],
              ports: [{ name: 'https', containerPort: INJECTOR_PORT, protocol: 'TCP' }],
              securityContext: containerSecurityContext(),
              resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              readinessProbe: probe,
              livenessProbe: { ...probe, initialDelaySeconds: 5, failureThreshold: 6 },
              volumeMounts,
            },
          ],
          volumes,
        },
      },
    },
  };
}

function webhookConfiguration(o: ManifestOptions, inj: InjectorOptions, version: string, names: ReturnType<typeof injectorNames>): K8sObject {
  const clientConfig: Record<string, unknown> = { service: { name: names.app, namespace: o.namespace, path: WEBHOOK_PATH, port: 443 } };
  if (inj.caPem !== undefined) clientConfig.caBundle = Buffer.from(inj.caPem).toString('base64');
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: names.webhook, labels: labels(o, 'injector', version) },
    webhooks: [
      {
        name: 'agent-injector.coffer.dev',
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Ignore',
        matchPolicy: 'Equivalent',
        reinvocationPolicy: 'Never',
        timeoutSeconds: 5,
        clientConfig,
        rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }],
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...new Set(['kube-system', 'kube-node-lease', o.namespace])] }],
        },
      },
    ],
  };
}
