// The one place tests check a patched pod against Kubernetes' schemas: the strict validator in
// test/support/k8s-schema.ts (every field known to core/v1, unknown ones refused at any depth),
// plus what a schema cannot say: container and volume names unique.

import { validateStrict } from '../support/k8s-schema.js';

/** Throws with every problem when the pod is not a valid core/v1 Pod (strict: an unknown field anywhere is an error). */
export function validatePod(pod: unknown): void {
  const problems = validateStrict({ apiVersion: 'v1', kind: 'Pod', ...(pod as object) });
  const p = pod as { spec: { containers: { name: string }[]; initContainers?: { name: string }[]; volumes?: { name: string }[] } };
  const names = [...p.spec.containers, ...(p.spec.initContainers ?? [])].map((c) => c.name);
  if (new Set(names).size !== names.length) problems.push(`duplicate container names: ${names.join(', ')}`);
  const vols = (p.spec.volumes ?? []).map((v) => v.name);
  if (new Set(vols).size !== vols.length) problems.push(`duplicate volume names: ${vols.join(', ')}`);
  if (problems.length > 0) throw new Error(`invalid pod:\n${problems.join('\n')}`);
}
