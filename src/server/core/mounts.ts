// The mount tables: which secrets engines (sys/mounts) and auth methods (sys/auth) are enabled at
// which paths, with their options and tuning. Persisted in the barrier under core/.

import { randomBytes, randomUUID } from 'node:crypto';
import type { StorageView } from '../framework/types.js';
import { getJson, putJson } from '../framework/json-storage.js';
import type { UserLockoutConfig } from '../quotas/lockout.js';

export interface MountConfig {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache: boolean;
  listing_visibility?: string;
  audit_non_hmac_request_keys?: string[];
  audit_non_hmac_response_keys?: string[];
  passthrough_request_headers?: string[];
  /** Auth mounts of userpass/approle: Vault's user lockout settings (seconds; 0 = default). */
  user_lockout_config?: UserLockoutConfig;
}

export interface MountEntry {
  path: string;
  type: string;
  description: string;
  uuid: string;
  accessor: string;
  options: Record<string, string>;
  config: MountConfig;
  local: boolean;
  sealWrap: boolean;
  /** 'mounts' for secrets engines, 'auth' for auth methods (path then starts with auth/). */
  table: 'mounts' | 'auth';
}

export const MOUNTS_KEY = 'core/mounts';
export const AUTH_KEY = 'core/auth';

export function newMountEntry(p: {
  path: string;
  type: string;
  table: 'mounts' | 'auth';
  description?: string;
  options?: Record<string, string>;
  config?: Partial<MountConfig>;
  local?: boolean;
  sealWrap?: boolean;
}): MountEntry {
  const accessorType = p.type.replace(/[^a-z0-9]/gi, '');
  return {
    path: p.path,
    type: p.type,
    description: p.description ?? '',
    uuid: randomUUID(),
    accessor: `${p.table === 'auth' ? 'auth_' : ''}${accessorType}_${randomBytes(4).toString('hex')}`,
    options: p.options ?? {},
    config: { default_lease_ttl: 0, max_lease_ttl: 0, force_no_cache: false, ...p.config },
    local: p.local ?? false,
    sealWrap: p.sealWrap ?? false,
    table: p.table,
  };
}

export async function loadMountTable(storage: StorageView, key: string): Promise<MountEntry[] | null> {
  return getJson<MountEntry[]>(storage, key);
}

export async function saveMountTable(storage: StorageView, key: string, entries: MountEntry[]): Promise<void> {
  await putJson(storage, key, entries);
}

/** Normalizes a user-given mount path: no leading slash, exactly one trailing slash. */
export function normalizeMountPath(path: string): string {
  return `${path.replace(/^\/+/, '').replace(/\/+$/, '')}/`;
}

/** Storage prefix of a mount's private data in the barrier. */
export function mountStoragePrefix(entry: MountEntry): string {
  return `${entry.table === 'auth' ? 'auth' : 'logical'}/${entry.uuid}/`;
}
