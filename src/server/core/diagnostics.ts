// Warnings that catch configuration mistakes users make with Vault (see DESIGN.md, "Known mistakes
// in the seed"): a policy path under a KV v2 mount that lacks the data/ (or metadata/) segment grants
// nothing a KV read needs; we name the path the user probably meant.

import type { Policy } from '../policy/index.js';
import type { MountEntry } from './mounts.js';

const KV2_PREFIXES = ['data/', 'metadata/', 'delete/', 'undelete/', 'destroy/', 'subkeys/', 'config'];

/** Whether a rule path (relative to the mount) can match anything under data/, metadata/, ... */
function reachesKvPaths(rel: string): boolean {
  if (rel.startsWith('+') || KV2_PREFIXES.some((p) => rel.startsWith(p))) return true;
  if (!rel.endsWith('*')) return false;
  const stem = rel.slice(0, -1);
  return KV2_PREFIXES.some((p) => p.startsWith(stem));
}

export function kvV2PolicyWarnings(policy: Policy, mounts: MountEntry[]): string[] {
  const warnings: string[] = [];
  for (const rule of policy.rules) {
    const mount = mounts
      .filter((m) => m.type === 'kv' && m.options.version === '2' && rule.path.startsWith(m.path))
      .sort((a, b) => b.path.length - a.path.length)[0];
    if (!mount) continue;
    const rel = rule.path.slice(mount.path.length);
    if (reachesKvPaths(rel)) continue;
    const name = rel.replace(/\/data(\/\*?)?$/, '$1').replace(/\/$/, '');
    const dataPath = `${mount.path}data/${name}`;
    const listHint = rule.capabilities.includes('list') ? ` (and "${mount.path}metadata/${name}" for list)` : '';
    warnings.push(
      `policy path "${rule.path}" is under the KV version 2 mount "${mount.path}", whose secrets are read and written at "${mount.path}data/<path>": this rule matches no secret. Did you mean "${dataPath}"${listHint}?`,
    );
  }
  return warnings;
}
