// auto_auth method "token_file": the token is read from token_file_path (at every "login", so a
// replaced file is picked up) and checked with lookup-self, whose TTL drives renewal as for a login.

import type { AuthInfo, Client } from '../../client/index.js';
import type { MethodConfig } from '../config/index.js';
import { readSecretFile, type AuthMethod, type LoginResult } from './method.js';

interface LookupData {
  accessor?: string;
  policies?: string[] | null;
  ttl?: number;
  renewable?: boolean;
  meta?: Record<string, string> | null;
  entity_id?: string;
  type?: string;
  orphan?: boolean;
}

export function tokenFileMethod(m: MethodConfig): AuthMethod {
  const path = String(m.config.token_file_path);
  return {
    type: 'token_file',
    async login(client: Client): Promise<LoginResult> {
      const token = await readSecretFile(path, 'token');
      const res = await client.request<LookupData>('GET', 'auth/token/lookup-self', { token, retries: 0 });
      const d = res?.data ?? {};
      const auth: AuthInfo = {
        client_token: token,
        accessor: d.accessor ?? '',
        policies: d.policies ?? null,
        token_policies: d.policies ?? null,
        metadata: d.meta ?? null,
        lease_duration: Number(d.ttl) || 0,
        renewable: d.renewable === true,
      };
      return { kind: 'token', auth };
    },
  };
}
