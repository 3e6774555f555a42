// Pod + annotations + injector settings -> a validated injection plan, or every mistake found,
// each naming its annotation and the fix. vault-k8s's names and defaults
// (agent-inject/agent/{annotations,agent,config}.go); where vault-k8s silently ignores a bad
// value (an unknown container, a typo in a name, a path escaping the volume), this refuses it.

import { parseDurationMs } from '../../agent/config/duration.js';
import type { Pod, SecurityContext, VolumeMount } from '../pod.js';
import { A, ALL_COFFER, ALL_VAULT_EXACT, AUTH_CONFIG_FAMILY, C, COFFER_PREFIX, ENV_FAMILY, F, NO_EFFECT, NOT_YET, NOT_YET_FAMILIES, PER_SECRET_FAMILIES, VAULT_PREFIX } from './names.js';
import { supportsNativeSidecars, VAULT_K8S_RESOURCES, type InjectorSettings, type Resources } from './settings.js';
import { editDistance, isDnsLabel, isDnsSubdomain, isFileMode, isGoDuration, isQuantity, parseGoBool } from './values.js';

export interface AnnotationError {
  /** The full annotation name ("vault.hashicorp.com/role"). */
  annotation: string;
  message: string;
}

export interface SecretPlan {
  /** The name as written after the family prefix. */
  rawName: string;
  /** The file name: rawName lowercased unless preserve-secret-case. */
  name: string;
  path: string;
  template?: string;
  templateFile?: string;
  destination: string;
  perms?: string;
  command?: string;
  errorOnMissingKey: boolean;
}

/** One `coffer.dev/agent-inject-env-<VAR>: "<path>#<key>"`: a variable the app process starts with. */
export interface EnvVarPlan {
  name: string;
  path: string;
  key: string;
  /** The env_template text that reads it (KV v2 when the path's second segment is "data"). */
  template: string;
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

export interface AuthPlan {
  type: 'kubernetes' | 'approle' | 'token_file';
  mountPath: string;
  config: Record<string, string>;
  minBackoff?: string;
  maxBackoff?: string;
  exitOnErr?: boolean;
}

export interface InjectionPlan {
  namespace: string;
  image: string;
  /** Classic init container `vault-agent-init` (exit_after_auth). */
  init: boolean;
  /** Classic sidecar `vault-agent` in containers. */
  sidecar: boolean;
  /** Coffer's native sidecar: `vault-agent` in initContainers with restartPolicy: Always. */
  native: boolean;
  /** Native sidecar: app containers wait for every file (startupProbe); off with agent-pre-populate: false. */
  nativeWaitReady: boolean;
  readinessPort: number;
  initFirst: boolean;
  /** App containers that get the secrets volume. */
  containers: string[];
  secretVolumePath: string;
  /** Extra mount paths from secret-volume-path-<name>, each its own memory volume. */
  customMountPaths: string[];
  secrets: SecretPlan[];
  /** Variables for the app processes (their commands are wrapped by `coffer agent` in exec mode). */
  envVars: EnvVarPlan[];
  injectToken: boolean;
  serviceAccountMount?: VolumeMount;
  securityContext?: SecurityContext;
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  configMap?: string;
  tlsSecret?: string;
  revokeOnShutdown: boolean;
  jsonPatch?: JsonPatchOp[];
  initJsonPatch?: JsonPatchOp[];
  logLevel: string;
  vault: { address: string; caCert?: string; tlsSkipVerify: boolean };
  auth: AuthPlan;
  templateConfig: { exitOnRetryFailure: boolean; staticSecretRenderInterval?: string; leaseRenewalThreshold?: number };
  failFast: boolean;
}

export type Decision = { inject: false; reason: string; warning?: string } | { inject: true } | { inject: false; errors: AnnotationError[] };

const SYSTEM_NAMESPACES = ['kube-system', 'kube-public'];

/** Whether to inject at all: opt-in annotation, not yet injected, not a system namespace. */
export function shouldInject(pod: Pod, namespace: string): Decision {
  const ann = pod.metadata?.annotations ?? {};
  const raw = ann[VAULT_PREFIX + A.inject];
  if (raw === undefined) return { inject: false, reason: `no ${VAULT_PREFIX}${A.inject} annotation` };
  const on = parseGoBool(raw);
  if (on === undefined) return { inject: false, errors: [{ annotation: VAULT_PREFIX + A.inject, message: `must be "true" or "false", not ${JSON.stringify(raw)}` }] };
  if (!on) return { inject: false, reason: `${VAULT_PREFIX}${A.inject} is false` };
  if (ann[VAULT_PREFIX + A.status] === 'injected') return { inject: false, reason: 'already injected' };
  if (SYSTEM_NAMESPACES.includes(namespace)) {
    return { inject: false, reason: `namespace ${namespace}`, warning: `Coffer's injector never injects into ${namespace}: the pod was admitted without the agent` };
  }
  return { inject: true };
}

const METHOD_KEYS: Readonly<Record<AuthPlan['type'], { required: string[]; optional: string[] }>> = {
  kubernetes: { required: ['role'], optional: ['token_path'] },
  approle: { required: ['role_id_file_path'], optional: ['secret_id_file_path', 'remove_secret_id_file_after_reading'] },
  token_file: { required: ['token_file_path'], optional: [] },
};

const LOG_LEVELS: Readonly<Record<string, string>> = { trace: 'trace', debug: 'debug', info: 'info', notice: 'info', warn: 'warn', warning: 'warn', err: 'error', error: 'error' };

function isSaTokenMount(m: VolumeMount): boolean {
  return m.mountPath.includes('serviceaccount');
}

class Reader {
  readonly errors: AnnotationError[] = [];
  constructor(readonly ann: Readonly<Record<string, string>>) {}

