// What the database engine stores in its mount's storage view, under Vault's key names:
// `config/<name>` (connection configs, admin password included: the barrier encrypts it),
// `role/<name>` (dynamic roles) and `static-role/<name>` (static roles with their current password).

import { getJson, putJson, type StorageView } from '../../framework/index.js';

export interface DbConfig {
  plugin_name: string;
  connection_url: string;
  username: string;
  password: string;
  allowed_roles: string[];
  verify_connection: boolean;
  username_template: string;
  password_policy: string;
  max_open_connections: number;
  max_idle_connections: number;
  /** seconds */
  max_connection_lifetime: number;
  root_rotation_statements: string[];
}

export interface DbRole {
  db_name: string;
  creation_statements: string[];
  revocation_statements: string[];
  rollback_statements: string[];
  renew_statements: string[];
  /** seconds; 0: the mount's default */
  default_ttl: number;
  max_ttl: number;
  credential_type: string;
}

export interface StaticRole {
  db_name: string;
  username: string;
  /** seconds */
  rotation_period: number;
  rotation_statements: string[];
  credential_type: string;
  password: string;
  /** ms since the epoch; 0 before the first rotation */
  last_vault_rotation: number;
}

export const configKey = (name: string): string => `config/${name}`;
export const roleKey = (name: string): string => `role/${name}`;
export const staticRoleKey = (name: string): string => `static-role/${name}`;

export const getConfig = (s: StorageView, name: string): Promise<DbConfig | null> => getJson<DbConfig>(s, configKey(name));
export const putConfig = (s: StorageView, name: string, c: DbConfig): Promise<void> => putJson(s, configKey(name), c);
export const getRole = (s: StorageView, name: string): Promise<DbRole | null> => getJson<DbRole>(s, roleKey(name));
export const getStaticRole = (s: StorageView, name: string): Promise<StaticRole | null> => getJson<StaticRole>(s, staticRoleKey(name));

/** Vault's allowed_roles: names or globs ("*", "app-*"); empty allows none. */
export function roleAllowed(config: DbConfig, role: string): boolean {
  return config.allowed_roles.some((p) => {
    if (p === '*' || p === role) return true;
    if (!p.includes('*')) return false;
    const re = new RegExp(`^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(role);
  });
}

/** A name in a path: Vault's framework.GenericNameRegex. */
export const NAME = '\\w(?:[\\w-.]*\\w)?';
