// Does a role bind the pod's service account? From the files alone: the roles the scripts write
// (`vault write auth/PATH/role/NAME ...`) against the auth path and role each pod logs in with,
// including a role written under another auth path than the one the pod uses (the tutorial's
// auth/kubernetes vs auth/kube-policy). Matching follows Vault's glob rules for bound lists.

import { listBinds } from '../../lib/glob.js';
import type { PodFacts } from './pods.js';
import type { RoleDef } from './text.js';
import { finding, type Finding, type Loc } from './types.js';

export const DEFAULT_AUTH_PATH = 'auth/kubernetes';

/** "kube-policy", "/auth/kube-policy/" -> "auth/kube-policy". */
export function normAuthPath(p: string): string {
  const s = p.trim().replace(/^\/+|\/+$/g, '');
  return s.startsWith('auth/') ? s : `auth/${s}`;
}

/** One login a pod makes, with defaults filled in from the command line. */
export interface Login {
  facts: PodFacts;
  authPath: string;
  authPathAt: Loc;
  role: string | undefined;
  roleAt: Loc;
  via: string;
}

export function loginsOf(facts: PodFacts[], defaults: { role?: string; authPath?: string }): Login[] {
  const out: Login[] = [];
  for (const f of facts) {
    // A pod whose files show no login (its own code logs in) is checked with -role, when given.
    const logins = f.logins.length > 0 ? f.logins : f.secrets.length > 0 || defaults.role ? [{ via: defaults.role ? "the pod's own code" : 'the pod' }] : [];
    for (const l of logins) {
      const roleAt = 'role' in l && l.role ? l.role.at : f.serviceAccount.at;
      out.push({
        facts: f,
        authPath: normAuthPath(('authPath' in l && l.authPath?.value) || defaults.authPath || DEFAULT_AUTH_PATH),
        authPathAt: ('authPath' in l && l.authPath?.at) || roleAt,
        role: ('role' in l && l.role?.value) || defaults.role,
        roleAt,
        via: l.via,
      });
    }
  }
  return out;
}

/** The binding finding, shared by the file check and the server check. */
export function unbound(l: Login, role: string, names: string[], namespaces: string[], where: string): Finding | null {
  const sa = l.facts.serviceAccount.name;
  const ns = l.facts.pod.namespace;
  const nameOk = listBinds(names, sa);
  const nsOk = ns === undefined || namespaces.length === 0 || listBinds(namespaces, ns);
  if (nameOk && nsOk) return null;
  const what = !nameOk && !nsOk ? `service account ${ns}/${sa}` : !nameOk ? `service account ${sa}` : `namespace ${ns}`;
  const fix = !nameOk
    ? `add ${sa} to bound_service_account_names of ${l.authPath}/role/${role} (now ${names.join(',') || 'empty'}), or run the pod as serviceAccountName: ${names.find((n) => !n.includes('*')) ?? names[0] ?? 'NAME'}`
    : `add ${ns} to bound_service_account_namespaces of ${l.authPath}/role/${role} (now ${namespaces.join(',')}), or deploy the pod in namespace ${namespaces.find((n) => !n.includes('*')) ?? namespaces[0]}`;
  return finding(l.facts.serviceAccount.at, 'unbound-service-account', `${l.via} of ${l.facts.pod.kind} ${l.facts.pod.name} logs in with role ${role} at ${l.authPath}, which ${where} does not bind ${what}: the login is refused with 403`, fix);
}

export function checkBindingsInFiles(logins: Login[], defs: RoleDef[]): Finding[] {
  const out: Finding[] = [];
  if (defs.length === 0) return out;
  const reported = new Set<string>();
  for (const l of logins) {
    if (!l.role) continue;
    const here = defs.filter((d) => d.name === l.role && normAuthPath(d.authPath) === l.authPath);
    if (here.length === 0) {
      for (const d of defs.filter((x) => x.name === l.role)) {
        const key = `${d.file}:${d.line}:${l.authPath}`;
        if (reported.has(key)) continue;
        reported.add(key);
        out.push(
          finding(
            { file: d.file, line: d.line },
            'role-missing',
            `role ${d.name} is written to ${normAuthPath(d.authPath)}/role/${d.name}, but ${l.via} of ${l.facts.pod.kind} ${l.facts.pod.name} logs in at ${l.authPath}: there it does not exist`,
            `write the role to ${l.authPath}/role/${d.name} (the path the auth method was enabled at)`,
          ),
        );
      }
      continue;
    }
    const d = here[here.length - 1]!;
    const f = unbound(l, d.name, d.names, d.namespaces, `as written at ${d.file}:${d.line},`);
    if (f) out.push(f);
  }
  return out;
}
