// Reads Vault's HA configuration into an HaBackend: `storage "postgresql" { ha_enabled = "true",
// ha_table = "..." }`, or a separate `ha_storage "postgresql" { ... }` stanza. Fencing needs the
// lock and the data in ONE database (the lock row is read in the data write's statement), so
// ha_storage must name the same database as storage; anything else is refused with the reason.

import { weakBool } from '../../lib/parse-bool.js';
import { describeConnectionUrl } from '../storage/postgresql_config.js';
import { PG_CONNECTION_URL_ENV } from '../storage/factory.js';
import { openPostgresHa } from './postgresql.js';
import type { HaBackend } from './types.js';

type Stanza = { type: string; config: Record<string, string> };
type Env = Readonly<Record<string, string | undefined>>;

const HA_STORAGE_KEYS = ['connection_url', 'table', 'ha_table', 'ha_enabled', 'max_parallel'];

function enabled(where: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  const b = weakBool(value);
  if (b === undefined) throw new Error(`${where}: ha_enabled must be true or false, not ${JSON.stringify(value.slice(0, 40))}`);
  return b;
}

/** True when the configuration asks for HA. */
export function haRequested(storage: Stanza, haStorage: Stanza | undefined): boolean {
  if (haStorage) return enabled(`ha_storage "${haStorage.type}"`, haStorage.config.ha_enabled, true);
  return enabled(`storage "${storage.type}"`, storage.config.ha_enabled, false);
}

/** Opens the HA backend (with the fenced data storage), or null when HA is not configured. */
export async function openHaBackend(storage: Stanza, haStorage: Stanza | undefined, env: Env = process.env): Promise<HaBackend | null> {
  if (!haRequested(storage, haStorage)) return null;
  if (storage.type !== 'postgresql') {
    throw new Error(`high availability needs storage "postgresql" (got storage "${storage.type}"): the HA lock and the data must share one database for fencing`);
  }
  if (haStorage && haStorage.type !== 'postgresql') {
    throw new Error(`ha_storage "${haStorage.type}" is not supported: use ha_storage "postgresql" (the same database as storage) or ha_enabled in the storage stanza`);
  }
  const dataUrl = env[PG_CONNECTION_URL_ENV] || storage.config.connection_url;
  if (!dataUrl) throw new Error(`storage "postgresql": missing required setting connection_url (or set the environment variable ${PG_CONNECTION_URL_ENV})`);
  let haTable = storage.config.ha_table;
  if (haStorage) {
    for (const k of Object.keys(haStorage.config)) {
      if (!HA_STORAGE_KEYS.includes(k)) throw new Error(`ha_storage "postgresql": unknown setting ${JSON.stringify(k)}; known settings: ${HA_STORAGE_KEYS.join(', ')}`);
    }
    const haUrl = haStorage.config.connection_url || dataUrl;
    if (describeConnectionUrl(haUrl) !== describeConnectionUrl(dataUrl)) {
      throw new Error(
        `ha_storage "postgresql" must use the same database as storage "postgresql" (${describeConnectionUrl(dataUrl)}), not ${describeConnectionUrl(haUrl)}: ` +
          'every write checks the lock inside its own transaction (fencing)',
      );
    }
    if (haStorage.config.table && haStorage.config.table !== (storage.config.table ?? haStorage.config.table)) {
      throw new Error('ha_storage "postgresql": table must be the storage table (or left out)');
    }
    haTable = haStorage.config.ha_table ?? haTable;
  }
  const maxParallel = storage.config.max_parallel ? Number(storage.config.max_parallel) : undefined;
  return openPostgresHa({ connectionUrl: dataUrl, table: storage.config.table, haTable, maxParallel });
}
