// auth/token/ helpers: create (child, orphan or from a role), lookup, renew and revoke tokens,
// by ID or self. Tokens travel in request bodies, never in URLs (which end up in logs).

import type { Client } from './client.js';
import type { AuthInfo, VaultResponse } from './types.js';

export interface TokenCreateRequest {
  id?: string;
  policies?: string[];
  meta?: Record<string, string>;
  no_parent?: boolean;
  no_default_policy?: boolean;
  renewable?: boolean;
  /** "1h", "30m" or seconds. */
  ttl?: string | number;
  type?: 'service' | 'batch';
  explicit_max_ttl?: string | number;
  display_name?: string;
  num_uses?: number;
  period?: string | number;
  entity_alias?: string;
}

export interface TokenLookup {
  accessor: string;
  creation_time: number;
  creation_ttl: number;
  display_name: string;
  entity_id: string;
  expire_time: string | null;
  explicit_max_ttl: number;
  id: string;
  issue_time: string;
  meta: Record<string, string> | null;
  num_uses: number;
  orphan: boolean;
  path: string;
  period?: number;
  policies: string[];
  renewable: boolean;
  ttl: number;
  type: string;
  bound_cidrs?: string[];
}

function authOf(res: VaultResponse<unknown> | null, what: string): AuthInfo {
  if (!res?.auth) throw new Error(`the server returned no auth block for ${what}`);
  return res.auth;
}

function lookupOf(res: VaultResponse<TokenLookup> | null): TokenLookup {
  if (!res?.data) throw new Error('the server returned no token data');
  return res.data;
}

export class TokenApi {
  constructor(private readonly client: Client) {}

  /** A child of the client's token; `orphan` uses create-orphan, `role` creates from a token role. */
  async create(request: TokenCreateRequest = {}, options: { orphan?: boolean; role?: string } = {}): Promise<AuthInfo> {
    const path = options.role ? `auth/token/create/${options.role}` : options.orphan ? 'auth/token/create-orphan' : 'auth/token/create';
    return authOf(await this.client.request('POST', path, { body: request }), path);
  }

  async lookupSelf(): Promise<TokenLookup> {
    return lookupOf(await this.client.request<TokenLookup>('GET', 'auth/token/lookup-self'));
  }

  async lookup(token: string): Promise<TokenLookup> {
    return lookupOf(await this.client.request<TokenLookup>('POST', 'auth/token/lookup', { body: { token } }));
  }

  async lookupAccessor(accessor: string): Promise<TokenLookup> {
    return lookupOf(await this.client.request<TokenLookup>('POST', 'auth/token/lookup-accessor', { body: { accessor } }));
  }

  /** `increment`: the TTL asked for, in seconds or as a duration string. */
  async renewSelf(increment?: number | string): Promise<AuthInfo> {
    return authOf(await this.client.request('POST', 'auth/token/renew-self', { body: increment === undefined ? {} : { increment } }), 'auth/token/renew-self');
  }

  async renew(token: string, increment?: number | string): Promise<AuthInfo> {
    return authOf(await this.client.request('POST', 'auth/token/renew', { body: increment === undefined ? { token } : { token, increment } }), 'auth/token/renew');
  }

  /** Revokes the client's token (and its children); the client keeps no token afterwards. */
  async revokeSelf(): Promise<void> {
    await this.client.request('POST', 'auth/token/revoke-self');
    this.client.clearToken();
  }

  /** Revokes a token and its children. */
  async revoke(token: string): Promise<void> {
    await this.client.request('POST', 'auth/token/revoke', { body: { token } });
  }

  async revokeAccessor(accessor: string): Promise<void> {
    await this.client.request('POST', 'auth/token/revoke-accessor', { body: { accessor } });
  }
}
