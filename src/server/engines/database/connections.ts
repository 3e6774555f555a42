// One pooled connection per connection config, opened on first use and closed when the config is
// written, deleted or reset, and when the mount is removed or the server seals (closeAll).

import type { StorageView } from '../../framework/index.js';
import { findPlugin } from './plugins/catalog.js';
import type { DatabasePlugin, DbConnection } from './plugins/types.js';
import { getConfig, type DbConfig } from './store.js';

export interface OpenDatabase {
  config: DbConfig;
  plugin: DatabasePlugin;
  conn: DbConnection;
}

export function openDatabase(config: DbConfig): OpenDatabase {
  const plugin = findPlugin(config.plugin_name);
  if (!plugin) throw new Error(`unknown plugin "${config.plugin_name}"`);
  const conn = plugin.open({
    connectionUrl: config.connection_url,
    username: config.username,
    password: config.password,
    maxOpenConnections: config.max_open_connections,
    maxIdleConnections: config.max_idle_connections,
    maxConnectionLifetime: config.max_connection_lifetime,
  });
  return { config, plugin, conn };
}

export class ConnectionCache {
  private open = new Map<string, OpenDatabase>();

  constructor(private readonly storage: StorageView) {}

  /** The open database for a config name; throws when there is no such config. */
  async get(name: string): Promise<OpenDatabase> {
    const have = this.open.get(name);
    if (have) return have;
    const config = await getConfig(this.storage, name);
    if (!config) throw new Error(`could not find database connection "${name}"`);
    const again = this.open.get(name);
    if (again) return again;
    const db = openDatabase(config);
    this.open.set(name, db);
    return db;
  }

  async close(name: string): Promise<void> {
    const db = this.open.get(name);
    this.open.delete(name);
    await db?.conn.close();
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((d) => d.conn.close()));
  }
}
