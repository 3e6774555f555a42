// Which pod templates consume which Secrets, and how: env[].valueFrom.secretKeyRef, envFrom[].secretRef
// and secret volumes (with items, defaultMode, mode) are what the injector can deliver instead;
// everything else that names a Secret (imagePullSecrets, projected volumes, init containers, an
// Ingress's tls, any other object's `secretName`) makes the file unsafe to rewrite. Also unsafe: what
// would make the injected pod behave differently (a container without command for env delivery,
// $(VAR) references to a moved variable, no service-account token, containers given different sets).

import { isAlias, isMap, isPair, isScalar, isSeq, visit, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { get, lineOf, str } from './secrets.js';
import type { SourceFile } from './source.js';
import type { SecretSource } from './types.js';

export interface PodTemplate {
  file: string;
  chunk: number;
  /** "Deployment default/web". */
  label: string;
  namespace: string;
  serviceAccount: string;
  /** The map holding metadata and spec (the Pod itself, or spec.template). */
  template: YAMLMap;
  spec: YAMLMap;
  line: number;
}

export interface EnvUse {
  kind: 'env';
  secret: string;
  container: YAMLMap;
  containerName: string;
  seq: YAMLSeq;
  entry: Node;
  variable: string;
  key: string;
  /** optional: true and the key is not in the Secret: the variable was never set; the entry just goes. */
  dropOnly: boolean;
}

export interface EnvFromUse {
  kind: 'envFrom';
  secret: string;
  container: YAMLMap;
  containerName: string;
  seq: YAMLSeq;
  entry: Node;
  vars: Array<{ variable: string; key: string }>;
}

export interface VolumeUse {
  kind: 'volume';
  secret: string;
  volumeName: string;
  volumes: YAMLSeq;
  entry: Node;
  mounts: Array<{ container: YAMLMap; containerName: string; seq: YAMLSeq; entry: Node }>;
  mountPath: string;
  files: Array<{ key: string; path: string; mode: number }>;
}

export type Use = EnvUse | EnvFromUse | VolumeUse;

export interface TemplateUses {
  template: PodTemplate;
  uses: Use[];
  /** Reasons this template cannot be rewritten safely, each with the Secret it is about. */
  unsafe: Array<{ secret: string; message: string }>;
}

const TEMPLATE_AT: Readonly<Record<string, string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export function podTemplates(file: SourceFile, defaultNamespace: string): PodTemplate[] {
  const out: PodTemplate[] = [];
  file.chunks.forEach((c, i) => {
    const root = c.doc?.contents;
    if (!isMap(root)) return;
    const kind = str(get(root, 'kind')) ?? '';
    const at = TEMPLATE_AT[kind];
    if (!at) return;
    let t: unknown = root;
    for (const k of at) t = get(t, k);
    const spec = get(t, 'spec');
    if (!isMap(t) || !isMap(spec)) return;
    const meta = get(root, 'metadata');
    const namespace = str(get(meta, 'namespace')) ?? defaultNamespace;
    const sa = str(get(spec, 'serviceAccountName')) ?? str(get(spec, 'serviceAccount')) ?? 'default';
    out.push({ file: file.path, chunk: i, label: `${kind} ${namespace}/${str(get(meta, 'name')) ?? '(no name)'}`, namespace, serviceAccount: sa, template: t, spec, line: lineOf(file, i, t.range?.[0] ?? 0) });
  });
  return out;
}

const maps = (n: unknown): YAMLMap[] => (isSeq(n) ? n.items.filter((i): i is YAMLMap => isMap(i)) : []);
const isEnvName = (s: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s);

function boolOf(n: unknown): boolean {
  return isScalar(n) && n.value === true;
}

function modeOf(n: unknown): number | undefined {
  return isScalar(n) && typeof n.value === 'number' && Number.isInteger(n.value) ? n.value : undefined;
}

/** Every scalar of a subtree, with the key it sits under (for $(VAR) and name references). */
function scalars(n: unknown, key: string, out: Array<{ key: string; value: string; node: Node }>): void {
  if (isScalar(n)) {
    if (typeof n.value === 'string') out.push({ key, value: n.value, node: n });
  } else if (isMap(n)) {
    for (const p of n.items) if (isPair(p)) scalars(p.value, str(p.key) ?? '', out);
  } else if (isSeq(n)) for (const i of n.items) scalars(i, key, out);
}

export function analyseTemplate(t: PodTemplate, secrets: ReadonlyMap<string, SecretSource>, login: { role: string; authPath: string }): TemplateUses {
  const result: TemplateUses = { template: t, uses: [], unsafe: [] };
  const byName = (name: string | undefined): SecretSource | undefined => (name === undefined ? undefined : secrets.get(`${t.namespace}/${name}`));
  const unsafe = (s: SecretSource, message: string): void => {
    result.unsafe.push({ secret: s.id, message: `${t.label}: ${message}` });
  };
  const handled = new Set<Node>();
  const containers = maps(get(t.spec, 'containers'));
  const volumes = get(t.spec, 'volumes');

  // Secret volumes first: the containers' mounts of them are looked up below.
  const volumeUses = new Map<string, VolumeUse>();
  if (isSeq(volumes)) {
    for (const v of maps(volumes)) {
      const vname = str(get(v, 'name')) ?? '';
      const sec = get(v, 'secret');
      if (isMap(sec)) {
        const s = byName(str(get(sec, 'secretName')));
        if (!s) continue;
        handled.add(get(sec, 'secretName') as Node);
        const optional = boolOf(get(sec, 'optional'));
        const defaultMode = modeOf(get(sec, 'defaultMode')) ?? 0o644;
        const files: VolumeUse['files'] = [];
        const items = get(sec, 'items');
        if (isSeq(items)) {
          for (const it of maps(items)) {
            const key = str(get(it, 'key')) ?? '';
            const path = str(get(it, 'path')) ?? key;
            if (!(key in s.data)) {
              if (!optional) unsafe(s, `volume "${vname}" asks for key "${key}", which Secret ${s.id} does not have (the pod could not start)`);
              continue;
            }
            files.push({ key, path, mode: modeOf(get(it, 'mode')) ?? defaultMode });
          }
        } else for (const key of Object.keys(s.data)) files.push({ key, path: key, mode: defaultMode });
        volumeUses.set(vname, { kind: 'volume', secret: s.id, volumeName: vname, volumes, entry: v, mounts: [], mountPath: '', files });
      }
      const projected = get(v, 'projected');
      for (const src of maps(get(projected, 'sources'))) {
        const ps = get(src, 'secret');
        const s = byName(str(get(ps, 'name')));
        if (s) {
          handled.add(get(ps, 'name') as Node);
          unsafe(s, `projected volume "${vname}" takes Secret ${s.name}; the injector renders into a volume of its own, so rewrite it by hand`);
        }
      }
    }
  }

  const envSets = new Map<string, string[]>();
  for (const c of containers) {
    const cname = str(get(c, 'name')) ?? '';
    const delivered: string[] = [];
    const env = get(c, 'env');
    const explicit = new Set(maps(env).map((e) => str(get(e, 'name')) ?? ''));
    const moved = new Map<string, SecretSource>();
    if (isSeq(env)) {
      for (const e of maps(env)) {
        const ref = get(get(e, 'valueFrom'), 'secretKeyRef');
        const s = byName(str(get(ref, 'name')));
        if (!s) continue;
        handled.add(get(ref, 'name') as Node);
        const variable = str(get(e, 'name')) ?? '';
        const key = str(get(ref, 'key')) ?? '';
        const has = key in s.data;
        if (!has && !boolOf(get(ref, 'optional'))) unsafe(s, `container "${cname}" env ${variable} asks for key "${key}", which Secret ${s.id} does not have (the pod could not start)`);
        result.uses.push({ kind: 'env', secret: s.id, container: c, containerName: cname, seq: env, entry: e, variable, key, dropOnly: !has });
        if (has) {
          delivered.push(`${variable}=${s.id}#${key}`);
          moved.set(variable, s);
        }
      }
    }
    const envFrom = get(c, 'envFrom');
    if (isSeq(envFrom)) {
      const entries = maps(envFrom);
      entries.forEach((e, idx) => {
        const ref = get(e, 'secretRef');
        const s = byName(str(get(ref, 'name')));
        if (!s) return;
        handled.add(get(ref, 'name') as Node);
        const prefix = str(get(e, 'prefix')) ?? '';
        const vars: EnvFromUse['vars'] = [];
        for (const key of Object.keys(s.data)) {
          const variable = prefix + key;
          if (!isEnvName(variable)) {
            unsafe(s, `container "${cname}" envFrom gives key "${key}" as ${JSON.stringify(variable)}, which the injector cannot name as a variable`);
            continue;
          }
          if (explicit.has(variable)) continue; // env wins over envFrom
          // A later envFrom source with the same variable wins in Kubernetes.
          if (entries.slice(idx + 1).some((later) => laterDefines(later, variable, t.namespace, secrets))) continue;
          vars.push({ variable, key });
          delivered.push(`${variable}=${s.id}#${key}`);
          moved.set(variable, s);
        }
        result.uses.push({ kind: 'envFrom', secret: s.id, container: c, containerName: cname, seq: envFrom, entry: e, vars });
      });
    }
    if (moved.size > 0) {
      const cmd = get(c, 'command');
      if (!isSeq(cmd) || cmd.items.length === 0) {
        for (const s of new Set(moved.values())) unsafe(s, `container "${cname}" sets no command, so the injector cannot start its process with the variables (set command and args to what the image runs)`);
      }
      // $(VAR) of a moved variable in command, args or env: the kubelet would no longer expand it.
      const refs: Array<{ key: string; value: string; node: Node }> = [];
      scalars(get(c, 'command'), 'command', refs);
      scalars(get(c, 'args'), 'args', refs);
      scalars(env, 'env', refs);
      for (const r of refs) {
        for (const m of r.value.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          const s = moved.get(m[1]!);
          if (s) unsafe(s, `container "${cname}" uses $(${m[1]}) in its ${r.key}: the kubelet expands only variables of the pod spec, and ${m[1]} would come from Coffer`);
        }
      }
    }
    for (const m of maps(get(c, 'volumeMounts'))) {
      const u = volumeUses.get(str(get(m, 'name')) ?? '');
      if (!u) continue;
      const s = secrets.get(u.secret)!;
      if (get(m, 'subPath') !== undefined || get(m, 'subPathExpr') !== undefined) unsafe(s, `container "${cname}" mounts volume "${u.volumeName}" with subPath; rewrite it by hand`);
      const path = (str(get(m, 'mountPath')) ?? '').replace(/\/+$/, '');
      if (u.mountPath !== '' && u.mountPath !== path) unsafe(s, `volume "${u.volumeName}" is mounted at ${u.mountPath} and ${path}; the injector renders each file at one place`);
      u.mountPath = path;
      u.mounts.push({ container: c, containerName: cname, seq: get(c, 'volumeMounts') as YAMLSeq, entry: m });
      for (const f of u.files) delivered.push(`file ${path}/${f.path}`);
    }
    if (delivered.length > 0) envSets.set(cname, delivered.sort());
  }
  for (const u of volumeUses.values()) result.uses.push(u);

  // Init containers and ephemeral containers: the agent or the env wrapper does not reach them.
  for (const field of ['initContainers', 'ephemeralContainers']) {
    for (const c of maps(get(t.spec, field))) {
      const refs: Array<{ key: string; value: string; node: Node }> = [];
      scalars(c, '', refs);
      const mounts = maps(get(c, 'volumeMounts')).map((m) => volumeUses.get(str(get(m, 'name')) ?? '')).filter((u): u is VolumeUse => u !== undefined);
      for (const u of mounts) unsafe(secrets.get(u.secret)!, `${field} "${str(get(c, 'name'))}" mounts Secret volume "${u.volumeName}"; move it by hand`);
      for (const r of refs) {
        const s = byName(r.value);
        if (s && r.key === 'name' && !handled.has(r.node)) {
          handled.add(r.node);
          unsafe(s, `${field} "${str(get(c, 'name'))}" reads Secret ${s.name}; the injector delivers only to app containers`);
        }
      }
    }
  }
  for (const p of maps(get(t.spec, 'imagePullSecrets'))) {
    const s = byName(str(get(p, 'name')));
    if (s) {
      handled.add(get(p, 'name') as Node);
      unsafe(s, `imagePullSecrets names Secret ${s.name}: the kubelet reads it, not the pod`);
    }
  }

  // Containers given different things: the injector gives every chosen container the same set.
  const sets = [...envSets.values()].map((v) => v.join('\n'));
  if (new Set(sets).size > 1) {
    for (const u of result.uses) unsafe(secrets.get(u.secret)!, `containers ${[...envSets.keys()].join(', ')} get different secrets; the injector gives each chosen container the same variables and files`);
  }
  const usesAny = result.uses.length > 0;
  if (usesAny && isScalar(get(t.spec, 'automountServiceAccountToken')) && (get(t.spec, 'automountServiceAccountToken') as import('yaml').Scalar).value === false) {
    for (const u of result.uses) unsafe(secrets.get(u.secret)!, "automountServiceAccountToken is false: the agent logs in with the pod's service-account token");
  }

  // YAML anchors and aliases around what would change: an alias would change with its anchor, or
  // hide a use from this analysis (`env: *common`), so such a template is left to a person.
  if (result.uses.length > 0) {
    const changed = result.uses.flatMap((u) => (u.kind === 'volume' ? [u.entry, u.volumes, ...u.mounts.flatMap((m) => [m.entry, m.seq])] : [u.entry, u.seq]));
    let aliased = changed.some((n) => typeof (n as { anchor?: string }).anchor === 'string');
    visit(t.spec, {
      Alias(_k, _n, path) {
        const keys = path.filter((p): p is import('yaml').Pair => isPair(p)).map((p) => str(p.key) ?? '');
        if (keys.some((k) => ['env', 'envFrom', 'volumes', 'volumeMounts', 'containers'].includes(k))) aliased = true;
      },
      Pair(_k, p) {
        if (isAlias(p.value) && ['env', 'envFrom', 'volumes', 'volumeMounts', 'containers'].includes(str(p.key) ?? '')) aliased = true;
      },
    });
    if (aliased) for (const u of result.uses) unsafe(secrets.get(u.secret)!, 'uses YAML anchors or aliases in its containers or volumes; rewrite it by hand');
  }

  // A pod that already logs in some other way would not get the policy written for it.
  const ann = get(get(t.template, 'metadata'), 'annotations');
  const role = str(get(ann, 'vault.hashicorp.com/role'));
  const authPath = str(get(ann, 'vault.hashicorp.com/auth-path'));
  for (const u of result.uses) {
    const s = secrets.get(u.secret)!;
    if (role !== undefined && role !== login.role) unsafe(s, `already logs in with role "${role}", not ${login.role}: add the Secret's path to that role's policy by hand`);
    if (authPath !== undefined && authPath.replace(/^\/+|\/+$/g, '') !== `auth/${login.authPath}`) unsafe(s, `already logs in at ${authPath}, not auth/${login.authPath}: run with -auth-path=${authPath.replace(/^\/*auth\/|\/+$/g, '')}`);
    const vars = u.kind === 'env' ? (u.dropOnly ? [] : [u.variable]) : u.kind === 'envFrom' ? u.vars.map((v) => v.variable) : [];
    for (const v of vars) if (`agent-inject-env-${v}`.length > 63) unsafe(s, `variable ${v} is too long for an annotation name (coffer.dev/agent-inject-env-${v} is over 63 characters)`);
  }

  // Anything else in the pod spec that names a moved Secret: unknown to us, so not rewritten.
  otherReferences(t.spec, 'spec', handled, (name) => byName(name), (s, where) => unsafe(s, `names Secret ${s.name} at ${where}, which migrate does not know how to rewrite`));
  return result;
}

function laterDefines(e: YAMLMap, variable: string, ns: string, secrets: ReadonlyMap<string, SecretSource>): boolean {
  const prefix = str(get(e, 'prefix')) ?? '';
  if (!variable.startsWith(prefix)) return false;
  const key = variable.slice(prefix.length);
  const s = secrets.get(`${ns}/${str(get(get(e, 'secretRef'), 'name'))}`);
  if (s) return key in s.data;
  // A ConfigMap or a Secret not in these files: it may define it; keep ours out of the way.
  return get(e, 'configMapRef') !== undefined || get(e, 'secretRef') !== undefined;
}

/** Scalars under a key that mentions "secret" (or `name` inside such a map) naming one of the Secrets. */
export function otherReferences(root: unknown, base: string, handled: ReadonlySet<Node>, lookup: (name: string) => SecretSource | undefined, report: (s: SecretSource, where: string) => void): void {
  const walk = (n: unknown, path: string, secretish: boolean): void => {
    if (isScalar(n)) {
      if (!secretish || handled.has(n) || typeof n.value !== 'string') return;
      const s = lookup(n.value);
      if (s) report(s, path);
      return;
    }
    if (isMap(n)) {
      for (const p of n.items) {
        if (!isPair(p)) continue;
        const k = str(p.key) ?? '';
        const sk = /secret/i.test(k);
        walk(p.value, `${path}.${k}`, sk || (secretish && /^(name|secretName)$/.test(k)));
      }
    } else if (isSeq(n)) n.items.forEach((i, idx) => walk(i, `${path}[${idx}]`, secretish));
  };
  walk(root, base, false);
}
