// The TokenReview call behind a one-method interface (so tests can inject a fake): POST
// authentication.k8s.io/v1 tokenreviews with spec.audiences, then check what Kubernetes says the
// token is. Every refusal is a 403 that says why; transport problems come from kube_http.ts.

import { CofferError, permissionDenied } from '../../framework/index.js';
import { KubeHttp, statusMessage } from './kube_http.js';
import { tokenReviewForbidden } from './rbac_hint.js';
import type { KubeTarget, TokenReviewResult } from './types.js';

export interface TokenReviewer {
  review(target: KubeTarget, jwt: string, audiences: string[]): Promise<TokenReviewResult>;
}

interface TokenReviewBody {
  status?: {
    authenticated?: boolean;
    error?: string;
    audiences?: string[];
    user?: { username?: string; uid?: string };
  };
}

export const TOKEN_REVIEW_PATH = '/apis/authentication.k8s.io/v1/tokenreviews';

export class TokenReviewApi implements TokenReviewer {
  constructor(private readonly http: KubeHttp) {}

  async review(target: KubeTarget, jwt: string, audiences: string[]): Promise<TokenReviewResult> {
    const body = {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token: jwt, ...(audiences.length > 0 ? { audiences } : {}) },
    };
    const res = await this.http.request(target, 'POST', TOKEN_REVIEW_PATH, body);
    if (res.status === 401) {
      if (target.bearerSource === 'client') {
        throw permissionDenied(
          'Kubernetes did not accept the JWT (401 Unauthorized from the TokenReview API, which used the JWT itself as its bearer): the service account was deleted or recreated, or the token expired or was revoked',
        );
      }
      const which = target.bearerSource === 'local' ? "Coffer's own pod service-account token" : `the token_reviewer_jwt in ${target.mountPoint}config`;
      throw permissionDenied(
        `Kubernetes rejected the reviewer's bearer token (401 Unauthorized): ${which} has expired, was revoked, or its service account was deleted; write a current reviewer token to ${target.mountPoint}config (a long-lived kubernetes.io/service-account-token Secret, or omit it to use the client's JWT)`,
      );
    }
    if (res.status === 403) throw permissionDenied(tokenReviewForbidden(statusMessage(res), target));
    if (res.status < 200 || res.status > 299) {
      throw new CofferError(500, `the Kubernetes TokenReview API answered ${res.status}: ${statusMessage(res)}`);
    }
    const tr = (typeof res.json === 'object' && res.json !== null ? res.json : {}) as TokenReviewBody;
    const st = tr.status ?? {};
    if (st.error) throw permissionDenied(`Kubernetes TokenReview did not authenticate the JWT: ${st.error}`);
    if (st.authenticated !== true) {
      throw permissionDenied('Kubernetes TokenReview did not authenticate the JWT (the service account was deleted or recreated, or the token expired, was revoked or is forged)');
    }
    const username = st.user?.username ?? '';
    const parts = username.split(':');
    if (parts.length !== 4 || parts[0] !== 'system' || parts[1] !== 'serviceaccount') {
      throw permissionDenied(`Kubernetes TokenReview says the token belongs to "${username}", which is not a service account`);
    }
    const returned = Array.isArray(st.audiences) ? st.audiences.filter((a): a is string => typeof a === 'string') : [];
    if (audiences.length > 0 && returned.length > 0 && !returned.some((a) => audiences.includes(a))) {
      throw permissionDenied(`Kubernetes TokenReview returned audiences [${returned.join(', ')}], none of which is the requested [${audiences.join(', ')}]`);
    }
    return { namespace: parts[2]!, name: parts[3]!, uid: st.user?.uid ?? '', audiences: returned };
  }
}
