// Whether a role binds a service account: its name against bound_service_account_names, its
// namespace against bound_service_account_namespaces or else the namespace label selector (ORed,
// as in path_login.go). Used at login and again on token renewal.

import { permissionDenied, type CofferError } from '../../framework/index.js';
import { listBinds } from '../../../lib/glob.js';
import { parseLabelSelector, selectorMatches } from './label_selector.js';
import type { KubeRole } from './types.js';

/** Null when the name is bound, else the 403 to answer with. */
export function checkName(role: KubeRole, roleName: string, name: string): CofferError | null {
  if (listBinds(role.bound_service_account_names, name)) return null;
  return permissionDenied(`service account name not authorized: "${name}" does not match role "${roleName}"'s bound_service_account_names`);
}

/**
 * Null when the namespace is bound, else the 403 to answer with. `labelsOf` is called only when the
 * namespace list does not match and the role has a selector; it returns null for a missing namespace,
 * or 'unverifiable' when the labels cannot be read (renewal without a reviewer token): accepted.
 */
export async function checkNamespace(
  role: KubeRole,
  roleName: string,
  namespace: string,
  labelsOf: () => Promise<Record<string, string> | null | 'unverifiable'>,
): Promise<CofferError | null> {
  const list = role.bound_service_account_namespaces;
  if (list.length > 0 && listBinds(list, namespace)) return null;
  const selectorText = role.bound_service_account_namespace_selector;
  const listPart = list.length > 0 ? `"${namespace}" does not match role "${roleName}"'s bound_service_account_namespaces` : `role "${roleName}" binds namespaces only by label selector`;
  if (selectorText === '') return permissionDenied(`namespace not authorized: ${listPart}`);
  const labels = await labelsOf();
  if (labels === 'unverifiable') return null;
  if (labels === null) return permissionDenied(`namespace not authorized: ${listPart}, and namespace "${namespace}" does not exist in Kubernetes`);
  if (selectorMatches(parseLabelSelector(selectorText), labels)) return null;
  return permissionDenied(`namespace not authorized: ${listPart}, and the labels of namespace "${namespace}" do not match its bound_service_account_namespace_selector`);
}