  has(name: string, prefix = VAULT_PREFIX): boolean {
    return this.ann[prefix + name] !== undefined;
  }
  get(name: string, prefix = VAULT_PREFIX): string | undefined {
    return this.ann[prefix + name];
  }
  fail(name: string, message: string, prefix = VAULT_PREFIX): void {
    this.errors.push({ annotation: prefix + name, message });
  }
  bool(name: string, def: boolean, prefix = VAULT_PREFIX): boolean {
    const raw = this.get(name, prefix);
    if (raw === undefined) return def;
    const b = parseGoBool(raw);
    if (b === undefined) {
      this.fail(name, `must be "true" or "false", not ${JSON.stringify(raw)}`, prefix);
      return def;
    }
    return b;
  }
  int(name: string, def: number, min = 0): number {
    const raw = this.get(name);
    if (raw === undefined) return def;
    if (!/^\d+$/.test(raw.trim()) || Number(raw) < min) {
      this.fail(name, `must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not ${JSON.stringify(raw)}`);
      return def;
    }
    return Number(raw.trim());
  }
  duration(name: string, fallback: string): string | undefined {
    const raw = this.get(name) ?? fallback;
    if (raw === '') return undefined;
    if (!isGoDuration(raw) && !/^\d+$/.test(raw)) {
      this.fail(name, `must be a duration such as "1s", "30s" or "5m", not ${JSON.stringify(raw)}`);
      return undefined;
    }
    return raw;
  }
}

/** Unknown names under our prefixes, and vault-k8s features Coffer does not offer yet (accepted only at their defaults). */
function checkNames(r: Reader): void {
  for (const [key, value] of Object.entries(r.ann)) {
    if (key.startsWith(COFFER_PREFIX)) {
      const name = key.slice(COFFER_PREFIX.length);
      if (name.startsWith(`${ENV_FAMILY}-`)) continue;
      if (!ALL_COFFER.includes(name)) r.errors.push({ annotation: key, message: `is not a Coffer annotation${suggestion(name, ALL_COFFER, COFFER_PREFIX)}` });
      continue;
    }
    if (!key.startsWith(VAULT_PREFIX)) continue;
    const name = key.slice(VAULT_PREFIX.length);
    if (ALL_VAULT_EXACT.includes(name)) {
      const ny = NOT_YET[name];
      if (ny && value !== '' && value !== ny.default) r.errors.push({ annotation: key, message: `is not supported by Coffer yet (${ny.why}); remove it` });
      continue;
    }
    if (PER_SECRET_FAMILIES.some((f) => name.startsWith(`${f}-`)) || name.startsWith(`${AUTH_CONFIG_FAMILY}-`)) continue;
    const family = Object.keys(NOT_YET_FAMILIES).find((f) => name.startsWith(`${f}-`));
    if (family) {
      r.errors.push({ annotation: key, message: `is not supported by Coffer yet (${NOT_YET_FAMILIES[family]}); remove it` });
      continue;
    }
    const known = [...ALL_VAULT_EXACT.filter((n) => !NO_EFFECT.includes(n)), ...PER_SECRET_FAMILIES.map((f) => `${f}-NAME`), `${AUTH_CONFIG_FAMILY}-KEY`];
    r.errors.push({ annotation: key, message: `is not a vault-k8s annotation Coffer knows${suggestion(name, known, VAULT_PREFIX)}` });
  }
}

function suggestion(name: string, known: readonly string[], prefix: string): string {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const cmp = k.endsWith('-NAME') || k.endsWith('-KEY') ? k.slice(0, k.lastIndexOf('-')) : k;
    const target = cmp.length < name.length && (k.endsWith('-NAME') || k.endsWith('-KEY')) ? name.slice(0, cmp.length) : name;
    const d = editDistance(target, cmp);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 4)) ? `: did you mean ${prefix}${best}?` : '';
}

