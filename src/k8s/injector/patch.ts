// Pod + injection plan -> the RFC 6902 JSON Patch that injects the agent, in vault-k8s's order
// (agent-inject/agent/agent.go Patch): volumes, secrets mounts in the chosen app containers and
// in the existing init containers, the init container (last, or first with
// agent-init-first), the sidecar, and agent-inject-status: injected so a second admission
// changes nothing.

import { A, VAULT_PREFIX, type InjectionPlan, type JsonPatchOp } from '../annotations/index.js';
import type { Container, Pod } from '../pod.js';
import { agentContainer, envInitContainer, injectedVolumes, secretMounts, wrapForEnv } from './containers.js';

/** RFC 6901: "~" -> "~0", "/" -> "~1". */
export function pointerEscape(s: string): string {
  return s.replaceAll('~', '~0').replaceAll('/', '~1');
}

function addAll<T>(ops: JsonPatchOp[], existing: readonly T[] | undefined, items: readonly T[], path: string): void {
  if (items.length === 0) return;
  if (existing === undefined || existing.length === 0) {
    ops.push({ op: 'add', path, value: [...items] });
    return;
  }
  for (const item of items) ops.push({ op: 'add', path: `${path}/-`, value: item });
}

function addMounts(ops: JsonPatchOp[], c: Container, plan: InjectionPlan, path: string): void {
  const taken = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
  const mounts = secretMounts(plan).filter((m) => !taken.has(m.mountPath));
  addAll(ops, c.volumeMounts, mounts, `${path}/volumeMounts`);
}

/** The patch, and the admission warnings (containers whose command the injector cannot wrap). */
export function buildPatch(pod: Pod, plan: InjectionPlan): { ops: JsonPatchOp[]; warnings: string[] } {
  const spec = pod.spec!;
  const ops: JsonPatchOp[] = [];
  const warnings: string[] = [];
  const agent = plan.init || plan.sidecar || plan.native;
  addAll(ops, spec.volumes, injectedVolumes(plan), '/spec/volumes');

  spec.containers.forEach((c, i) => {
    if (!plan.containers.includes(c.name)) return;
    if (plan.envVars.length > 0) {
      // The whole container is replaced: its command, args, env and mounts all change.
      const wrapped = wrapForEnv(c, plan);
      if (wrapped.warning) warnings.push(wrapped.warning);
      ops.push({ op: 'replace', path: `/spec/containers/${i}`, value: wrapped.container });
      if (agent) addMounts(ops, wrapped.container, plan, `/spec/containers/${i}`);
    } else if (agent) addMounts(ops, c, plan, `/spec/containers/${i}`);
  });

  const existingInit = spec.initContainers ?? [];
  const agentInit = plan.init ? agentContainer(plan, 'init') : plan.native ? agentContainer(plan, 'native') : undefined;
  if (agentInit) {
    if (plan.initFirst && existingInit.length > 0) {
      // Re-add every init container after the agent's, with the secrets mounted, as vault-k8s does.
      ops.push({ op: 'remove', path: '/spec/initContainers' });
      const withMounts = existingInit.map((c) => {
        const taken = new Set((c.volumeMounts ?? []).map((m) => m.mountPath));
        return { ...c, volumeMounts: [...(c.volumeMounts ?? []), ...secretMounts(plan).filter((m) => !taken.has(m.mountPath))] };
      });
      ops.push({ op: 'add', path: '/spec/initContainers', value: [agentInit, ...withMounts] });
    } else {
      // As vault-k8s: every existing init container gets the secrets mounts too.
      existingInit.forEach((c, i) => addMounts(ops, c, plan, `/spec/initContainers/${i}`));
      addAll(ops, spec.initContainers, [agentInit], '/spec/initContainers');
    }
  }
  if (plan.sidecar) addAll(ops, spec.containers, [agentContainer(plan, 'sidecar')], '/spec/containers');
  if (plan.envVars.length > 0) {
    // After every other init container (so after the agent's): it only has to finish before the apps start.
    const envInit = envInitContainer(plan);
    const initCount = (spec.initContainers ?? []).length + (agentInit ? 1 : 0);
    addAll(ops, initCount > 0 ? [envInit] : undefined, [envInit], '/spec/initContainers');
  }

  const annotations = pod.metadata?.annotations;
  if (annotations === undefined) ops.push({ op: 'add', path: '/metadata/annotations', value: { [VAULT_PREFIX + A.status]: 'injected' } });
  else ops.push({ op: 'add', path: `/metadata/annotations/${pointerEscape(VAULT_PREFIX + A.status)}`, value: 'injected' });
  return { ops, warnings };
}
