// "May this token see this mount at all?" (Vault's hasMountAccess, used by sys/internal/ui/mounts
// and so by the CLI's `kv` commands): true if the mount path itself is granted, or any rule inside
// the mount grants something other than deny, or a "+" pattern covers the mount (Vault's bareMount
// form of CheckAllowedFromNonExactPaths, quirks included).

import { CREATE, DELETE, DENY, LIST, PATCH, READ, SUDO, UPDATE } from './capabilities.js';
import type { CompiledRule, SegmentCandidate } from './acl.js';
import { hasPrefixAt } from './strings.js';

const GRANTING = CREATE | DELETE | LIST | READ | SUDO | UPDATE | PATCH;

export interface MountAccessIndex {
  readonly exact: ReadonlyMap<string, CompiledRule>;
  readonly globEntries: readonly (readonly [string, CompiledRule])[];
  readonly segmentList: readonly SegmentCandidate[];
}

function grantsSomething(rule: CompiledRule): boolean {
  return (rule.bits & DENY) === 0 && (rule.bits & GRANTING) !== 0;
}

/**
 * `capabilities` is the ACL's sys/capabilities answer for the mount path; `mountPath` ends in "/"
 * (e.g. "secret/").
 */
export function hasMountAccess(index: MountAccessIndex, capabilities: (path: string) => readonly string[], mountPath: string): boolean {
  if (!capabilities(mountPath).includes('deny')) return true;
  for (const [key, rule] of index.exact) if (hasPrefixAt(key, mountPath) && grantsSomething(rule)) return true;
  for (const [key, rule] of index.globEntries) if (hasPrefixAt(key, mountPath) && grantsSomething(rule)) return true;
  return bareMountSegmentAccess(index, mountPath);
}

/** Vault's CheckAllowedFromNonExactPaths(path, bareMount=true) != nil. */
function bareMountSegmentAccess(index: MountAccessIndex, mountPath: string): boolean {
  if (index.segmentList.length === 0) {
    // Vault returns the longest glob's permissions here whatever they are, so any covering glob counts.
    return index.globEntries.some(([key]) => hasPrefixAt(mountPath, key));
  }
  const parts = mountPath.split('/');
  for (const { pattern, rule } of index.segmentList) {
    const segs = pattern.segments;
    const kept: string[] = [];
    for (let i = 0; i < segs.length; i++) {
      const seg = segs[i]!;
      const part = parts[i] ?? '';
      if (seg === '+' || seg === part) kept.push(part);
      else if (pattern.isPrefix && i === segs.length - 1 && hasPrefixAt(part, seg)) kept.push(...parts.slice(i));
      if (i === parts.length - 2) {
        if (hasPrefixAt(kept.join('/') + '/', mountPath) && grantsSomething(rule)) return true;
        break;
      }
    }
  }
  return false;
}