/** Per-secret annotations -> secrets, in name order (vault-k8s ranges over a Go map: unordered). */
function readSecrets(r: Reader, volumePath: string, failFast: boolean, defaultTemplate: string): { secrets: SecretPlan[]; customMountPaths: string[] } {
  const globalPreserve = r.bool(A.preserveSecretCase, false);
  const raws = new Set<string>();
  for (const [key, value] of Object.entries(r.ann)) {
    if (!key.startsWith(VAULT_PREFIX) || value.trim() === '') continue;
    const name = key.slice(VAULT_PREFIX.length);
    for (const fam of [F.secret, F.templateFile, F.template]) {
      if (name.startsWith(`${fam}-`)) {
        const raw = name.slice(fam.length + 1);
        if (raw !== '') raws.add(raw);
        break;
      }
    }
  }
  // Per-secret annotations that name no secret are mistakes (vault-k8s ignores them).
  for (const key of Object.keys(r.ann)) {
    if (!key.startsWith(VAULT_PREFIX)) continue;
    const name = key.slice(VAULT_PREFIX.length);
    for (const fam of [F.file, F.perms, F.command, F.errorOnMissingKey, F.secretVolumePath, F.preserveSecretCase]) {
      if (name.startsWith(`${fam}-`)) {
        const raw = name.slice(fam.length + 1);
        if (!raws.has(raw)) r.fail(name, `names no secret "${raw}": add ${VAULT_PREFIX}${F.secret}-${raw} (or a template for it), or fix the name`);
      }
    }
  }
  const secrets: SecretPlan[] = [];
  const customMountPaths: string[] = [];
  const destinations = new Map<string, string>();
  for (const raw of [...raws].sort()) {
    const preserveRaw = r.get(`${F.preserveSecretCase}-${raw}`);
    const preserve = preserveRaw === undefined ? globalPreserve : r.bool(`${F.preserveSecretCase}-${raw}`, globalPreserve);
    const name = preserve ? raw : raw.toLowerCase();
    const path = r.get(`${F.secret}-${raw}`) ?? '';
    const template = r.get(`${F.template}-${raw}`);
    const templateFile = template ? undefined : r.get(`${F.templateFile}-${raw}`);
    if (!template && !templateFile && path.trim() === '') {
      r.fail(`${F.secret}-${raw}`, 'needs the path of the secret in Vault, such as "secret/data/myapp/config"');
      continue;
    }
    let mountPath = volumePath;
    const custom = r.get(`${F.secretVolumePath}-${raw}`);
    if (custom !== undefined) {
      if (!custom.startsWith('/')) r.fail(`${F.secretVolumePath}-${raw}`, `must be an absolute path such as /vault/other, not ${JSON.stringify(custom)}`);
      else {
        mountPath = custom.replace(/\/+$/, '') || '/';
        if (mountPath !== volumePath && !customMountPaths.includes(mountPath)) customMountPaths.push(mountPath);
      }
    }
    const file = r.get(`${F.file}-${raw}`);
    let destination = `${mountPath}/${name}`;
    if (file !== undefined && file !== '') {
      const parts = file.split('/').filter((p) => p !== '' && p !== '.');
      if (parts.includes('..') || parts.length === 0) {
        r.fail(`${F.file}-${raw}`, `must be a file name inside ${mountPath} (no ".."), not ${JSON.stringify(file)}`);
        continue;
      }
      destination = `${mountPath}/${parts.join('/')}`;
    } else if (name.includes('/')) {
      r.fail(`${F.secret}-${raw}`, 'the name after agent-inject-secret- is the file name and cannot hold "/": use agent-inject-file-NAME for a sub-path');
      continue;
    }
    const prev = destinations.get(destination);
    if (prev !== undefined) {
      r.fail(`${F.secret}-${raw}`, `renders to ${destination}, as secret "${prev}" does: give one of them another agent-inject-file-NAME`);
      continue;
    }
    destinations.set(destination, raw);
    const s: SecretPlan = { rawName: raw, name, path, destination, errorOnMissingKey: failFast };
    if (template) s.template = template;
    else if (templateFile) {
      if (!templateFile.startsWith('/')) r.fail(`${F.templateFile}-${raw}`, `must be an absolute path of a file in the agent's container (e.g. from agent-configmap at /vault/configs), not ${JSON.stringify(templateFile)}`);
      s.templateFile = templateFile;
    } else {
      s.template =
        defaultTemplate === 'json'
          ? `{{ with secret "${path}" }}{{ .Data | toJSON }}\n{{ end }}`
          : `{{ with secret "${path}" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}`;
    }
    const perms = r.get(`${F.perms}-${raw}`);
    if (perms !== undefined && perms !== '') {
      if (!isFileMode(perms)) r.fail(`${F.perms}-${raw}`, `must be an octal file mode such as "0400" or "0640", not ${JSON.stringify(perms)}`);
      else s.perms = perms.length === 3 ? `0${perms}` : perms;
    }
    const command = r.get(`${F.command}-${raw}`);
    if (command !== undefined && command.trim() !== '') s.command = command;
    if (r.has(`${F.errorOnMissingKey}-${raw}`)) s.errorOnMissingKey = r.bool(`${F.errorOnMissingKey}-${raw}`, failFast);
    secrets.push(s);
  }
  return { secrets, customMountPaths };
}

