// Vault's core prefixes a login's display name with the mount path ("auth/userpass/" -> "userpass-"),
// trimming a trailing "-"; Coffer's core passes the name through, so the method builds it.

export function loginDisplayName(mountPoint: string, name: string): string {
  const source = mountPoint.replace(/^auth\//, '').replace(/\//g, '-');
  return `${source}${name}`.replace(/-+$/, '');
}
