// The records KV v2 keeps in storage: the mount's config and one metadata document per secret.
// Times are stored already formatted (RFC3339Nano, "" when unset) so reads never re-format them.

export interface VersionMetadata {
  created_time: string;
  /** "" when not deleted; a future time when delete_version_after scheduled it. */
  deletion_time: string;
  destroyed: boolean;
}

export interface KeyMetadata {
  /** The secret's path (kept inside the encrypted value; storage key names are hashed). */
  key: string;
  /** Keyed by the version number as a string, like Vault's response. */
  versions: Record<string, VersionMetadata>;
  current_version: number;
  oldest_version: number;
  created_time: string;
  updated_time: string;
  /** 0 = use the mount's setting. */
  max_versions: number;
  cas_required: boolean;
  /** Seconds; 0 = use the mount's setting. */
  delete_version_after: number;
  custom_metadata: Record<string, string> | null;
}

export interface KvConfig {
  /** 0 = the default of 10. */
  max_versions: number;
  cas_required: boolean;
  /** Seconds; 0 = unset, -1 = disabled for every key. */
  delete_version_after: number;
}

export const DEFAULT_MAX_VERSIONS = 10;
export const DELETE_VERSION_AFTER_DISABLED = -1;

export function emptyConfig(): KvConfig {
  return { max_versions: 0, cas_required: false, delete_version_after: 0 };
}

export function newKeyMetadata(key: string, time: string): KeyMetadata {
  return {
    key,
    versions: {},
    current_version: 0,
    oldest_version: 0,
    created_time: time,
    updated_time: time,
    max_versions: 0,
    cas_required: false,
    delete_version_after: 0,
    custom_metadata: null,
  };
}