/**
 * `coffer.dev/agent-inject-env-<VAR>: "<path>#<key>"` -> variables, in name order. The path and
 * key go into template text, so only characters that cannot end a string or an action are taken.
 */
function readEnvVars(r: Reader): EnvVarPlan[] {
  const out: EnvVarPlan[] = [];
  for (const [annotation, value] of Object.entries(r.ann)) {
    if (!annotation.startsWith(`${COFFER_PREFIX}${ENV_FAMILY}-`)) continue;
    const short = annotation.slice(COFFER_PREFIX.length);
    const name = short.slice(ENV_FAMILY.length + 1);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      r.fail(short, `"${name}" is not an environment variable name (letters, digits and _, not starting with a digit)`, COFFER_PREFIX);
      continue;
    }
    const m = /^([A-Za-z0-9._@:/-]+)#([A-Za-z0-9._-]+)$/.exec(value.trim());
    if (!m) {
      r.fail(short, `must be "<path>#<key>" such as "secret/data/myapp/config#password" (path and key of letters, digits, . _ - and the path's /), not ${JSON.stringify(value)}`, COFFER_PREFIX);
      continue;
    }
    const path = m[1]!.replace(/^\/+|\/+$/g, '');
    const key = m[2]!;
    const kv2 = path.split('/')[1] === 'data';
    const data = kv2 ? '.Data.data' : '.Data';
    const field = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${data}.${key}` : `index ${data} "${key}"`;
    out.push({ name, path, key, template: `{{ with secret "${path}" }}{{ ${field} }}{{ end }}` });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readResources(r: Reader, base: Resources): InjectionPlan['resources'] {
  const out: InjectionPlan['resources'] = { requests: {}, limits: {} };
  const fields: [string, keyof Resources, 'requests' | 'limits', string][] = [
    [A.requestsCpu, 'cpuRequest', 'requests', 'cpu'],
    [A.requestsMem, 'memRequest', 'requests', 'memory'],
    [A.requestsEphemeral, 'ephemeralRequest', 'requests', 'ephemeral-storage'],
    [A.limitsCpu, 'cpuLimit', 'limits', 'cpu'],
    [A.limitsMem, 'memLimit', 'limits', 'memory'],
    [A.limitsEphemeral, 'ephemeralLimit', 'limits', 'ephemeral-storage'],
  ];
  for (const [ann, field, kind, res] of fields) {
    const v = (r.get(ann) ?? base[field]).trim();
    if (v === '') continue;
    if (!isQuantity(v)) {
      r.fail(ann, `must be a Kubernetes quantity such as ${res === 'cpu' ? '"100m" or "0.5"' : '"64Mi" or "1Gi"'}, not ${JSON.stringify(v)}`);
      continue;
    }
    out[kind][res] = v;
  }
  return out;
}

function readAuth(r: Reader, s: InjectorSettings, sa: VolumeMount | undefined): AuthPlan | undefined {
  const typeRaw = r.get(A.authType) ?? s.authType;
  const type = typeRaw.toLowerCase();
  if (type !== 'kubernetes' && type !== 'approle' && type !== 'token_file') {
    r.fail(A.authType, `"${typeRaw}" is not supported by Coffer's agent: use kubernetes, approle or token_file`);
    return undefined;
  }
  const mountPath = (r.get(A.authPath) ?? s.authPath).replace(/^\/+|\/+$/g, '');
  if (!mountPath.startsWith('auth/') || mountPath === 'auth/') {
    r.fail(A.authPath, `must be the full path of the auth mount, such as "auth/${mountPath || type}", not ${JSON.stringify(r.get(A.authPath) ?? s.authPath)}`);
  }
  const config: Record<string, string> = {};
  const spec = METHOD_KEYS[type];
  for (const [key, value] of Object.entries(r.ann)) {
    if (!key.startsWith(`${VAULT_PREFIX}${AUTH_CONFIG_FAMILY}-`)) continue;
    const param = key.slice(`${VAULT_PREFIX}${AUTH_CONFIG_FAMILY}-`.length).replaceAll('-', '_');
    if (![...spec.required, ...spec.optional].includes(param)) {
      r.fail(`${AUTH_CONFIG_FAMILY}-${key.slice(`${VAULT_PREFIX}${AUTH_CONFIG_FAMILY}-`.length)}`, `"${param}" is not a setting of the ${type} method (it has ${[...spec.required, ...spec.optional].join(', ')})`);
      continue;
    }
    config[param] = value;
  }
  // vault-k8s adds `role` to every method's config; only the kubernetes method has one (Vault's
  // other methods ignore it, Coffer's agent would refuse it), so it goes to kubernetes only.
  const role = r.get(A.role);
  if (role !== undefined && role !== '' && type === 'kubernetes') config.role = role;
  if (type === 'kubernetes') {
    if (!config.role) r.fail(A.role, 'is required for the kubernetes auth method: set it to the name of a role of that auth mount');
    if (config.token_path === undefined) {
      if (sa) config.token_path = `${sa.mountPath.replace(/\/+$/, '')}/token`;
      else
        r.fail(A.authType, 'the kubernetes auth method needs the pod\'s service-account token, but no container mounts it: set automountServiceAccountToken: true, or give auth-config-token-path');
    }
  } else {
    for (const k of spec.required) if (!config[k]) r.fail(`${AUTH_CONFIG_FAMILY}-${k.replaceAll('_', '-')}`, `is required for the ${type} auth method`);
  }
  const a: AuthPlan = { type, mountPath, config };
  const min = r.duration(A.authMinBackoff, s.authMinBackoff);
  const max = r.duration(A.authMaxBackoff, s.authMaxBackoff);
  if (min) a.minBackoff = min;
  if (max) a.maxBackoff = max;
  if (min && max && parseDurationMs(min) > parseDurationMs(max)) r.fail(A.authMinBackoff, `(${min}) is longer than ${VAULT_PREFIX}${A.authMaxBackoff} (${max})`);
  if (r.has(A.autoAuthExitOnErr)) a.exitOnErr = r.bool(A.autoAuthExitOnErr, false);
  return a;
}

