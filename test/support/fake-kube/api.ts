// Routes one request the way kube-apiserver's filter chain does: authenticate the bearer (a bad token
// is 401; no token is system:anonymous), authorize with the fake's RBAC, then serve the resource.
//
// RBAC model: a service account bound with bindAuthDelegator() may create TokenReviews (that is what
// system:auth-delegator grants) AND get namespaces and serviceaccounts (in a real cluster that needs
// one more ClusterRole; the fake folds it in so the reviewer token can serve Vault's namespace
// selector and alias-metadata lookups). Everyone else, anonymous included, is denied with the RBAC
// 403 Status. Discovery (/openid/v1/jwks, /.well-known/openid-configuration), /version and health
// checks are open to anyone, as when system:service-account-issuer-discovery is bound to
// system:unauthenticated.
// failTokenReviews(code) and the TokenReview counter act before authentication: every POST to
// tokenreviews is counted, and an injected failure answers it whoever the caller is.

import { authenticateToken, type AuthContext } from './authenticate.js';
import { discoveryDocument, jwks } from './oidc.js';
import { namespaceObject, serviceAccountObject } from './resources.js';
import { forbidden, injectedFailure, methodNotAllowed, notFound, pathNotFound, unauthorized, type Reply } from './status.js';
import { reviewToken } from './tokenreview.js';
import { MWC_GROUP, MWC_RESOURCE, mwcNotFound, patchObject } from './webhookconfigs.js';
import { PROJECTED_ISSUER } from './tokens.js';

export interface ApiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType?: string;
  body: Buffer;
}

export interface ApiContext extends AuthContext {
  baseUrl: string;
  failTokenReviewsWith: number | null;
  countTokenReview(): void;
}

export const TOKENREVIEWS_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

interface Caller {
  username: string;
  serviceAccount?: { namespace: string; name: string };
}

const ANONYMOUS: Caller = { username: 'system:anonymous' };

/** bearertoken.go: only "Bearer <token>" counts; anything else falls through to anonymous. */
function bearerOf(header: string | undefined): string | undefined {
  const parts = (header ?? '').trim().split(/\s+/);
  return parts.length === 2 && parts[0]!.toLowerCase() === 'bearer' && parts[1] ? parts[1] : undefined;
}

function authenticateCaller(req: ApiRequest, ctx: AuthContext): Caller | null {
  const token = bearerOf(req.authorization);
  if (token === undefined) return ANONYMOUS;
  const result = authenticateToken(token, undefined, ctx);
  if (!result.ok) return null;
  const [, , namespace, name] = result.user.username.split(':');
  return { username: result.user.username, serviceAccount: { namespace: namespace!, name: name! } };
}

const mayDelegate = (caller: Caller, ctx: AuthContext): boolean =>
  caller.serviceAccount !== undefined && ctx.state.isAuthDelegator(caller.serviceAccount.namespace, caller.serviceAccount.name);

const json = (body: unknown, contentType = 'application/json'): Reply => ({ status: 200, body, contentType });

function publicRoute(path: string, ctx: ApiContext): Reply | undefined {
  switch (path) {
    case '/.well-known/openid-configuration':
      return json(discoveryDocument(PROJECTED_ISSUER, ctx.baseUrl));
    case '/openid/v1/jwks':
      return json(jwks(ctx.verifier.publicKey, ctx.verifier.kid), 'application/jwk-set+json');
    case '/version':
      return json(versionInfo(ctx.state.serverVersion));
    case '/healthz':
    case '/livez':
    case '/readyz':
      return { status: 200, body: 'ok', contentType: 'text/plain; charset=utf-8' };
    default:
      return undefined;
  }
}

/** /version as kube-apiserver reports it: minor may carry a "+" (e.g. "29+"), gitVersion does not. */
function versionInfo(v: { major: string; minor: string }): Record<string, string> {
  const digits = (s: string): string => /^\d*/.exec(s)![0];
  return { major: v.major, minor: v.minor, gitVersion: `v${digits(v.major)}.${digits(v.minor)}.0-coffer-fake`, platform: 'linux/amd64' };
}

