// The token store's stored record. The token ID itself is never stored: records are keyed by its salted hash.

export interface TokenEntry {
  idHash: string;
  accessor: string;
  policies: string[];
  path: string;
  meta: Record<string, string>;
  displayName: string;
  /** Uses left; 0 means unlimited. */
  numUses: number;
  /** seconds since the epoch */
  creationTime: number;
  /** The TTL the token was created with (seconds, 0 = none). */
  creationTtl: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  /** Salted hash of the parent token, '' for an orphan. */
  parentHash: string;
  /** ms since the epoch; 0 = never expires */
  expireTime: number;
  /** Hard limit from explicit_max_ttl or the mount's max TTL (ms, 0 = none). */
  maxExpireTime: number;
  boundCidrs: string[];
  /** The auth mount that issued it (e.g. "auth/kubernetes/"), for renewal re-checks. */
  authMount: string;
  internalData?: Record<string, unknown>;
  entityId: string;
  type: 'service';
}

export interface CreateTokenParams {
  policies: string[];
  path: string;
  meta?: Record<string, string>;
  displayName?: string;
  numUses?: number;
  ttl: number;
  explicitMaxTtl?: number;
  maxTtl?: number;
  period?: number;
  renewable?: boolean;
  parentHash?: string;
  boundCidrs?: string[];
  authMount?: string;
  internalData?: Record<string, unknown>;
  /** Use this ID instead of a random one (dev mode root token). */
  id?: string;
}
