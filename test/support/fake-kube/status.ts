// Kubernetes metav1.Status failure bodies, with the exact messages kube-apiserver uses
// (apimachinery's errors.NewNotFound / NewForbidden / NewBadRequest / NewUnauthorized, RBAC's
// "cannot <verb> resource" text).

import type { Status } from './types.js';

export interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
}

type Details = NonNullable<Status['details']>;

export function statusReply(code: number, reason: string, message: string, details?: Details): Reply {
  const body: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
  return { status: code, body };
}

export const unauthorized = (): Reply => statusReply(401, 'Unauthorized', 'Unauthorized');

export const badRequest = (message: string): Reply => statusReply(400, 'BadRequest', message);

export const notFound = (resource: string, name: string): Reply => statusReply(404, 'NotFound', `${resource} "${name}" not found`, { name, kind: resource });

export const pathNotFound = (): Reply => statusReply(404, 'NotFound', 'the server could not find the requested resource', {});

export const methodNotAllowed = (): Reply => statusReply(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export interface ForbiddenInput {
  user: string;
  verb: string;
  resource: string;
  group: string;
  name?: string;
  namespace?: string;
}

/** RBAC denial: `<resource> "<name>" is forbidden: User "<u>" cannot <verb> resource ... <scope>`. */
export function forbidden({ user, verb, resource, group, name, namespace }: ForbiddenInput): Reply {
  const qualified = group ? `${resource}.${group}` : resource;
  const subject = name ? `${qualified} "${name}"` : qualified;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${group}" ${scope}`;
  const details: Details = { ...(name ? { name } : {}), ...(group ? { group } : {}), kind: resource };
  return statusReply(403, 'Forbidden', message, details);
}

/** What failTokenReviews(code) answers with. */
export function injectedFailure(code: number): Reply {
  const reasons: Record<number, string> = { 429: 'TooManyRequests', 500: 'InternalError', 503: 'ServiceUnavailable', 504: 'Timeout' };
  return statusReply(code, reasons[code] ?? 'InternalError', 'Internal error occurred: fake-kube: injected TokenReview failure');
}
