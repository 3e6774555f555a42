// auto_auth method "kubernetes": reads the pod's service-account JWT (token_path, default the
// projected token the kubelet rotates) at every login, and logs in to <mount_path>/login with role.

import type { Client } from '../../client/index.js';
import type { MethodConfig } from '../config/index.js';
import { loginRequest, readSecretFile, type AuthMethod, type LoginResult } from './method.js';

export const DEFAULT_SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export function kubernetesMethod(m: MethodConfig): AuthMethod {
  const role = String(m.config.role);
  const tokenPath = m.config.token_path === undefined ? DEFAULT_SA_TOKEN_PATH : String(m.config.token_path);
  return {
    type: 'kubernetes',
    async login(client: Client, options): Promise<LoginResult> {
      const jwt = await readSecretFile(tokenPath, 'service-account token');
      return loginRequest(client, `${m.mountPath}/login`, { role, jwt }, options.wrapTtlSec);
    },
  };
}