function readSecurityContext(r: Reader, s: InjectorSettings, pod: Pod): SecurityContext | undefined {
  const userSet = r.has(A.runAsUser) || r.has(A.runAsGroup) || r.has(A.runAsSameUser);
  const set = r.bool(A.setSecurityContext, s.setSecurityContext || userSet);
  let uid = r.int(A.runAsUser, s.runAsUser);
  const gid = r.int(A.runAsGroup, s.runAsGroup);
  if (r.bool(A.runAsSameUser, s.runAsSameUser)) {
    const first = pod.spec?.containers?.[0]?.securityContext?.runAsUser;
    if (first === undefined) r.fail(A.runAsSameUser, 'needs spec.containers[0].securityContext.runAsUser to be set');
    else if (first === 0) r.fail(A.runAsSameUser, 'the first container runs as root (runAsUser: 0); the agent will not');
    else uid = first;
  }
  if (!set) return undefined;
  return {
    runAsUser: uid,
    runAsGroup: gid,
    runAsNonRoot: !(uid === 0 || gid === 0),
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
  };
}

function readJsonPatch(r: Reader, name: string): JsonPatchOp[] | undefined {
  const raw = r.get(name);
  if (raw === undefined || raw.trim() === '') return undefined;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (e) {
    r.fail(name, `is not JSON (${(e as Error).message}); write an RFC 6902 patch such as [{"op":"add","path":"/env/-","value":{"name":"X","value":"1"}}]`);
    return undefined;
  }
  const ops = ['add', 'remove', 'replace', 'move', 'copy', 'test'];
  if (!Array.isArray(v) || !v.every((o) => typeof o === 'object' && o !== null && ops.includes((o as JsonPatchOp).op) && typeof (o as JsonPatchOp).path === 'string')) {
    r.fail(name, 'must be a JSON array of RFC 6902 operations, each with "op" (add, remove, replace, move, copy, test) and "path"');
    return undefined;
  }
  return v as JsonPatchOp[];
}

