// Turns a config stanza (`storage "sqlite" { path = "..." }`) into a PhysicalStorage.
// Types use Vault's names where Vault has them ("inmem", "postgresql"); config values are
// strings as HCL gives them. Unknown types and keys are errors, never silently ignored.
// As in Vault, the environment variable VAULT_PG_CONNECTION_URL, when set, is the postgresql
// connection URL (so a config file, e.g. a Kubernetes ConfigMap, need not hold the password).

import type { PhysicalStorage } from './types.js';
import { createMemoryStorage } from './memory.js';
import { openSqliteStorage } from './sqlite.js';
import { openPostgresStorage } from './postgresql.js';

type StorageConfig = Record<string, string>;

type Env = Readonly<Record<string, string | undefined>>;

interface Backend {
  /** Keys the stanza may have. */
  keys: readonly string[];
  open(config: StorageConfig, env: Env): Promise<PhysicalStorage>;
}

/** Vault's name for the connection URL taken from the environment. */
export const PG_CONNECTION_URL_ENV = 'VAULT_PG_CONNECTION_URL';

/** Keys Vault users may carry over that Coffer does not implement (yet), with what to do instead. */
const UNSUPPORTED: Record<string, string> = {
  ha_enabled: 'high availability is supported on storage "postgresql" only; remove ha_enabled',
  ha_table: 'high availability is supported on storage "postgresql" only; remove ha_table',
  max_idle_connections: 'remove it; idle connections are managed by the pool (max_parallel caps them)',
};

function required(type: string, config: StorageConfig, key: string, envName?: string): string {
  const value = config[key];
  if (value === undefined || value.trim() === '') {
    throw new Error(`storage "${type}": missing required setting ${key}${envName ? ` (or set the environment variable ${envName})` : ''}`);
  }
  return value;
}

function positiveInteger(type: string, key: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\s*[0-9]+\s*$/.test(value) || Number(value) < 1) {
    throw new Error(`storage "${type}": ${key} must be a positive whole number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}

const memory: Backend = { keys: [], open: async () => createMemoryStorage() };

const BACKENDS: Record<string, Backend> = {
  inmem: memory,
  memory,
  sqlite: {
    keys: ['path'],
    open: (config) => openSqliteStorage({ path: required('sqlite', config, 'path') }),
  },
  postgresql: {
    // ha_enabled and ha_table are read by the HA setup (ha/factory.ts).
    keys: ['connection_url', 'table', 'max_parallel', 'ha_enabled', 'ha_table'],
    open: (config, env) =>
      openPostgresStorage({
        connectionUrl: env[PG_CONNECTION_URL_ENV] || required('postgresql', config, 'connection_url', PG_CONNECTION_URL_ENV),
        table: config.table,
        maxParallel: positiveInteger('postgresql', 'max_parallel', config.max_parallel),
      }),
  },
};

export const SUPPORTED_STORAGE_TYPES: readonly string[] = Object.keys(BACKENDS).sort();

export async function createStorage(type: string, config: StorageConfig, env: Env = process.env): Promise<PhysicalStorage> {
  const backend = Object.hasOwn(BACKENDS, type) ? BACKENDS[type] : undefined;
  if (backend === undefined) {
    throw new Error(
      `unsupported storage type ${JSON.stringify(type)}; supported: ${SUPPORTED_STORAGE_TYPES.join(', ')}`,
    );
  }
  for (const key of Object.keys(config)) {
    if (backend.keys.includes(key)) continue;
    const hint = UNSUPPORTED[key] ?? `known settings: ${backend.keys.length ? backend.keys.join(', ') : 'none'}`;
    throw new Error(`storage "${type}": unknown setting ${JSON.stringify(key)}; ${hint}`);
  }
  return backend.open(config, env);
}
