// Vault's root-protected paths: a request to one of these needs `sudo` on the matching rule as well
// as the operation's own capability. Taken from the `PathsSpecial.Root` lists of Vault's system
// backend (vault/logical_system.go, Vault 1.15) and token store (vault/token_store.go), mounted at
// "sys/" and "auth/token/". A trailing "*" is a prefix match; anything else must match exactly.
//
// Not in these lists but also needing sudo, checked by the token store's own handlers:
// `auth/token/create` with `no_parent=true` (and no role), and any token create that sets `period`.
// `auth/token/create-orphan` does not need sudo (it is ACL'd like any path).

/** Relative to the "sys/" mount. */
export const SYSTEM_ROOT_PATHS: readonly string[] = [
  'auth/*',
  'remount',
  'audit',
  'audit/*',
  'raw',
  'raw/*',
  'replication/primary/secondary-token',
  'replication/performance/primary/secondary-token',
  'replication/dr/primary/secondary-token',
  'replication/reindex',
  'replication/dr/reindex',
  'replication/performance/reindex',
  'rotate',
  'config/cors',
  'config/auditing/*',
  'config/ui/headers/*',
  'plugins/catalog/*',
  'plugins/runtimes/catalog/*',
  'revoke-prefix/*',
  'revoke-force/*',
  'leases/revoke-prefix/*',
  'leases/revoke-force/*',
  'leases/lookup/*',
  'storage/raft/snapshot-auto/config/*',
  'leases',
  'internal/inspect/*',
  // Vault enforces these two in code rather than through this list, with the same effect.
  'seal',
  'step-down',
];

/** Relative to the "auth/token/" mount. */
export const TOKEN_STORE_ROOT_PATHS: readonly string[] = ['revoke-orphan/*', 'accessors*'];

/** Every root-protected path as a full request path, e.g. "sys/audit/*", "auth/token/accessors*". */
export const SUDO_PATHS: readonly string[] = [
  ...SYSTEM_ROOT_PATHS.map((p) => `sys/${p}`),
  ...TOKEN_STORE_ROOT_PATHS.map((p) => `auth/token/${p}`),
];

const exactPaths = new Set(SUDO_PATHS.filter((p) => !p.endsWith('*')));
const prefixPaths = SUDO_PATHS.filter((p) => p.endsWith('*')).map((p) => p.slice(0, -1));

/** True if the request path (leading "/" ignored) is root-protected and so needs sudo. */
export function isSudoPath(path: string): boolean {
  let i = 0;
  while (path.charCodeAt(i) === 47) i++;
  const p = i === 0 ? path : path.slice(i);
  if (exactPaths.has(p)) return true;
  for (const prefix of prefixPaths) if (p.startsWith(prefix)) return true;
  return false;
}
