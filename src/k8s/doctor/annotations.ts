// The injector's pitfalls, from a pod's annotations: names vault-k8s does not know (a typo is
// silently ignored by vault-k8s), values it would refuse, and every mistake the injector's own
// planner finds (src/k8s/annotations, reused as is); plus what the pod's injected agent will log in
// with and read, for the role and policy checks.

import { A, buildPlan, defaultSettings, F, shouldInject, VAULT_PREFIX } from '../annotations/index.js';
import type { Container, Pod, PodSpec } from '../pod.js';
import type { PodFacts } from './pods.js';
import { finding, type Finding } from './types.js';
import { templateSecrets } from './workloads.js';

/** The placeholder address given to the planner: the injector's -vault-address is not in the files. */
const SOME_ADDRESS = 'http://coffer.coffer.svc:8200';

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * The pod spec as the injector sees it: the API server's ServiceAccount admission has added the
 * token volume to every container (unless automountServiceAccountToken is false) before webhooks run.
 */
function asAdmitted(spec: PodSpec): PodSpec {
  if (spec.automountServiceAccountToken === false) return spec;
  const withToken = (c: Container): Container => {
    const mounts = Array.isArray(c.volumeMounts) ? c.volumeMounts : [];
    return mounts.some((m) => m.mountPath === SA_DIR) ? { ...c, volumeMounts: mounts } : { ...c, volumeMounts: [...mounts, { name: 'kube-api-access', mountPath: SA_DIR, readOnly: true }] };
  };
  // Containers as the planner expects them (a manifest can hold anything).
  const list = (v: unknown): Container[] => (Array.isArray(v) ? v.filter((c): c is Container => typeof c === 'object' && c !== null && !Array.isArray(c)).map(withToken) : []);
  return {
    ...spec,
    containers: list(spec.containers),
    ...(spec.initContainers ? { initContainers: list(spec.initContainers) } : {}),
    volumes: [...(Array.isArray(spec.volumes) ? spec.volumes : []), { name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
  };
}

export function checkAnnotations(facts: PodFacts[]): Finding[] {
  const findings: Finding[] = [];
  for (const fact of facts) {
    const { pod } = fact;
    const raw: unknown = pod.meta.annotations;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) continue;
    if (!Object.keys(raw).some((k) => k.startsWith(VAULT_PREFIX) || k.startsWith('coffer.dev/'))) continue;
    const keyAt = (name: string) => pod.doc.keyAt([...pod.metaPath, 'annotations', name]);
    // Kubernetes takes only strings: `agent-inject: true` unquoted is refused by the API server.
    const ann: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof v !== 'string') {
        findings.push(finding(keyAt(k), 'annotation', `${k} has a ${v === null ? 'null' : typeof v} value; annotation values must be strings, so the API server refuses the object`, `quote the value: ${k}: "${v === null ? '' : String(v)}"`));
      }
      ann[k] = v === null || v === undefined ? '' : String(v);
    }
    const asPod: Pod = { metadata: { ...pod.meta, annotations: ann, ...(pod.namespace ? { namespace: pod.namespace } : {}) }, spec: asAdmitted(pod.spec) };
    const ns = pod.namespace ?? 'default';
    const decision = shouldInject(asPod, ns);
    if ('errors' in decision) {
      for (const e of decision.errors) findings.push(finding(keyAt(e.annotation), 'annotation', `${e.annotation} ${e.message}`, `write ${e.annotation}: "true"`));
    } else if (!decision.inject && ann[VAULT_PREFIX + A.inject] === undefined) {
      findings.push(
        finding(
          keyAt(Object.keys(ann).find((k) => k.startsWith(VAULT_PREFIX)) ?? ''),
          'annotation',
          `pod ${pod.name} has ${VAULT_PREFIX} annotations but not ${VAULT_PREFIX}${A.inject}, so the injector leaves it alone`,
          `add the annotation ${VAULT_PREFIX}${A.inject}: "true"`,
        ),
      );
    }
    const planned = buildPlan(asPod, ns, defaultSettings({ vaultAddress: SOME_ADDRESS }));
    if ('errors' in planned) {
      for (const e of planned.errors) {
        const unknown = /is not a (vault-k8s|Coffer) annotation/.test(e.message);
        const mean = /did you mean (\S+?)\?/.exec(e.message)?.[1];
        findings.push(
          finding(
            keyAt(e.annotation),
            unknown ? 'unknown-annotation' : 'annotation',
            `${e.annotation} ${e.message}`,
            unknown ? (mean ? `rename it to ${mean}` : 'remove it, or use a name from the vault-k8s annotation reference') : `change ${e.annotation} as the message says`,
          ),
        );
      }
    }
    // What the injected agent logs in with and reads.
    const role = ann[VAULT_PREFIX + A.role];
    const authPath = ann[VAULT_PREFIX + A.authPath];
    fact.logins.push({
      ...(authPath !== undefined ? { authPath: { value: authPath, at: keyAt(VAULT_PREFIX + A.authPath) } } : {}),
      ...(role !== undefined ? { role: { value: role, at: keyAt(VAULT_PREFIX + A.role) } } : {}),
      via: 'the injected agent',
    });
    for (const [k, v] of Object.entries(ann)) {
      if (k.startsWith(`${VAULT_PREFIX}${F.secret}-`) && v.trim() !== '') {
        const name = k.slice(`${VAULT_PREFIX}${F.secret}-`.length);
        // With a template of its own, the template says what is read; else the path is.
        const tpl = ann[`${VAULT_PREFIX}${F.template}-${name}`];
        if (tpl === undefined) fact.secrets.push({ path: v.trim(), at: keyAt(k) });
      }
      if (k.startsWith(`${VAULT_PREFIX}${F.template}-`) && !k.startsWith(`${VAULT_PREFIX}${F.templateFile}-`)) {
        for (const s of templateSecrets(v)) fact.secrets.push({ path: s.value, at: pod.doc.lineInString([...pod.metaPath, 'annotations', k], s.line) });
      }
    }
  }
  return findings;
}

/**
 * A KV v2 path without `data/`, judged from the files alone: `secret/` is a KV v2 mount in dev
 * mode and in the tutorials. (With a server, its mount table decides instead, for every mount.)
 */
export function checkKv2Guess(facts: PodFacts[]): Finding[] {
  const out: Finding[] = [];
  for (const f of facts) {
    for (const s of f.secrets) {
      const m = /^\/?secret\/(.+)$/.exec(s.path);
      if (!m || /^(data|metadata)\//.test(m[1]!)) continue;
      out.push(kv2Finding(s.at, s.path, 'secret/', m[1]!, 'if secret/ is a KV version 2 mount (as in dev mode)'));
    }
  }
  return out;
}

export function kv2Finding(at: Parameters<typeof finding>[0], path: string, mount: string, rest: string, condition: string): Finding {
  return finding(
    at,
    'kv2-path-without-data',
    `${path} reads a KV version 2 secret without data/ ${condition}: the read answers 404 (or 403 when the policy grants the data/ path), and the agent keeps retrying`,
    `use ${mount}data/${rest} (and .Data.data.KEY in templates)`,
  );
}
