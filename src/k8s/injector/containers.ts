// An injection plan -> the containers and volumes to add, named as vault-k8s names them
// (vault-agent-init, vault-agent, vault-secrets, home-init, home-sidecar, vault-config,
// vault-tls-secrets). Each agent container runs `coffer agent -config-env=VAULT_CONFIG` (exec
// form: no shell needed in the image) with its configuration in VAULT_CONFIG (base64 JSON, as
// vault-k8s), and mounts the service-account token exactly where the app containers have it.

import fastJsonPatch from 'fast-json-patch';
import { agentConfig, envAgentConfig, AGENT_HOME, encodeAgentConfig, VAULT_PREFIX, COFFER_PREFIX, ENV_FAMILY, A, type AgentKind, type AnnotationError, type InjectionPlan, type JsonPatchOp } from '../annotations/index.js';
import { LAUNCHER_DIR, launcherPrefix } from '../launcher/index.js';
import type { Container, EnvVar, Volume, VolumeMount } from '../pod.js';

export const SECRETS_VOLUME = 'vault-secrets';
export const HOME_INIT_VOLUME = 'home-init';
export const HOME_SIDECAR_VOLUME = 'home-sidecar';
export const CONFIG_VOLUME = 'vault-config';
export const CONFIG_PATH = '/vault/configs';
export const TLS_VOLUME = 'vault-tls-secrets';
export const TLS_PATH = '/vault/tls';
export const INIT_NAME = 'vault-agent-init';
export const SIDECAR_NAME = 'vault-agent';
export const ENV_INIT_NAME = 'coffer-env-init';
export const LAUNCHER_VOLUME = 'coffer-launcher';
export const ENV_CONFIG_VAR = 'COFFER_ENV_CONFIG';

const memoryDir = (name: string): Volume => ({ name, emptyDir: { medium: 'Memory' } });

/** The volumes the injection adds, in vault-k8s's order. */
export function injectedVolumes(plan: InjectionPlan): Volume[] {
  const v: Volume[] = [];
  if (plan.init) v.push(memoryDir(HOME_INIT_VOLUME));
  if (plan.sidecar || plan.native) v.push(memoryDir(HOME_SIDECAR_VOLUME));
  if (plan.init || plan.sidecar || plan.native) v.push(memoryDir(SECRETS_VOLUME));
  plan.customMountPaths.forEach((_, i) => v.push(memoryDir(`${SECRETS_VOLUME}-custom-${i}`)));
  // Node, its libraries and Coffer's code (~100 MiB, no secret): on disk, not in the pod's memory.
  if (plan.envVars.length > 0) v.push({ name: LAUNCHER_VOLUME, emptyDir: {} });
  if (plan.configMap) v.push({ name: CONFIG_VOLUME, configMap: { name: plan.configMap } });
  if (plan.tlsSecret) v.push({ name: TLS_VOLUME, secret: { secretName: plan.tlsSecret } });
  return v;
}

/** The secrets volume mounts (shared with the app containers). */
export function secretMounts(plan: InjectionPlan): VolumeMount[] {
  return [
    { name: SECRETS_VOLUME, mountPath: plan.secretVolumePath, readOnly: false },
    ...plan.customMountPaths.map((p, i) => ({ name: `${SECRETS_VOLUME}-custom-${i}`, mountPath: p, readOnly: false })),
  ];
}

function env(plan: InjectionPlan, kind: AgentKind): EnvVar[] {
  const out: EnvVar[] = [{ name: 'VAULT_LOG_LEVEL', value: plan.logLevel }];
  if (!plan.configMap) out.push({ name: 'VAULT_CONFIG', value: encodeAgentConfig(agentConfig(plan, kind)) });
  // For `coffer token revoke -self` in the preStop hook: the CLI's address and its token helper (~/.vault-token).
  out.push({ name: 'VAULT_ADDR', value: plan.vault.address }, { name: 'HOME', value: AGENT_HOME });
  return out;
}

function command(plan: InjectionPlan, kind: AgentKind): string[] {
  if (plan.configMap) return ['coffer', 'agent', `-config=${CONFIG_PATH}/${kind === 'init' ? 'config-init.hcl' : 'config.hcl'}`];
  return ['coffer', 'agent', '-config-env=VAULT_CONFIG'];
}

export class ContainerPatchError extends Error {
  constructor(readonly error: AnnotationError) {
    super(`${error.annotation}: ${error.message}`);
  }
}

function applyContainerPatch(c: Container, ops: JsonPatchOp[] | undefined, annotation: string): Container {
  if (!ops) return c;
  let out: unknown;
  try {
    out = fastJsonPatch.applyPatch(structuredClone(c), ops as fastJsonPatch.Operation[], true, false).newDocument;
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new ContainerPatchError({ annotation: VAULT_PREFIX + annotation, message: `cannot be applied to the ${c.name} container: ${why}` });
  }
  const patched = out as Container;
  if (typeof patched !== 'object' || patched === null || typeof patched.name !== 'string' || patched.name === '') {
    throw new ContainerPatchError({ annotation: VAULT_PREFIX + annotation, message: 'leaves the container without a name' });
  }
  return patched;
}

