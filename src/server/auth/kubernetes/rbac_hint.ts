// Turns a 403 from the Kubernetes API into an answer to "which service account needs which RBAC
// binding": who the bearer was (from the Status message, else the bearer JWT's claims) and the
// exact kubectl command that grants it (pain point: "tokenreviews ... is forbidden").

import { serviceAccountOf } from './jwt.js';
import type { KubeTarget } from './types.js';

/** `ns/name` of the service account Kubernetes says was refused, or of the bearer token. */
function refusedAccount(statusMessage: string, target: KubeTarget): { namespace: string; name: string } | null {
  const m = /User "system:serviceaccount:([^:"]+):([^:"]+)"/.exec(statusMessage);
  if (m) return { namespace: m[1]!, name: m[2]! };
  return serviceAccountOf(target.bearer);
}

function refusedUser(statusMessage: string): string | null {
  return /User "([^"]+)"/.exec(statusMessage)?.[1] ?? null;
}

function bearerIs(target: KubeTarget): string {
  switch (target.bearerSource) {
    case 'token_reviewer_jwt':
      return `the bearer was the token_reviewer_jwt set in ${target.mountPoint}config`;
    case 'local':
      return "the bearer was Coffer's own pod service-account token (no token_reviewer_jwt is set)";
    case 'client':
      return `no token_reviewer_jwt is set in ${target.mountPoint}config, so the client's own JWT was the bearer: with that setup every client service account needs system:auth-delegator; or set token_reviewer_jwt to a reviewer account's token`;
  }
}

export function tokenReviewForbidden(statusMessage: string, target: KubeTarget): string {
  const sa = refusedAccount(statusMessage, target);
  const who = sa ? `service account ${sa.namespace}/${sa.name}` : refusedUser(statusMessage) ? `user "${refusedUser(statusMessage)}"` : 'the bearer token';
  const fix = sa
    ? `kubectl create clusterrolebinding coffer-tokenreview-${sa.namespace}-${sa.name} --clusterrole=system:auth-delegator --serviceaccount=${sa.namespace}:${sa.name}`
    : 'bind the ClusterRole system:auth-delegator to the reviewer (kubectl create clusterrolebinding ... --clusterrole=system:auth-delegator)';
  return `Kubernetes refused the TokenReview (403 Forbidden): ${who} may not create tokenreviews, because it lacks the ClusterRole system:auth-delegator; ${bearerIs(target)}. Fix: ${fix}`;
}

/** A 403 on a GET of namespaces or serviceaccounts (namespace selector, alias metadata annotations). */
export function readForbidden(resource: 'namespaces' | 'serviceaccounts', why: string, statusMessage: string, target: KubeTarget): string {
  const sa = refusedAccount(statusMessage, target);
  const role = `coffer-${resource}-reader`;
  const fix = sa
    ? `kubectl create clusterrole ${role} --verb=get --resource=${resource} && kubectl create clusterrolebinding ${role}-${sa.namespace}-${sa.name} --clusterrole=${role} --serviceaccount=${sa.namespace}:${sa.name}`
    : `grant the bearer "get" on ${resource}`;
  return `Kubernetes refused to let ${sa ? `service account ${sa.namespace}/${sa.name}` : 'the bearer token'} read ${resource} (403 Forbidden), which ${why} needs; ${bearerIs(target)}. Fix: ${fix}`;
}
