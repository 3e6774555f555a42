// Login helpers for the kubernetes, approle and userpass auth methods: each POSTs to
// auth/<mount>/login without sending the current token, then makes the new token the client's.

import { readFile } from 'node:fs/promises';
import type { Client } from './client.js';
import type { AuthInfo } from './types.js';

/** Where Kubernetes mounts a pod's service-account token (projected, rotated by the kubelet). */
export const SERVICE_ACCOUNT_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

const trim = (p: string): string => p.replace(/^\/+|\/+$/g, '');

async function login(client: Client, path: string, body: Record<string, unknown>): Promise<AuthInfo> {
  const res = await client.request('POST', path, { body, token: null });
  if (!res?.auth?.client_token) throw new Error(`the server returned no token for ${path}`);
  client.setToken(res.auth.client_token);
  return res.auth;
}

export interface KubernetesLogin {
  role: string;
  /** The service-account JWT; read from `jwtPath` when omitted. */
  jwt?: string;
  mount?: string;
  /** Default /var/run/secrets/kubernetes.io/serviceaccount/token. */
  jwtPath?: string;
}

export interface AppRoleLogin {
  roleId: string;
  secretId?: string;
  mount?: string;
}

export interface UserpassLogin {
  username: string;
  password: string;
  mount?: string;
}

class KubernetesAuth {
  constructor(private readonly client: Client) {}
  async login(input: KubernetesLogin): Promise<AuthInfo> {
    let jwt = input.jwt;
    if (jwt === undefined) {
      const file = input.jwtPath ?? SERVICE_ACCOUNT_TOKEN_PATH;
      try {
        jwt = (await readFile(file, 'utf8')).trim();
      } catch (e) {
        throw new Error(`cannot read the service-account token at ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): run in a pod with a mounted service account, or pass jwt`, { cause: e });
      }
    }
    return login(this.client, `auth/${trim(input.mount ?? 'kubernetes')}/login`, { role: input.role, jwt });
  }
}

class AppRoleAuth {
  constructor(private readonly client: Client) {}
  async login(input: AppRoleLogin): Promise<AuthInfo> {
    const body: Record<string, unknown> = { role_id: input.roleId };
    if (input.secretId !== undefined) body.secret_id = input.secretId;
    return login(this.client, `auth/${trim(input.mount ?? 'approle')}/login`, body);
  }
}

class UserpassAuth {
  constructor(private readonly client: Client) {}
  async login(input: UserpassLogin): Promise<AuthInfo> {
    if (input.username === '' || input.username.includes('/')) throw new Error('userpass login: the username must be non-empty and contain no "/"');
    return login(this.client, `auth/${trim(input.mount ?? 'userpass')}/login/${input.username}`, { password: input.password });
  }
}

export class AuthApi {
  readonly kubernetes: KubernetesAuth;
  readonly approle: AppRoleAuth;
  readonly userpass: UserpassAuth;

  constructor(client: Client) {
    this.kubernetes = new KubernetesAuth(client);
    this.approle = new AppRoleAuth(client);
    this.userpass = new UserpassAuth(client);
  }
}