/** One agent container: kind init (vault-agent-init), sidecar or native (both vault-agent). */
export function agentContainer(plan: InjectionPlan, kind: AgentKind): Container {
  const mounts: VolumeMount[] = [{ name: kind === 'init' ? HOME_INIT_VOLUME : HOME_SIDECAR_VOLUME, mountPath: AGENT_HOME, readOnly: false }];
  if (plan.serviceAccountMount) mounts.push({ ...plan.serviceAccountMount, readOnly: true });
  mounts.push(...secretMounts(plan));
  if (plan.configMap) mounts.push({ name: CONFIG_VOLUME, mountPath: CONFIG_PATH, readOnly: true });
  if (plan.tlsSecret) mounts.push({ name: TLS_VOLUME, mountPath: TLS_PATH, readOnly: true });
  const c: Container = {
    name: kind === 'init' ? INIT_NAME : SIDECAR_NAME,
    image: plan.image,
    command: command(plan, kind),
    env: env(plan, kind),
    resources: { requests: { ...plan.resources.requests }, limits: { ...plan.resources.limits } },
    volumeMounts: mounts,
  };
  if (kind === 'native') {
    c.restartPolicy = 'Always';
    if (plan.nativeWaitReady) {
      c.startupProbe = { httpGet: { path: '/ready', port: plan.readinessPort }, periodSeconds: 1, timeoutSeconds: 1, failureThreshold: 300 };
    }
  }
  if (plan.revokeOnShutdown && kind !== 'init') c.lifecycle = { preStop: { exec: { command: ['coffer', 'token', 'revoke', '-self'] } } };
  if (plan.securityContext) c.securityContext = structuredClone(plan.securityContext);
  return applyContainerPatch(c, kind === 'init' ? plan.initJsonPatch : plan.jsonPatch, kind === 'init' ? A.initJsonPatch : A.jsonPatch);
}

/** coffer-env-init: copies the launcher into the shared volume before the app containers start. */
export function envInitContainer(plan: InjectionPlan): Container {
  const c: Container = {
    name: ENV_INIT_NAME,
    image: plan.image,
    command: ['coffer', 'launcher', 'install', LAUNCHER_DIR],
    resources: { requests: { ...plan.resources.requests }, limits: { ...plan.resources.limits } },
    volumeMounts: [{ name: LAUNCHER_VOLUME, mountPath: LAUNCHER_DIR, readOnly: false }],
  };
  if (plan.securityContext) c.securityContext = structuredClone(plan.securityContext);
  return c;
}

/**
 * An app container whose process gets coffer.dev/agent-inject-env-* variables: its command becomes
 * `coffer agent` (run from the launcher volume) and its original command and args follow `--` in
 * args, so the kubelet still expands $(VAR) in them. Without a command in the pod spec the image's
 * entrypoint is unknown here: the container then runs `coffer launcher no-command`, which says so
 * and exits 1, and the admission response carries a warning.
 */
export function wrapForEnv(c: Container, plan: InjectionPlan): { container: Container; warning?: string } {
  const out: Container = structuredClone(c);
  const mounts = [...(out.volumeMounts ?? [])];
  if (!mounts.some((m) => m.mountPath === LAUNCHER_DIR)) mounts.push({ name: LAUNCHER_VOLUME, mountPath: LAUNCHER_DIR, readOnly: true });
  if (plan.serviceAccountMount && !mounts.some((m) => m.mountPath === plan.serviceAccountMount!.mountPath)) mounts.push({ ...plan.serviceAccountMount, readOnly: true });
  out.volumeMounts = mounts;
  if (!c.command || c.command.length === 0) {
    out.command = [...launcherPrefix(), 'launcher', 'no-command', c.name];
    delete out.args;
    const warning =
      `container "${c.name}" sets no command, so Coffer's injector cannot wrap the image's entrypoint to give it ${COFFER_PREFIX}${ENV_FAMILY}-* variables: ` +
      'the container will exit with this explanation; set command (and args) in the pod spec';
    return { container: out, warning };
  }
  out.command = [...launcherPrefix(), 'agent', `-config-env=${ENV_CONFIG_VAR}`, '--'];
  out.args = [...c.command, ...(c.args ?? [])];
  out.env = [...(out.env ?? []).filter((e) => e.name !== ENV_CONFIG_VAR), { name: ENV_CONFIG_VAR, value: encodeAgentConfig(envAgentConfig(plan)) }];
  return { container: out };
}
