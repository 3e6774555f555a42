// The server's configuration file as the ConfigMap carries it: Vault-style HCL that
// `coffer server -config=` reads (src/server/config-file.ts). Paths are the pod's mounts.

import type { ManifestOptions } from './types.js';

/** Where the pod mounts things (the ConfigMap, the data volume, the TLS Secret). */
export const PATHS = {
  configDir: '/coffer/config',
  configFile: 'server.hcl',
  dataDir: '/coffer/data',
  tlsDir: '/coffer/tls',
} as const;

export const SERVER_PORT = 8200;

/** A string as an HCL quoted literal (JSON's escaping is a subset HCL reads). */
const q = (s: string): string => JSON.stringify(s);

export function serverConfigHcl(o: ManifestOptions): string {
  const lines: string[] = [`# Coffer server configuration, written by "coffer k8s manifests".`, ''];
  if (o.storage.type === 'sqlite') {
    lines.push('storage "sqlite" {', `  path = ${q(`${PATHS.dataDir}/coffer.db`)}`, '}');
  } else {
    lines.push(
      `# The connection URL comes from the environment variable VAULT_PG_CONNECTION_URL,`,
      `# filled from key "${o.storage.key}" of the Secret "${o.storage.secret}".`,
      'storage "postgresql" {',
      ...(o.storage.table ? [`  table = ${q(o.storage.table)}`] : []),
      '}',
    );
  }
  lines.push('', 'listener "tcp" {', `  address = ${q(`0.0.0.0:${SERVER_PORT}`)}`);
  if (o.serverTlsSecret) lines.push(`  tls_cert_file = ${q(`${PATHS.tlsDir}/tls.crt`)}`, `  tls_key_file = ${q(`${PATHS.tlsDir}/tls.key`)}`);
  else lines.push('  tls_disable = true');
  lines.push('}', '', `api_addr = ${q(serverAddress(o))}`, `log_level = ${q(o.logLevel)}`, '');
  return lines.join('\n');
}

/** The address clients in the cluster use: the Service's DNS name. */
export function serverAddress(o: ManifestOptions): string {
  return `${o.serverTlsSecret ? 'https' : 'http'}://${o.name}.${o.namespace}.svc:${SERVER_PORT}`;
}
