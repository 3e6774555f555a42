// POST /apis/authentication.k8s.io/v1/tokenreviews after the caller passed authn/authz: decode the
// TokenReview, authenticate spec.token for spec.audiences (or the apiserver's own), and answer 201
// with the object echoed plus status (pkg/registry/authentication/tokenreview/storage.go).
// Like Go's omitempty, a failed review has no `authenticated` field at all (not false) and `user: {}`.

import { authenticateToken, type AuthContext } from './authenticate.js';
import { badRequest, type Reply } from './status.js';
import type { TokenReview, TokenReviewStatus } from './types.js';

const API_VERSION = 'authentication.k8s.io/v1';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function reviewToken(raw: Buffer, ctx: AuthContext): Reply {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (!isRecord(parsed)) return badRequest("couldn't get version/kind; json parse error: expected a JSON object");
  const { apiVersion, kind } = parsed;
  if (apiVersion !== undefined && apiVersion !== API_VERSION) {
    return badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${API_VERSION})`);
  }
  if (kind !== undefined && kind !== 'TokenReview') return badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (TokenReview)`);

  const spec = isRecord(parsed['spec']) ? parsed['spec'] : {};
  const token = typeof spec['token'] === 'string' ? spec['token'] : '';
  const audiences = Array.isArray(spec['audiences']) ? spec['audiences'].filter((a): a is string => typeof a === 'string') : [];
  if (!token) return badRequest('token is required for TokenReview in authentication');

  const result = authenticateToken(token, audiences, ctx);
  const status: TokenReviewStatus = result.ok ? { authenticated: true, user: result.user, audiences: result.audiences } : { user: {}, error: result.error };
  const metadata = isRecord(parsed['metadata']) ? parsed['metadata'] : {};
  const review: TokenReview = {
    kind: 'TokenReview',
    apiVersion: API_VERSION,
    metadata: { ...metadata, creationTimestamp: null },
    spec: { token, ...(audiences.length > 0 ? { audiences } : {}) },
    status,
  };
  return { status: 201, body: review };
}
