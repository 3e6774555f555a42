// What the server's and the injector's objects share: labels, the restricted security contexts
// (non-root 65532, no privilege escalation, every capability dropped, RuntimeDefault seccomp,
// read-only root file system) and the checks on names given by the user.

import type { ManifestOptions } from './types.js';

/** The image's user (see Containerfile): not root, and no passwd entry needed. */
export const RUN_AS = 65532;

export type Component = 'server' | 'injector';

export function selectorLabels(o: ManifestOptions, component: Component): Record<string, string> {
  return { 'app.kubernetes.io/name': 'coffer', 'app.kubernetes.io/instance': o.name, 'app.kubernetes.io/component': component };
}

export function labels(o: ManifestOptions, component: Component, version: string): Record<string, string> {
  return { ...selectorLabels(o, component), 'app.kubernetes.io/version': version, 'app.kubernetes.io/managed-by': 'coffer' };
}

export function podSecurityContext(): Record<string, unknown> {
  return { runAsNonRoot: true, runAsUser: RUN_AS, runAsGroup: RUN_AS, fsGroup: RUN_AS, seccompProfile: { type: 'RuntimeDefault' } };
}

export function containerSecurityContext(): Record<string, unknown> {
  return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A namespace or Service name: an RFC 1123 label of at most `max` characters. */
export function checkLabel(what: string, value: string, max = 63): void {
  if (value.length > max || !DNS_LABEL.test(value)) {
    throw new Error(`${what} "${value}" is not valid: use lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${max} characters`);
  }
}

/** A Secret or ConfigMap name: an RFC 1123 subdomain. */
export function checkSubdomain(what: string, value: string): void {
  if (value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw new Error(`${what} "${value}" is not valid: use lower-case letters, digits, '-' and '.', at most 253 characters`);
  }
}
