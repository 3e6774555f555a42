// The kubernetes auth method's public face: the factory the core's catalogue uses. The pod
// service-account directory comes from COFFER_K8S_SA_DIR (read when a mount's backend is created),
// default /var/run/secrets/kubernetes.io/serviceaccount; tests may pass options instead.

import type { BackendFactory } from '../../framework/index.js';
import { kubernetesBackend, type KubernetesBackendOptions } from './backend.js';
import { SA_DIR_ENV } from './local_sa.js';

export type { KubernetesBackendOptions } from './backend.js';
export type { TokenReviewer } from './token_review.js';
export type { NamespaceLookup, ServiceAccountLookup } from './kube_lookups.js';

export function createKubernetesBackendFactory(opts: KubernetesBackendOptions = {}): BackendFactory {
  return async (ctx) => kubernetesBackend(ctx, { ...opts, serviceAccountDir: opts.serviceAccountDir ?? (process.env[SA_DIR_ENV] || undefined) });
}

export const kubernetesBackendFactory: BackendFactory = createKubernetesBackendFactory();
