// The access a migrated workload needs, and nothing more: per namespace and service account, an ACL
// policy with `read` on exactly the KV v2 data paths of the Secrets its pods used, and a Kubernetes
// auth role binding that service account in that namespace to the policy. A later migration for
// the same service account merges its paths into the policy already on the server (paths of a
// policy this command wrote are kept), so moving a second Secret never takes the first one away.

import type { AccessPlan } from './types.js';

export const POLICY_MARKER = '# Written by coffer k8s migrate';

export function accessName(namespace: string, serviceAccount: string): string {
  return `migrated-${namespace}-${serviceAccount}`;
}

export function policyHcl(namespace: string, serviceAccount: string, paths: readonly string[]): string {
  const lines = [`${POLICY_MARKER} for service account ${serviceAccount} in namespace ${namespace}.`];
  for (const p of [...new Set(paths)].sort()) lines.push(`path "${p}" {`, '  capabilities = ["read"]', '}');
  return `${lines.join('\n')}\n`;
}

/** The read paths of a policy this command wrote earlier (none for any other policy). */
export function pathsOfOwnPolicy(hcl: string): string[] | undefined {
  if (!hcl.startsWith(POLICY_MARKER)) return undefined;
  return [...hcl.matchAll(/^path "([^"]+)" \{\n {2}capabilities = \["read"\]\n\}$/gm)].map((m) => m[1]!);
}

export function accessPlan(namespace: string, serviceAccount: string, paths: readonly string[], workloads: readonly string[], ttl: string): AccessPlan {
  const name = accessName(namespace, serviceAccount);
  const sorted = [...new Set(paths)].sort();
  return {
    namespace,
    serviceAccount,
    policyName: name,
    roleName: name,
    paths: sorted,
    policy: policyHcl(namespace, serviceAccount, sorted),
    role: { bound_service_account_names: [serviceAccount], bound_service_account_namespaces: [namespace], token_policies: [name], token_ttl: ttl },
    workloads: [...new Set(workloads)].sort(),
  };
}
