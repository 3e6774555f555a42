// The database plugins Coffer builds in, by Vault's plugin names.

import type { DatabasePlugin } from './types.js';
import { MYSQL_PLUGINS } from './mysql.js';
import { POSTGRESQL_PLUGIN } from './postgresql.js';

const PLUGINS = new Map<string, DatabasePlugin>([...MYSQL_PLUGINS, POSTGRESQL_PLUGIN].map((p) => [p.name, p]));

export function findPlugin(name: string): DatabasePlugin | undefined {
  return PLUGINS.get(name);
}

export function pluginNames(): string[] {
  return [...PLUGINS.keys()].sort();
}
