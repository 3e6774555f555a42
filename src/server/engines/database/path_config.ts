// database/config/:name (write, read without the password, list, delete), database/reset/:name and
// database/rotate-root/:name, with Vault's field names and defaults.

import { badRequest, formatDuration, notFound, type FieldData, type PathDef } from '../../framework/index.js';
import { openDatabase } from './connections.js';
import type { Engine } from './engine.js';
import { dbMessage } from './engine.js';
import { generatePassword, passwordPolicyError } from './password.js';
import { findPlugin, pluginNames } from './plugins/catalog.js';
import { statementList } from './statements.js';
import { configKey, getConfig, NAME, putConfig, type DbConfig } from './store.js';
import { checkUsernameTemplate } from './username.js';

const FIELDS = {
  name: { type: 'string' as const, description: 'Name of this database connection' },
  plugin_name: { type: 'string' as const, description: 'mysql-database-plugin (or -aurora, -rds, -legacy) or postgresql-database-plugin' },
  plugin_version: { type: 'string' as const },
  verify_connection: { type: 'bool' as const, default: true, description: 'Connect to the database on write to check the settings' },
  allowed_roles: { type: 'strings' as const, description: 'Roles allowed to use this connection ("*" for all); empty allows none' },
  root_rotation_statements: { type: 'raw' as const, description: 'Statements that change the admin password on rotate-root' },
  password_policy: { type: 'string' as const },
  connection_url: { type: 'string' as const, description: 'Connection string with {{username}} and {{password}}' },
  username: { type: 'string' as const },
  password: { type: 'string' as const },
  username_template: { type: 'string' as const },
  max_open_connections: { type: 'int' as const, default: 4 },
  max_idle_connections: { type: 'int' as const, default: 0 },
  max_connection_lifetime: { type: 'duration' as const, default: 0 },
};

function buildConfig(existing: DbConfig | null, f: FieldData): DbConfig {
  const take = <T>(name: string, current: T | undefined, fallback: T): T => (f.has(name) ? f.get<T>(name) : current ?? fallback);
  const pluginName = take('plugin_name', existing?.plugin_name, '');
  if (!pluginName) throw badRequest('empty plugin name');
  if (existing && f.has('plugin_name') && pluginName !== existing.plugin_name) {
    throw badRequest('cannot update plugin_name of an existing connection: delete it and create it again');
  }
  if (!findPlugin(pluginName)) throw badRequest(`unknown plugin_name "${pluginName}": Coffer provides ${pluginNames().join(', ')}`);
  let rotation: string[];
  try {
    rotation = f.has('root_rotation_statements') ? statementList(f.raw.root_rotation_statements, 'root_rotation_statements') : existing?.root_rotation_statements ?? [];
  } catch (e) {
    throw badRequest(dbMessage(e));
  }
  const c: DbConfig = {
    plugin_name: pluginName,
    connection_url: take('connection_url', existing?.connection_url, ''),
    username: take('username', existing?.username, ''),
    password: take('password', existing?.password, ''),
    allowed_roles: take('allowed_roles', existing?.allowed_roles, [] as string[]),
    verify_connection: f.get<boolean>('verify_connection'),
    username_template: take('username_template', existing?.username_template, ''),
    password_policy: take('password_policy', existing?.password_policy, ''),
    max_open_connections: take('max_open_connections', existing?.max_open_connections, 4),
    max_idle_connections: take('max_idle_connections', existing?.max_idle_connections, 0),
    max_connection_lifetime: take('max_connection_lifetime', existing?.max_connection_lifetime, 0),
    root_rotation_statements: rotation,
  };
  if (!c.connection_url) throw badRequest('connection_url cannot be empty');
  if (c.max_open_connections < 0) throw badRequest('max_open_connections must be zero or more');
  if (c.max_connection_lifetime < 0) throw badRequest('max_connection_lifetime must not be negative');
  const policyError = passwordPolicyError(c.password_policy);
  if (policyError) throw badRequest(policyError);
  if (c.username_template) {
    try {
      checkUsernameTemplate(c.username_template);
    } catch (e) {
      throw badRequest(dbMessage(e));
    }
  }
  return c;
}

function hasLiteralPassword(c: DbConfig): boolean {
  const plugin = findPlugin(c.plugin_name);
  return plugin ? plugin.redactUrl(c.connection_url) !== c.connection_url : false;
}

