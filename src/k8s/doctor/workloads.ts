// The objects the doctor looks into, found in the parsed manifests: pod specs (bare Pods and the
// pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs) and
// ConfigMaps; and what an agent configuration file says, read with patterns rather than the HCL
// parser because tutorials' configurations are often fragments (the seed's has no closing braces).

import type { Container, ObjectMeta, PodSpec } from '../pod.js';
import type { LocatedDoc, PathSeg, SourceFile } from './source.js';

export interface PodRef {
  doc: LocatedDoc;
  kind: string;
  name: string;
  /** metadata.namespace of the object, when written. */
  namespace?: string;
  specPath: PathSeg[];
  metaPath: PathSeg[];
  spec: PodSpec;
  meta: ObjectMeta;
}

export interface ConfigMapRef {
  doc: LocatedDoc;
  name: string;
  namespace?: string;
  data: Record<string, string>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const TEMPLATE_AT: Readonly<Record<string, PathSeg[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  Pod: [],
};

function get(v: unknown, path: PathSeg[]): unknown {
  let cur = v;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isObj(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** Each document, and the items of a `kind: List`. */
function objects(files: SourceFile[]): Array<{ doc: LocatedDoc; base: PathSeg[]; obj: Record<string, unknown> }> {
  const out: Array<{ doc: LocatedDoc; base: PathSeg[]; obj: Record<string, unknown> }> = [];
  for (const f of files) {
    if (f.kind !== 'manifest') continue;
    for (const doc of f.docs) {
      if (!isObj(doc.value)) continue;
      if (doc.value.kind === 'List' && Array.isArray(doc.value.items)) {
        doc.value.items.forEach((it, i) => {
          if (isObj(it)) out.push({ doc, base: ['items', i], obj: it });
        });
      } else out.push({ doc, base: [], obj: doc.value });
    }
  }
  return out;
}

export function findPods(files: SourceFile[]): PodRef[] {
  const pods: PodRef[] = [];
  for (const { doc, base, obj } of objects(files)) {
    const kind = typeof obj.kind === 'string' ? obj.kind : '';
    const at = TEMPLATE_AT[kind];
    if (!at) continue;
    const spec = get(obj, [...at, 'spec']);
    if (!isObj(spec)) continue;
    const meta = get(obj, [...at, 'metadata']);
    const top = isObj(obj.metadata) ? obj.metadata : {};
    const ns = typeof top.namespace === 'string' && top.namespace !== '' ? top.namespace : undefined;
    pods.push({
      doc,
      kind,
      name: typeof top.name === 'string' ? top.name : '(unnamed)',
      ...(ns ? { namespace: ns } : {}),
      specPath: [...base, ...at, 'spec'],
      metaPath: [...base, ...at, 'metadata'],
      spec: spec as PodSpec,
      meta: (isObj(meta) ? meta : {}) as ObjectMeta,
    });
  }
  return pods;
}

export function findConfigMaps(files: SourceFile[]): ConfigMapRef[] {
  const out: ConfigMapRef[] = [];
  for (const { doc, obj } of objects(files)) {
    if (obj.kind !== 'ConfigMap' || !isObj(obj.metadata)) continue;
    const data: Record<string, string> = {};
    if (isObj(obj.data)) for (const [k, v] of Object.entries(obj.data)) if (typeof v === 'string') data[k] = v;
    const ns = typeof obj.metadata.namespace === 'string' ? obj.metadata.namespace : undefined;
    out.push({ doc, name: String(obj.metadata.name ?? ''), ...(ns ? { namespace: ns } : {}), data });
  }
  return out;
}

/** A value and the 0-based line of the text it was found on. */
export interface At<T> {
  value: T;
  line: number;
}

/** What an agent configuration says that the doctor checks. */
export interface AgentHcl {
  exitAfterAuth?: At<boolean>;
  mountPath?: At<string>;
  role?: At<string>;
  /** Secret paths its templates read (`secret "PATH"`). */
  secrets: At<string>[];
}

const EXIT_AFTER_AUTH = /^\s*exit_after_auth\s*=\s*(true|false)\b/;
const MOUNT_PATH = /^\s*mount_path\s*=\s*"([^"]*)"/;
const ROLE = /^\s*role\s*=\s*"([^"]*)"/;
const SECRET_CALL = /\bsecret\s+"([^"]+)"/g;

/** Template text: the paths of every `secret "PATH"` call, by line. */
export function templateSecrets(text: string): At<string>[] {
  const out: At<string>[] = [];
  text.split('\n').forEach((l, i) => {
    for (const m of l.matchAll(SECRET_CALL)) out.push({ value: m[1]!, line: i });
  });
  return out;
}

export function readAgentHcl(text: string): AgentHcl {
  const out: AgentHcl = { secrets: templateSecrets(text) };
  text.split('\n').forEach((l, i) => {
    let m = EXIT_AFTER_AUTH.exec(l);
    if (m && !out.exitAfterAuth) out.exitAfterAuth = { value: m[1] === 'true', line: i };
    m = MOUNT_PATH.exec(l);
    if (m && !out.mountPath) out.mountPath = { value: m[1]!, line: i };
    m = ROLE.exec(l);
    if (m && !out.role) out.role = { value: m[1]!, line: i };
  });
  return out;
}

/** A container's whole command line. */
export function commandLine(c: Container): string[] {
  return [...(Array.isArray(c.command) ? c.command : []), ...(Array.isArray(c.args) ? c.args : [])].map(String);
}

/** The agent's `-config` file(s) on a command line, or null when the container does not run an agent. */
export function agentConfigArgs(c: Container): { configs: Array<{ path: string; argIndex: number }> } | null {
  const words = commandLine(c);
  const runsAgent = words.some((w) => w === 'agent') || /\b(vault|coffer)\b.*\bagent\b/.test(words.join(' '));
  if (!runsAgent) return null;
  const configs: Array<{ path: string; argIndex: number }> = [];
  // Each word, and the words inside a shell string (`sh -c "vault agent -config=..."`), by element.
  const split = words.flatMap((w, i) => w.trim().split(/\s+/).map((sub) => ({ sub: sub.replace(/^['"]|['"]$/g, ''), i })));
  split.forEach(({ sub, i }, k) => {
    const m = /^--?config(?:=(.*))?$/.exec(sub);
    if (!m) return;
    const v = m[1] ?? split[k + 1]?.sub;
    if (v) configs.push({ path: v, argIndex: i });
  });
  return { configs };
}
