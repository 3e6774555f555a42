// Checks on pod specs, from the manifests alone: the agent's -config names a file its ConfigMap
// volume does not hold (mistake 3); an agent that exits after auth listed under `containers`
// (mistake 4); a volume mounted over a system directory such as /etc (mistake 5). Also gathers, for
// the later checks, how each pod's agent logs in (auth path, role) and which secret paths it reads.

import { suggest } from '../../hcl/suggest.js';
import type { Container, VolumeMount } from '../pod.js';
import type { PathSeg } from './source.js';
import { finding, type Finding, type Loc } from './types.js';
import { agentConfigArgs, readAgentHcl, type ConfigMapRef, type PodRef } from './workloads.js';

/** How a pod logs in and what it reads; each value with where it is written. */
export interface PodFacts {
  pod: PodRef;
  serviceAccount: { name: string; at: Loc };
  logins: Array<{ authPath?: { value: string; at: Loc }; role?: { value: string; at: Loc }; via: string }>;
  secrets: Array<{ path: string; at: Loc }>;
}

/** Directories whose contents the image needs: a volume over one of them hides them all. */
const SYSTEM_DIRS: Readonly<Record<string, string>> = {
  '/': 'the whole filesystem of the image',
  '/etc': "the image's /etc: its CA certificates (/etc/ssl), /etc/passwd, /etc/hosts and /etc/resolv.conf, so TLS, users and DNS break",
  '/usr': "the image's programs and libraries",
  '/bin': "the image's programs",
  '/sbin': "the image's programs",
  '/lib': "the image's libraries",
  '/lib64': "the image's libraries",
  '/var': "the image's /var, including /var/run/secrets/kubernetes.io/serviceaccount",
  '/var/run': 'the service-account token mount under /var/run/secrets',
  '/var/run/secrets': 'the service-account token mount /var/run/secrets/kubernetes.io/serviceaccount',
};

const normDir = (p: string): string => (p.replace(/\/+$/, '') || '/');

interface Slot {
  c: Container;
  path: PathSeg[];
  init: boolean;
}

function slots(pod: PodRef): Slot[] {
  const out: Slot[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    const cs = pod.spec[list];
    if (!Array.isArray(cs)) continue;
    cs.forEach((c: unknown, i) => {
      if (typeof c !== 'object' || c === null || Array.isArray(c)) return;
      const raw = c as Container;
      // Only well-formed mounts: a manifest can hold anything.
      const volumeMounts = Array.isArray(raw.volumeMounts) ? raw.volumeMounts.filter((m) => typeof m === 'object' && m !== null && typeof m.mountPath === 'string' && typeof m.name === 'string') : [];
      out.push({ c: { ...raw, name: String(raw.name ?? `#${i}`), volumeMounts }, path: [...pod.specPath, list, i], init: list === 'initContainers' });
    });
  }
  return out;
}

/** Path of the n-th word of command + args inside the container. */
function wordPath(s: Slot, n: number): PathSeg[] {
  const cmd = Array.isArray(s.c.command) ? s.c.command.length : 0;
  return n < cmd ? [...s.path, 'command', n] : [...s.path, 'args', n - cmd];
}

/** The volume mount holding `file` (longest mountPath that contains it). */
function mountFor(c: Container, file: string): { m: VolumeMount; index: number } | undefined {
  let best: { m: VolumeMount; index: number } | undefined;
  (c.volumeMounts ?? []).forEach((m, index) => {
    const dir = normDir(m.mountPath);
    const inside = m.subPath ? file === m.mountPath : file.startsWith(dir === '/' ? '/' : `${dir}/`);
    if (inside && (!best || dir.length > normDir(best.m.mountPath).length)) best = { m, index };
  });
  return best;
}

