// The AppRole method's stored shapes: a role, a secret ID's properties (kept under salted HMACs of
// the role name and the secret ID, never the secret ID itself) and the accessor index.

import type { TokenParams } from '../../framework/index.js';

export interface RoleEntry {
  /** Lower-cased role name (Vault lower-cases new roles). */
  name: string;
  roleId: string;
  bindSecretId: boolean;
  secretIdBoundCidrs: string[];
  secretIdNumUses: number;
  /** seconds; 0: secret IDs do not expire */
  secretIdTtl: number;
  /** Accepted and reported as Vault does; Coffer has one cluster, so it changes nothing. */
  localSecretIds: boolean;
  token: TokenParams;
}

export interface SecretIdEntry {
  accessor: string;
  /** 0: unlimited */
  numUses: number;
  /** seconds, as granted (after the mount's max TTL cap) */
  ttl: number;
  /** ms since the epoch */
  creationTime: number;
  /** ms since the epoch; 0: never */
  expirationTime: number;
  lastUpdatedTime: number;
  metadata: Record<string, string>;
  cidrList: string[];
  tokenBoundCidrs: string[];
}

export interface AccessorEntry {
  roleHmac: string;
  secretIdHmac: string;
}
