// Assembles the kubernetes auth method: config, role, login paths over one set of dependencies
// (the pod's service-account files, the Kubernetes API client), and renewal, which refuses a token
// whose role was deleted or no longer binds its service account (Vault checks only that the role
// exists).

import { CofferError, permissionDenied, type Backend, type BackendContext } from '../../framework/index.js';
import { checkName, checkNamespace } from './bindings.js';
import { resolveTarget } from './connection.js';
import { KubeHttp } from './kube_http.js';
import { KubeLookupsApi, type NamespaceLookup, type ServiceAccountLookup } from './kube_lookups.js';
import { DEFAULT_SA_DIR, localServiceAccount } from './local_sa.js';
import { pathConfig, readConfig } from './path_config.js';
import { pathLogin } from './path_login.js';
import { pathsRole, readRole } from './path_role.js';
import { TokenReviewApi, type TokenReviewer } from './token_review.js';

export interface KubernetesBackendOptions {
  /** The pod's service-account directory (token, ca.crt). */
  serviceAccountDir?: string;
  /** Test seams: replace the calls to the Kubernetes API. */
  tokenReviewer?: TokenReviewer;
  namespaceLookup?: NamespaceLookup;
  serviceAccountLookup?: ServiceAccountLookup;
}

export function kubernetesBackend(ctx: BackendContext, opts: KubernetesBackendOptions = {}): Backend {
  const http = new KubeHttp();
  const api = new KubeLookupsApi(http);
  const local = localServiceAccount(opts.serviceAccountDir ?? DEFAULT_SA_DIR, ctx.clock);
  const deps = {
    clock: ctx.clock,
    logger: ctx.logger,
    local,
    reviewer: opts.tokenReviewer ?? new TokenReviewApi(http),
    namespaces: opts.namespaceLookup ?? api,
    serviceAccounts: opts.serviceAccountLookup ?? api,
  };

  async function renewAuth(internal: Record<string, unknown>): Promise<void> {
    const roleName = typeof internal.role === 'string' ? internal.role : '';
    const name = typeof internal.service_account_name === 'string' ? internal.service_account_name : '';
    const namespace = typeof internal.service_account_namespace === 'string' ? internal.service_account_namespace : '';
    if (roleName === '') throw new CofferError(500, 'failed to fetch role_name during renewal');
    const role = await readRole(ctx.storage, roleName);
    if (!role) throw permissionDenied(`role "${roleName}" no longer exists in ${ctx.mountPoint}, so its tokens cannot be renewed; log in again with a current role`);
    const nameRefusal = checkName(role, roleName, name);
    if (nameRefusal) throw new CofferError(403, `${nameRefusal.message} any more, so this token cannot be renewed`);
    // The client's JWT is not kept, so without a reviewer token a selector cannot be re-read.
    const config = await readConfig(ctx.storage);
    const target = config ? await resolveTarget(config, local, ctx.mountPoint, null) : null;
    const nsRefusal = await checkNamespace(role, roleName, namespace, async () =>
      target && target.bearerSource !== 'client' ? deps.namespaces.labels(target, namespace) : 'unverifiable',
    );
    if (nsRefusal) throw new CofferError(403, `${nsRefusal.message} any more, so this token cannot be renewed`);
  }

  return {
    paths: [pathConfig(), pathLogin(deps), ...pathsRole(ctx.system)],
    renewAuth,
    cleanup: async () => http.close(),
  };
}