/** Builds the plan for a pod that shouldInject() said yes to. */
export function buildPlan(pod: Pod, namespace: string, s: InjectorSettings): { plan: InjectionPlan } | { errors: AnnotationError[] } {
  const r = new Reader(pod.metadata?.annotations ?? {});
  checkNames(r);
  const appContainers = (pod.spec?.containers ?? []).map((c) => c.name);
  if (appContainers.length === 0) r.errors.push({ annotation: VAULT_PREFIX + A.inject, message: 'the pod has no containers to inject into' });

  const failFast = r.bool(C.failFast, true, COFFER_PREFIX);
  const resDefaults = r.get(C.resourceDefaults, COFFER_PREFIX);
  if (resDefaults !== undefined && resDefaults !== 'coffer' && resDefaults !== 'vault-k8s') r.fail(C.resourceDefaults, `must be "coffer" or "vault-k8s", not ${JSON.stringify(resDefaults)}`, COFFER_PREFIX);

  const prePopulate = r.bool(A.prePopulate, true);
  const prePopulateOnly = r.bool(A.prePopulateOnly, false);
  const initFirst = r.bool(A.initFirst, false);

  let native = supportsNativeSidecars(s.kubeVersion);
  if (r.has(C.nativeSidecar, COFFER_PREFIX)) {
    native = r.bool(C.nativeSidecar, native, COFFER_PREFIX);
    if (native && s.kubeVersion && !supportsNativeSidecars(s.kubeVersion)) {
      r.fail(C.nativeSidecar, `needs Kubernetes 1.29 or later, and the injector was told this cluster runs ${s.kubeVersion.major}.${s.kubeVersion.minor}: remove the annotation`, COFFER_PREFIX);
    }
  }
  const readinessPort = r.has(C.readinessPort, COFFER_PREFIX) ? Number(r.get(C.readinessPort, COFFER_PREFIX)) : s.readinessPort;
  if (!Number.isInteger(readinessPort) || readinessPort < 1 || readinessPort > 65535) r.fail(C.readinessPort, 'must be a port number from 1 to 65535', COFFER_PREFIX);

  const defaultTemplate = (r.get(A.defaultTemplate) ?? s.defaultTemplate).toLowerCase();
  if (defaultTemplate !== 'map' && defaultTemplate !== 'json') r.fail(A.defaultTemplate, `must be "map" or "json", not ${JSON.stringify(r.get(A.defaultTemplate))}`);

  let secretVolumePath = r.get(A.secretVolumePath) ?? '/vault/secrets';
  if (!secretVolumePath.startsWith('/')) r.fail(A.secretVolumePath, `must be an absolute path such as /vault/secrets, not ${JSON.stringify(secretVolumePath)}`);
  secretVolumePath = secretVolumePath.replace(/\/+$/, '') || '/';
  if (secretVolumePath === '/' || appContainers.length > 0 && ['/etc', '/usr', '/bin', '/lib', '/var'].includes(secretVolumePath)) {
    r.fail(A.secretVolumePath, `would mount the secrets volume over all of ${secretVolumePath} in the app containers: use a directory of its own such as /vault/secrets`);
  }

  let containers = appContainers;
  const only = r.get(A.containers);
  if (only !== undefined && only.trim() !== '') {
    containers = only.split(',').map((c) => c.trim()).filter((c) => c !== '');
    const unknown = containers.filter((c) => !appContainers.includes(c));
    if (unknown.length > 0) r.fail(A.containers, `names no container of this pod: ${unknown.join(', ')} (the pod has ${appContainers.join(', ')})`);
  }

  const { secrets, customMountPaths } = readSecrets(r, secretVolumePath, failFast, defaultTemplate);
  const injectToken = r.bool(A.token, false);
  const envVars = readEnvVars(r);

  const sa = pod.spec?.containers?.flatMap((c) => c.volumeMounts ?? []).find(isSaTokenMount);
  const configMap = r.get(A.configMap);
  if (configMap !== undefined && configMap !== '' && !isDnsSubdomain(configMap)) r.fail(A.configMap, `is not a ConfigMap name: ${JSON.stringify(configMap)}`);
  const tlsSecret = r.get(A.tlsSecret);
  if (tlsSecret !== undefined && tlsSecret !== '' && !isDnsSubdomain(tlsSecret)) r.fail(A.tlsSecret, `is not a Secret name: ${JSON.stringify(tlsSecret)}`);
  const auth = readAuth(r, s, sa);

  const address = r.get(A.service) ?? s.vaultAddress;
  if (address === '') r.fail(A.service, "no Vault address: set this annotation or the injector's -vault-address");
  else if (!/^https?:\/\/[^/]/.test(address)) r.fail(A.service, `must be a URL such as "https://coffer.coffer.svc:8200", not ${JSON.stringify(address)}`);
  const caCert = r.get(A.caCert);
  if (caCert !== undefined && caCert !== '' && !caCert.startsWith('/')) r.fail(A.caCert, `must be the absolute path of a PEM file in the agent's container (e.g. /vault/tls/ca.crt from tls-secret), not ${JSON.stringify(caCert)}`);

  const logRaw = (r.get(A.logLevel) ?? s.agentLogLevel).trim().toLowerCase();
  const logLevel = LOG_LEVELS[logRaw];
  if (logLevel === undefined) r.fail(A.logLevel, `must be one of trace, debug, info, warn, error, not ${JSON.stringify(r.get(A.logLevel))}`);

  const exitOnRetryFailure = r.bool(A.exitOnRetryFailure, s.exitOnRetryFailure);
  const interval = r.duration(A.staticSecretRenderInterval, s.staticSecretRenderInterval);
  const thresholdRaw = r.get(A.leaseRenewalThreshold);
  let leaseRenewalThreshold: number | undefined;
  if (thresholdRaw !== undefined && thresholdRaw !== '') {
    const n = Number(thresholdRaw);
    if (!(n > 0 && n <= 1)) r.fail(A.leaseRenewalThreshold, `must be a fraction between 0 and 1 such as 0.9, not ${JSON.stringify(thresholdRaw)}`);
    else leaseRenewalThreshold = n;
  }

  const image = r.get(A.image) ?? s.image;
  if (image.trim() === '') r.fail(A.image, 'is empty: name an image that puts coffer on PATH');
  const securityContext = readSecurityContext(r, s, pod);
  const resources = readResources(r, resDefaults === 'vault-k8s' ? VAULT_K8S_RESOURCES : s.resources);
  const revokeOnShutdown = r.bool(A.revokeOnShutdown, s.revokeOnShutdown);
  r.int(A.revokeGrace, 5);
  const jsonPatch = readJsonPatch(r, A.jsonPatch);
  const initJsonPatch = readJsonPatch(r, A.initJsonPatch);

  const agentNeeded = secrets.length > 0 || injectToken || Boolean(configMap);
  if (!agentNeeded && envVars.length === 0) {
    r.errors.push({ annotation: VAULT_PREFIX + A.inject, message: `is true but asks for nothing: add ${VAULT_PREFIX}${F.secret}-NAME: "PATH" (or agent-inject-token, agent-configmap, or ${COFFER_PREFIX}${ENV_FAMILY}-VAR: "PATH#KEY")` });
  }
  for (const c of appContainers) if (!isDnsLabel(c)) r.errors.push({ annotation: VAULT_PREFIX + A.containers, message: `container name ${JSON.stringify(c)} is not valid` });

  if (r.errors.length > 0 || !auth || !logLevel) return { errors: r.errors };

  // Variables only: each wrapped app process logs in by itself, so no agent container is added.
  const nativeOn = agentNeeded && native && !prePopulateOnly;
  const plan: InjectionPlan = {
    namespace,
    image,
    init: nativeOn || !agentNeeded ? false : prePopulate || prePopulateOnly,
    sidecar: nativeOn || !agentNeeded ? false : !prePopulateOnly,
    native: nativeOn,
    nativeWaitReady: nativeOn && prePopulate,
    readinessPort,
    initFirst,
    containers,
    secretVolumePath,
    customMountPaths,
    secrets,
    envVars,
    injectToken,
    resources,
    revokeOnShutdown,
    logLevel,
    vault: { address, tlsSkipVerify: r.bool(A.tlsSkipVerify, false) },
    auth,
    templateConfig: { exitOnRetryFailure },
    failFast,
  };
  if (sa) plan.serviceAccountMount = { name: sa.name, mountPath: sa.mountPath, readOnly: true };
  if (securityContext) plan.securityContext = securityContext;
  if (configMap) plan.configMap = configMap;
  if (tlsSecret) plan.tlsSecret = tlsSecret;
  if (caCert) plan.vault.caCert = caCert;
  if (interval) plan.templateConfig.staticSecretRenderInterval = interval;
  if (leaseRenewalThreshold !== undefined) plan.templateConfig.leaseRenewalThreshold = leaseRenewalThreshold;
  if (jsonPatch) plan.jsonPatch = jsonPatch;
  if (initJsonPatch) plan.initJsonPatch = initJsonPatch;
  if (r.errors.length > 0) return { errors: r.errors };
  return { plan };
}
