// auto_auth method "approle": role ID from role_id_file_path, secret ID from secret_id_file_path
// (deleted after reading unless remove_secret_id_file_after_reading = false, as in Vault; the
// value is kept in memory for later logins when the file is gone).

import type { Client } from '../../client/index.js';
import type { MethodConfig } from '../config/index.js';
import { LocalAuthError, loginRequest, readSecretFile, type AuthMethod, type LoginResult } from './method.js';

export function approleMethod(m: MethodConfig): AuthMethod {
  const roleIdPath = String(m.config.role_id_file_path);
  const secretIdPath = m.config.secret_id_file_path === undefined ? undefined : String(m.config.secret_id_file_path);
  const removeAfterReading = m.config.remove_secret_id_file_after_reading !== false;
  let cachedSecretId: string | undefined;
  return {
    type: 'approle',
    async login(client: Client, options): Promise<LoginResult> {
      const body: Record<string, unknown> = { role_id: await readSecretFile(roleIdPath, 'role ID') };
      if (secretIdPath !== undefined) {
        try {
          cachedSecretId = await readSecretFile(secretIdPath, 'secret ID');
          if (removeAfterReading) {
            const { rm } = await import('node:fs/promises');
            await rm(secretIdPath, { force: true });
          }
        } catch (e) {
          if (!(e instanceof LocalAuthError) || cachedSecretId === undefined) throw e;
        }
        body.secret_id = cachedSecretId;
      }
      return loginRequest(client, `${m.mountPath}/login`, body, options.wrapTtlSec);
    },
  };
}
