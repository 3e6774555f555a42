// The server's configuration: Vault's config file format (HCL or JSON) -> ServerConfig, and the
// fixed configuration of dev mode. Unknown stanzas Vault has are accepted; misspelled keys are errors.

export interface ListenerConfig {
  host: string;
  port: number;
  tlsDisable: boolean;
  tlsCertFile: string;
  tlsKeyFile: string;
}

export interface ServerConfig {
  storage: { type: string; config: Record<string, string> };
  /** Vault's ha_storage stanza (HA lock in a separate stanza); see ha/factory.ts. */
  haStorage?: { type: string; config: Record<string, string> };
  listeners: ListenerConfig[];
  apiAddr: string;
  /** Vault's cluster_addr: shown to other nodes (sys/leader leader_cluster_address). */
  clusterAddr?: string;
  /** Vault's disable_clustering: accepted; Coffer forwards over api_addr either way. */
  disableClustering?: boolean;
  /** seconds; 0 = Vault's default (768h) */
  defaultLeaseTtl: number;
  maxLeaseTtl: number;
  logLevel: string;
  /** Vault's log_format: "standard" (hclog lines) or "json". */
  logFormat: string;
  disableCache: boolean;
  cacheSize: number;
  maxRequestSize: number;
}

export function parseHostPort(address: string, defaultPort = 8200): { host: string; port: number } {
  const m = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(address.trim());
  const host = m?.[1] || '127.0.0.1';
  const port = m?.[2] !== undefined ? Number(m[2]) : defaultPort;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port in address "${address}"`);
  return { host, port };
}

export function devConfig(listenAddress: string, logLevel = 'info'): ServerConfig {
  const { host, port } = parseHostPort(listenAddress);
  return {
    storage: { type: 'inmem', config: {} },
    listeners: [{ host, port, tlsDisable: true, tlsCertFile: '', tlsKeyFile: '' }],
    apiAddr: `http://${host}:${port}`,
    defaultLeaseTtl: 0,
    maxLeaseTtl: 0,
    logLevel,
    logFormat: 'standard',
    disableCache: false,
    cacheSize: 131072,
    maxRequestSize: 32 * 1024 * 1024,
  };
}
