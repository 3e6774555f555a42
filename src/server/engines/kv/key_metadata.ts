// Pure rules over a secret's metadata, as in Vault's KeyMetadata: adding a version moves the
// max_versions window, delete_version_after schedules deletion, and how one version is reported.

import { formatTime, isReached } from './lib/time.js';
import { DEFAULT_MAX_VERSIONS, DELETE_VERSION_AFTER_DISABLED, type KeyMetadata, type KvConfig, type VersionMetadata } from './types.js';

/**
 * Adds version current+1 and returns the highest version number whose data must now be removed
 * (0 for none). Like Vault, the effective limit is max(key, mount) or 10 when both are 0, and
 * oldest_version only starts moving once the window is full.
 */
export function addVersion(meta: KeyMetadata, vm: VersionMetadata, config: KvConfig): number {
  meta.current_version += 1;
  meta.versions[String(meta.current_version)] = vm;
  meta.updated_time = vm.created_time;
  if (meta.created_time === '') meta.created_time = vm.created_time;

  const configured = Math.max(meta.max_versions, config.max_versions);
  const maxVersions = configured > 0 ? configured : DEFAULT_MAX_VERSIONS;
  if (meta.current_version - meta.oldest_version < maxVersions) return 0;

  const versionToDelete = meta.current_version - maxVersions;
  for (let i = meta.oldest_version; i <= versionToDelete; i++) delete meta.versions[String(i)];
  meta.oldest_version = versionToDelete + 1;
  return versionToDelete;
}

/** The deletion time delete_version_after gives a version created (or undeleted) at `fromMs`, or "". */
export function scheduledDeletion(fromMs: number, config: KvConfig, meta: KeyMetadata): string {
  if (config.delete_version_after === DELETE_VERSION_AFTER_DISABLED) return '';
  const mount = config.delete_version_after > 0 ? config.delete_version_after : 0;
  const key = meta.delete_version_after;
  if (mount === 0 && key === 0) return '';
  const after = key !== 0 && (mount === 0 || key < mount) ? key : mount;
  return formatTime(fromMs + after * 1000);
}

/** Soft-deleted (its deletion time has passed) or destroyed: reads answer 404 with the metadata. */
export function isUnreadable(vm: VersionMetadata, nowMs: number): boolean {
  return vm.destroyed || isReached(vm.deletion_time, nowMs);
}

/** The per-version block returned by data reads, writes, patches and subkeys (keys in Vault's order). */
export function versionView(meta: KeyMetadata, version: number, vm: VersionMetadata): Record<string, unknown> {
  return {
    created_time: vm.created_time,
    custom_metadata: meta.custom_metadata,
    deletion_time: vm.deletion_time,
    destroyed: vm.destroyed,
    version,
  };
}
