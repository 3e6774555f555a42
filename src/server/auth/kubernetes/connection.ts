// Decides, for one login, where the Kubernetes API is, which CA to trust and which bearer to send:
// configured values first, then (unless disable_local_ca_jwt) the pod's own CA and token, then the
// system trust store and the client's own JWT, as backend.go's loadConfig and token_review.go.

import { join } from 'node:path';
import { baseUrl } from './path_config.js';
import type { LocalServiceAccount } from './local_sa.js';
import type { KubeConfig, KubeTarget } from './types.js';

export async function resolveTarget(config: KubeConfig, local: LocalServiceAccount, mountPoint: string, clientJwt: string | null): Promise<KubeTarget> {
  const useLocal = !config.disable_local_ca_jwt;
  let caPem: string | undefined;
  let caSource: string;
  if (config.kubernetes_ca_cert.trim() !== '') {
    caPem = config.kubernetes_ca_cert;
    caSource = `kubernetes_ca_cert from ${mountPoint}config`;
  } else {
    const localCa = useLocal ? await local.ca.read() : null;
    if (localCa) {
      caPem = localCa;
      caSource = `the pod's CA file ${join(local.dir, 'ca.crt')} (kubernetes_ca_cert is not set)`;
    } else {
      caSource = 'the system trust store (kubernetes_ca_cert is not set)';
    }
  }
  let bearer = config.token_reviewer_jwt;
  let bearerSource: KubeTarget['bearerSource'] = 'token_reviewer_jwt';
  if (bearer === '') {
    const localToken = useLocal ? await local.token.read() : null;
    if (localToken) {
      bearer = localToken;
      bearerSource = 'local';
    } else {
      bearer = clientJwt ?? '';
      bearerSource = 'client';
    }
  }
  return { baseUrl: baseUrl(config.kubernetes_host), caPem, caSource, bearer, bearerSource, timeoutMs: config.kubernetes_request_timeout_ms, mountPoint };
}