function readData(c: DbConfig): Record<string, unknown> {
  const plugin = findPlugin(c.plugin_name);
  const details: Record<string, unknown> = {
    connection_url: plugin ? plugin.redactUrl(c.connection_url) : '',
    username: c.username,
    max_open_connections: c.max_open_connections,
    max_idle_connections: c.max_idle_connections,
    max_connection_lifetime: formatDuration(c.max_connection_lifetime),
  };
  if (c.username_template) details.username_template = c.username_template;
  return {
    plugin_name: c.plugin_name,
    plugin_version: '',
    connection_details: details,
    allowed_roles: c.allowed_roles,
    root_credentials_rotate_statements: c.root_rotation_statements,
    password_policy: c.password_policy,
    verify_connection: c.verify_connection,
  };
}

export function pathsConfig(engine: Engine): PathDef[] {
  const name = (f: FieldData): string => f.get<string>('name');
  return [
    {
      pattern: 'config/?',
      operations: {
        list: async (req) => {
          const keys = (await req.storage.list('config/')).filter((k) => !k.endsWith('/')).sort();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
      help: 'Lists the configured database connections.',
    },
    {
      pattern: `config/(?<name>${NAME})`,
      fields: FIELDS,
      existenceCheck: async (req, f) => (await getConfig(req.storage, name(f))) !== null,
      operations: {
        create: async (req, f) => write(req.storage, f),
        update: async (req, f) => write(req.storage, f),
        read: async (req, f) => {
          const c = await getConfig(req.storage, name(f));
          if (!c) throw notFound();
          return { data: readData(c) };
        },
        delete: async (req, f) => {
          await req.storage.delete(configKey(name(f)));
          await engine.connections.close(name(f));
          return null;
        },
      },
      help: 'Configures a connection to a database: the plugin, the connection URL and the admin user Coffer creates users with.',
    },
    {
      pattern: `reset/(?<name>${NAME})`,
      fields: { name: { type: 'string' } },
      operations: {
        update: async (req, f) => {
          if (!(await getConfig(req.storage, name(f)))) throw badRequest(`could not find database connection "${name(f)}"`);
          await engine.connections.close(name(f));
          return null;
        },
      },
      help: 'Closes the connection pool of a database connection; the next use opens a new one with the stored settings.',
    },
    {
      pattern: `rotate-root/(?<name>${NAME})`,
      fields: { name: { type: 'string' } },
      operations: { update: async (req, f) => rotateRoot(req.storage, name(f)) },
      help: "Changes the configured admin user's password to a generated one that only Coffer knows.",
    },
  ];

  async function write(storage: Engine['storage'], f: FieldData): Promise<{ data: null; warnings?: string[] } | null> {
    const n = name(f);
    const existing = await getConfig(storage, n);
    const c = buildConfig(existing, f);
    if (c.verify_connection) {
      let db;
      try {
        db = openDatabase(c);
      } catch (e) {
        throw badRequest(`error creating database object: ${dbMessage(e, [c.password])}`);
      }
      try {
        await db.conn.verify();
      } catch (e) {
        throw badRequest(`error creating database object: error verifying connection: ${dbMessage(e, [c.password])}`);
      } finally {
        await db.conn.close();
      }
    }
    await putConfig(storage, n, c);
    await engine.connections.close(n);
    if (hasLiteralPassword(c)) {
      return { data: null, warnings: ['Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.'] };
    }
    return null;
  }

  async function rotateRoot(storage: Engine['storage'], n: string): Promise<null> {
    const c = await getConfig(storage, n);
    if (!c) throw badRequest(`could not find database connection "${n}"`);
    if (!c.username) throw badRequest('unable to rotate root credentials: no username in configuration');
    if (!c.connection_url.includes('{{password}}')) throw badRequest('unable to rotate root credentials: connection_url must use {{password}}, not a literal password');
    const password = generatePassword();
    const db = await engine.connections.get(n).catch((e: unknown) => {
      throw badRequest(dbMessage(e));
    });
    try {
      await db.plugin.setPassword(db.conn, { username: c.username, password, statements: c.root_rotation_statements });
    } catch (e) {
      throw badRequest(`failed to update user: ${dbMessage(e, [password, c.password])}`);
    }
    await putConfig(storage, n, { ...c, password });
    await engine.connections.close(n);
    engine.logger.info({ connection: n }, 'rotated root credentials');
    return null;
  }
}