export function checkPods(pods: PodRef[], configMaps: ConfigMapRef[]): { findings: Finding[]; facts: PodFacts[] } {
  const findings: Finding[] = [];
  const facts: PodFacts[] = [];
  for (const pod of pods) {
    const saName = typeof pod.spec.serviceAccountName === 'string' ? pod.spec.serviceAccountName : typeof pod.spec.serviceAccount === 'string' ? pod.spec.serviceAccount : 'default';
    const saAt = typeof pod.spec.serviceAccountName === 'string' ? pod.doc.at([...pod.specPath, 'serviceAccountName']) : pod.doc.keyAt(pod.specPath);
    const fact: PodFacts = { pod, serviceAccount: { name: saName, at: saAt }, logins: [], secrets: [] };
    facts.push(fact);
    const volumes = Array.isArray(pod.spec.volumes) ? pod.spec.volumes : [];
    const all = slots(pod);

    for (const s of all) {
      // Mistake 5: a volume over a system directory.
      (s.c.volumeMounts ?? []).forEach((m, i) => {
        const dir = normDir(m.mountPath);
        const hides = SYSTEM_DIRS[dir];
        if (!hides || m.subPath) return;
        const others = all.flatMap((o) => (o === s ? [] : (o.c.volumeMounts ?? []).filter((x) => x.name === m.name && !SYSTEM_DIRS[normDir(x.mountPath)]).map((x) => normDir(x.mountPath))));
        const where = others[0] ?? (dir === '/etc' ? '/etc/secrets' : `${dir === '/' ? '' : dir}/app-data`);
        findings.push(
          finding(
            pod.doc.at([...s.path, 'volumeMounts', i, 'mountPath']),
            'mount-over-system-dir',
            `container ${s.c.name} mounts volume ${m.name} over ${dir}, which hides ${hides}`,
            `mount it on a directory of its own: mountPath: ${where}${others[0] ? ' (where the other container mounts it)' : ''}, and read the files from there`,
          ),
        );
      });

      const agent = agentConfigArgs(s.c);
      if (!agent) continue;
      for (const cfg of agent.configs) {
        const at = pod.doc.at(wordPath(s, cfg.argIndex));
        const hit = mountFor(s.c, cfg.path);
        const vol = hit ? volumes.find((v) => v.name === hit.m.name) : undefined;
        const cmName = vol?.configMap?.name;
        if (!hit || !cmName) continue;
        const items = (vol.configMap as { items?: Array<{ key: string; path: string }> }).items;
        const cm = configMaps.find((x) => x.name === cmName && (x.namespace === undefined || pod.namespace === undefined || x.namespace === pod.namespace));
        const dir = normDir(hit.m.mountPath);
        // The names the volume shows, and the ConfigMap key behind each.
        let files: Record<string, string> | undefined;
        if (Array.isArray(items) && items.length > 0) files = Object.fromEntries(items.map((it) => [it.path, it.key]));
        else if (cm) files = Object.fromEntries(Object.keys(cm.data).map((k) => [k, k]));
        if (!files) continue;
        const rel = hit.m.subPath ? hit.m.subPath : cfg.path.slice(dir === '/' ? 1 : dir.length + 1);
        let key = files[rel];
        if (key === undefined) {
          const names = Object.keys(files);
          const close = suggest(rel, names);
          const target = names.length === 1 ? names[0]! : /"(.*)"/.exec(close)?.[1];
          findings.push(
            finding(
              at,
              'agent-config-missing',
              `container ${s.c.name} starts the agent with -config=${cfg.path}, but volume ${hit.m.name} (ConfigMap ${cmName}) mounted at ${dir} holds only ${names.map((n) => `${dir === '/' ? '' : dir}/${n}`).join(', ') || 'nothing'}${close}`,
              target
                ? `start the agent with -config=${dir === '/' ? '' : dir}/${target}, or rename the ConfigMap key ${files[target]} to ${rel}`
                : `name a file the ConfigMap ${cmName} holds in -config, or add the key ${rel} to it`,
            ),
          );
          // Go on with the file it most likely means, so the mistakes inside it are found too.
          if (target === undefined) continue;
          key = files[target]!;
        }
        const text = cm?.data[key];
        if (!cm || text === undefined) continue;
        const hcl = readAgentHcl(text);
        const inCm = (line: number): Loc => cm.doc.lineInString(['data', key], line);
        // Mistake 4: exit_after_auth under containers.
        if (!s.init && hcl.exitAfterAuth?.value === true) {
          findings.push(
            finding(
              pod.doc.at(s.path),
              'agent-in-containers',
              `container ${s.c.name} runs an agent with exit_after_auth = true (${cm.name}/${key}) under containers: it exits once the templates are written, and the kubelet restarts it forever (CrashLoopBackOff), while the app may start before the secrets exist`,
              `move ${s.c.name} from spec.containers to spec.initContainers, so it runs to completion before the app starts; or set exit_after_auth = false to keep it as a sidecar`,
            ),
          );
        }
        fact.logins.push({
          ...(hcl.mountPath ? { authPath: { value: hcl.mountPath.value, at: inCm(hcl.mountPath.line) } } : {}),
          ...(hcl.role ? { role: { value: hcl.role.value, at: inCm(hcl.role.line) } } : {}),
          via: `the agent in container ${s.c.name}`,
        });
        for (const sec of hcl.secrets) fact.secrets.push({ path: sec.value, at: inCm(sec.line) });
      }
    }
  }
  return { findings, facts };
}