/** GET and PATCH /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/{name}, with RBAC per verb. */
function webhookConfig(req: ApiRequest, name: string, caller: Caller, ctx: ApiContext): Reply {
  const verb = req.method === 'GET' ? 'get' : req.method === 'PATCH' ? 'patch' : undefined;
  if (!verb) return methodNotAllowed();
  const sa = caller.serviceAccount;
  if (!sa || !ctx.state.isGranted(sa.namespace, sa.name, verb, MWC_RESOURCE)) return forbidden({ user: caller.username, verb, resource: MWC_RESOURCE, group: MWC_GROUP, name });
  const current = ctx.state.webhookConfig(name);
  if (!current) return mwcNotFound(name);
  if (verb === 'get') return json(current);
  const next = patchObject(current as Parameters<typeof patchObject>[0], req.contentType ?? '', req.body);
  if ('status' in next && typeof next.status === 'number') return next as Reply;
  const patched = next as { metadata?: { name?: unknown } } & Record<string, unknown>;
  return json(ctx.state.putWebhookConfig({ ...patched, metadata: { ...(patched.metadata as Record<string, unknown>), name } }));
}

function tokenReviews(req: ApiRequest, caller: Caller, ctx: ApiContext): Reply {
  if (req.method !== 'POST') return methodNotAllowed();
  if (!mayDelegate(caller, ctx)) return forbidden({ user: caller.username, verb: 'create', resource: 'tokenreviews', group: 'authentication.k8s.io' });
  return reviewToken(req.body, ctx);
}

function getNamespace(name: string, caller: Caller, ctx: ApiContext): Reply {
  if (!mayDelegate(caller, ctx)) return forbidden({ user: caller.username, verb: 'get', resource: 'namespaces', group: '', name });
  const ns = ctx.state.namespace(name);
  return ns ? json(namespaceObject(ns)) : notFound('namespaces', name);
}

function getServiceAccount(namespace: string, name: string, caller: Caller, ctx: ApiContext): Reply {
  if (!mayDelegate(caller, ctx)) return forbidden({ user: caller.username, verb: 'get', resource: 'serviceaccounts', group: '', name, namespace });
  const sa = ctx.state.serviceAccount(namespace, name);
  return sa ? json(serviceAccountObject(sa)) : notFound('serviceaccounts', name);
}

export function handleApi(req: ApiRequest, ctx: ApiContext): Reply {
  const path = req.path.split('?')[0]!;
  if (path === TOKENREVIEWS_PATH && req.method === 'POST') {
    ctx.countTokenReview();
    if (ctx.failTokenReviewsWith !== null) return injectedFailure(ctx.failTokenReviewsWith);
  }
  const caller = authenticateCaller(req, ctx);
  if (caller === null) return unauthorized();

  const open = req.method === 'GET' ? publicRoute(path, ctx) : undefined;
  if (open) return open;
  if (path === TOKENREVIEWS_PATH) return tokenReviews(req, caller, ctx);

  let seg: string[];
  try {
    seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return pathNotFound();
  }
  if (seg.length === 5 && seg[0] === 'apis' && seg[1] === MWC_GROUP && seg[2] === 'v1' && seg[3] === MWC_RESOURCE) return webhookConfig(req, seg[4]!, caller, ctx);
  if (seg[0] === 'api' && seg[1] === 'v1' && seg[2] === 'namespaces' && (seg.length === 4 || (seg.length === 6 && seg[4] === 'serviceaccounts'))) {
    if (req.method !== 'GET') return methodNotAllowed();
    return seg.length === 4 ? getNamespace(seg[3]!, caller, ctx) : getServiceAccount(seg[3]!, seg[5]!, caller, ctx);
  }
  return pathNotFound();
}
