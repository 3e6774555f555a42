// The checks that need the server (VAULT_ADDR and a token): each auth path the pods log in at exists
// and is a kubernetes method; each role exists and binds the pod's service account and namespace;
// the role's policies grant `read` on every secret path the pod reads (Coffer's
// sys/internal/acl-explain evaluates named policies, as `coffer policy explain` does); and a path on a
// KV version 2 mount carries data/ (the mount table says which mounts are v2).

import { isVaultError, type Client } from '../../client/index.js';
import { kv2Finding } from './annotations.js';
import { unbound, type Login } from './bindings.js';
import { finding, type Finding } from './types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v !== '' ? v.split(',').map((s) => s.trim()) : []);

interface Mount {
  type: string;
  version?: string;
}

async function mounts(client: Client, path: string): Promise<Record<string, Mount>> {
  const r = await client.read(path);
  const out: Record<string, Mount> = {};
  const data = isObj(r?.data) ? r.data : {};
  const table = path === 'sys/internal/ui/mounts' ? (isObj(data.secret) ? data.secret : {}) : data;
  for (const [k, v] of Object.entries(table)) {
    if (!isObj(v) || typeof v.type !== 'string') continue;
    const opts = isObj(v.options) ? v.options : {};
    out[k] = { type: v.type, ...(typeof opts.version === 'string' ? { version: opts.version } : {}) };
  }
  return out;
}

/** The longest mount that holds `path`. */
function mountOf(table: Record<string, Mount>, path: string): [string, Mount] | undefined {
  let best: [string, Mount] | undefined;
  for (const [k, m] of Object.entries(table)) if ((path === k.replace(/\/$/, '') || path.startsWith(k)) && (!best || k.length > best[0].length)) best = [k, m];
  return best;
}

interface Explained {
  operations?: { read?: { allowed?: boolean; message?: string } };
  missing_policies?: string[];
}

export interface ServerResult {
  findings: Finding[];
  /** What could not be checked, and why (printed, not counted as findings). */
  notes: string[];
}

export async function checkServer(client: Client, logins: Login[]): Promise<ServerResult> {
  const findings: Finding[] = [];
  const notes: string[] = [];
  const auths = await mounts(client, 'sys/auth');
  const secrets = await mounts(client, 'sys/internal/ui/mounts');
  const seen = new Set<string>();
  const once = (f: Finding): void => {
    const k = `${f.file}:${f.line}:${f.rule}:${f.message}`;
    if (!seen.has(k)) {
      seen.add(k);
      findings.push(f);
    }
  };
  for (const l of logins) {
    const mountKey = `${l.authPath.slice('auth/'.length)}/`;
    const auth = auths[mountKey];
    if (!auth) {
      const kube = Object.entries(auths).filter(([, m]) => m.type === 'kubernetes').map(([k]) => `auth/${k.replace(/\/$/, '')}`);
      once(
        finding(
          l.authPathAt,
          'auth-path',
          `${l.via} of ${l.facts.pod.kind} ${l.facts.pod.name} logs in at ${l.authPath}, where no auth method is enabled${kube.length > 0 ? ` (kubernetes methods: ${kube.join(', ')})` : ''}`,
          kube.length > 0 ? `log in at ${kube[0]}, or enable one: coffer auth enable -path=${mountKey.slice(0, -1)} kubernetes` : `coffer auth enable -path=${mountKey.slice(0, -1)} kubernetes`,
        ),
      );
      continue;
    }
    if (auth.type !== 'kubernetes') {
      once(finding(l.authPathAt, 'auth-path', `${l.authPath} is a ${auth.type} auth method, not kubernetes`, 'log in at the path of a kubernetes auth method'));
      continue;
    }
    if (!l.role) {
      notes.push(`${l.via} of ${l.facts.pod.kind} ${l.facts.pod.name}: no role in the files (give -role=NAME to check it)`);
      continue;
    }
    const r = await client.read(`${l.authPath}/role/${encodeURIComponent(l.role)}`);
    const role = isObj(r?.data) ? r.data : null;
    if (!role) {
      const listed = await client.list(`${l.authPath}/role`).catch(() => null);
      const keys = strings(isObj(listed?.data) ? listed.data.keys : undefined);
      once(
        finding(
          l.roleAt,
          'role-missing',
          `role ${l.role} does not exist at ${l.authPath}${keys.length > 0 ? ` (its roles: ${keys.join(', ')})` : ' (it has no roles)'}`,
          `coffer write ${l.authPath}/role/${l.role} bound_service_account_names=${l.facts.serviceAccount.name} bound_service_account_namespaces=${l.facts.pod.namespace ?? 'NAMESPACE'} policies=POLICY`,
        ),
      );
      continue;
    }
    const f = unbound(l, l.role, strings(role.bound_service_account_names), strings(role.bound_service_account_namespaces), 'on the server');
    if (f) once(f);
    if (l.facts.pod.namespace === undefined) notes.push(`${l.facts.pod.kind} ${l.facts.pod.name} names no namespace: whether ${l.authPath}/role/${l.role} binds the namespace it is deployed in was not checked`);
    const policies = [...new Set([...strings(role.token_policies), ...strings(role.policies), ...(role.token_no_default_policy === true ? [] : ['default'])])];
    for (const s of l.facts.secrets) {
      let path = s.path.replace(/^\/+/, '');
      const m = mountOf(secrets, path);
      if (m && m[1].type === 'kv' && m[1].version === '2') {
        const rest = path.slice(m[0].length);
        if (!/^(data|metadata|delete|undelete|destroy|config|subkeys)(\/|$)/.test(rest)) {
          once(kv2Finding(s.at, s.path, m[0], rest, `(${m[0]} is a KV version 2 mount)`));
          path = `${m[0]}data/${rest}`;
        }
      }
      let ex: Explained;
      try {
        const e = await client.write<Explained>('sys/internal/acl-explain', { path, policies });
        ex = e?.data ?? {};
      } catch (err) {
        if (isVaultError(err) && (err.status === 404 || err.status === 405)) {
          notes.push(`the server has no sys/internal/acl-explain (not Coffer?): policies not checked for ${path}`);
          continue;
        }
        throw err;
      }
      if (ex.operations?.read?.allowed === true) continue;
      const named = policies.filter((p) => p !== 'default');
      const missing = (ex.missing_policies ?? []).filter((p) => p !== 'default');
      once(
        finding(
          s.at,
          'policy-denies-read',
          `role ${l.role} at ${l.authPath} gives the policies ${policies.join(', ')}, which do not grant read on ${path}${missing.length > 0 ? ` (${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist)` : ''}${ex.operations?.read?.message ? `: ${ex.operations.read.message}` : ''}`,
          `add to policy ${named[0] ?? 'POLICY'} (coffer policy write ...): path "${path}" { capabilities = ["read"] }${named.length === 0 ? `, and give the role that policy` : ''}`,
        ),
      );
    }
  }
  return { findings, notes };
}
