// The one place tests check a patched pod against Kubernetes' schemas: kubernetes-models'
// validate() (types and required fields), plus a strict walk over what the injector adds,
// because kubernetes-models accepts unknown fields. Swap this helper for the strict validator
// in test/support/ when it lands.

import { Pod as PodModel } from 'kubernetes-models/v1';

// Field names of the core/v1 objects the injector writes (from the Kubernetes API reference).
const FIELDS: Record<string, readonly string[]> = {
  Container: ['name', 'image', 'command', 'args', 'workingDir', 'ports', 'envFrom', 'env', 'resources', 'resizePolicy', 'restartPolicy', 'volumeMounts', 'volumeDevices', 'livenessProbe', 'readinessProbe', 'startupProbe', 'lifecycle', 'terminationMessagePath', 'terminationMessagePolicy', 'imagePullPolicy', 'securityContext', 'stdin', 'stdinOnce', 'tty'],
  EnvVar: ['name', 'value', 'valueFrom'],
  VolumeMount: ['name', 'mountPath', 'readOnly', 'recursiveReadOnly', 'subPath', 'subPathExpr', 'mountPropagation'],
  Resources: ['limits', 'requests', 'claims'],
  Probe: ['exec', 'httpGet', 'tcpSocket', 'grpc', 'initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold', 'terminationGracePeriodSeconds'],
  HTTPGetAction: ['path', 'port', 'host', 'scheme', 'httpHeaders'],
  Lifecycle: ['postStart', 'preStop', 'stopSignal'],
  LifecycleHandler: ['exec', 'httpGet', 'tcpSocket', 'sleep'],
  ExecAction: ['command'],
  SecurityContext: ['capabilities', 'privileged', 'seLinuxOptions', 'windowsOptions', 'runAsUser', 'runAsGroup', 'runAsNonRoot', 'readOnlyRootFilesystem', 'allowPrivilegeEscalation', 'procMount', 'seccompProfile', 'appArmorProfile'],
  Capabilities: ['add', 'drop'],
  Volume: ['name', 'emptyDir', 'secret', 'configMap', 'projected', 'hostPath', 'persistentVolumeClaim', 'downwardAPI', 'csi', 'ephemeral'],
  EmptyDir: ['medium', 'sizeLimit'],
  SecretVolume: ['secretName', 'items', 'defaultMode', 'optional'],
  ConfigMapVolume: ['name', 'items', 'defaultMode', 'optional'],
};

const NESTED: Record<string, Record<string, string>> = {
  Container: { env: 'EnvVar[]', volumeMounts: 'VolumeMount[]', resources: 'Resources', startupProbe: 'Probe', lifecycle: 'Lifecycle', securityContext: 'SecurityContext' },
  Probe: { httpGet: 'HTTPGetAction', exec: 'ExecAction' },
  Lifecycle: { preStop: 'LifecycleHandler' },
  LifecycleHandler: { exec: 'ExecAction' },
  SecurityContext: { capabilities: 'Capabilities' },
  Volume: { emptyDir: 'EmptyDir', secret: 'SecretVolume', configMap: 'ConfigMapVolume' },
};

function strict(obj: unknown, type: string, at: string): string[] {
  if (type.endsWith('[]')) return Array.isArray(obj) ? obj.flatMap((o, i) => strict(o, type.slice(0, -2), `${at}[${i}]`)) : [`${at}: not a list`];
  if (typeof obj !== 'object' || obj === null) return [`${at}: not an object`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (!FIELDS[type]!.includes(k)) out.push(`${at}.${k}: not a field of ${type}`);
    const sub = NESTED[type]?.[k];
    if (sub) out.push(...strict(v, sub, `${at}.${k}`));
  }
  return out;
}

/** Throws with every problem when the pod is not a valid core/v1 Pod (strict on injected containers and volumes). */
export function validatePod(pod: unknown, injected: { containers: string[]; volumes: string[] }): void {
  new PodModel(pod as ConstructorParameters<typeof PodModel>[0]).validate();
  const p = pod as { spec: { containers: { name: string }[]; initContainers?: { name: string }[]; volumes?: { name: string }[] } };
  const problems: string[] = [];
  for (const [list, items] of [['containers', p.spec.containers], ['initContainers', p.spec.initContainers ?? []]] as const) {
    items.forEach((c, i) => {
      if (injected.containers.includes(c.name)) problems.push(...strict(c, 'Container', `spec.${list}[${i}]`));
    });
  }
  (p.spec.volumes ?? []).forEach((v, i) => {
    if (injected.volumes.includes(v.name)) problems.push(...strict(v, 'Volume', `spec.volumes[${i}]`));
  });
  const names = [...p.spec.containers, ...(p.spec.initContainers ?? [])].map((c) => c.name);
  if (new Set(names).size !== names.length) problems.push(`duplicate container names: ${names.join(', ')}`);
  const vols = (p.spec.volumes ?? []).map((v) => v.name);
  if (new Set(vols).size !== vols.length) problems.push(`duplicate volume names: ${vols.join(', ')}`);
  if (problems.length > 0) throw new Error(`invalid pod:\n${problems.join('\n')}`);
}
