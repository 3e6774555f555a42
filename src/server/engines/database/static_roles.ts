// Static roles: an existing database user whose password Coffer owns and rotates every
// rotation_period (and on database/rotate-role/:name). database/static-roles/:name manages the role
// (writing it rotates the password at once, as Vault does), database/static-creds/:name reads the
// current password and the time until the next rotation. The schedule is an in-memory map of next
// rotation times, rebuilt from storage when the mount starts; a failed rotation is retried 10 s later.

import { badRequest, notFound, putJson, type FieldData, type PathDef, type StorageView } from '../../framework/index.js';
import type { Engine } from './engine.js';
import { dbMessage } from './engine.js';
import { generatePassword, passwordPolicyError } from './password.js';
import { checkCredentialType } from './path_roles.js';
import { statementList } from './statements.js';
import { getConfig, getStaticRole, NAME, roleAllowed, staticRoleKey, type StaticRole } from './store.js';
import { createKeyedLock } from '../../framework/index.js';

const RETRY_MS = 10_000;
const MIN_PERIOD = 5;

export class StaticRotation {
  private next = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly lock = createKeyedLock();
  engine!: Engine;

  async start(storage: StorageView): Promise<void> {
    for (const name of await storage.list('static-role/')) {
      if (name.endsWith('/')) continue;
      const r = await getStaticRole(storage, name);
      if (r) this.next.set(name, r.last_vault_rotation + r.rotation_period * 1000);
    }
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.next.clear();
  }

  schedule(name: string, at: number | null): void {
    if (at === null) this.next.delete(name);
    else this.next.set(name, at);
  }

  /** Rotates what is due; the timer calls it every second, tests may call it after moving the clock. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = this.engine.clock.now();
      for (const [name, at] of [...this.next]) {
        if (at > now) continue;
        try {
          await this.rotate(name);
        } catch (e) {
          this.engine.logger.warn({ role: name, error: dbMessage(e) }, 'static role rotation failed; retrying');
          this.next.set(name, now + RETRY_MS);
        }
      }
    } finally {
      this.running = false;
    }
  }

  /** Sets a new password for the role's user and stores it. */
  rotate(name: string): Promise<StaticRole> {
    return this.lock.run(name, async () => {
      const e = this.engine;
      const role = await getStaticRole(e.storage, name);
      if (!role) {
        this.next.delete(name);
        throw badRequest(`unknown static role "${name}"`);
      }
      const rotated = await setPassword(e, name, role);
      this.next.set(name, rotated.last_vault_rotation + rotated.rotation_period * 1000);
      return rotated;
    });
  }
}

async function setPassword(e: Engine, name: string, role: StaticRole): Promise<StaticRole> {
  const config = await getConfig(e.storage, role.db_name);
  if (!config) throw badRequest(`could not find database connection "${role.db_name}"`);
  const policyError = passwordPolicyError(config.password_policy);
  if (policyError) throw badRequest(policyError);
  const db = await e.connections.get(role.db_name);
  const password = generatePassword();
  try {
    await db.plugin.setPassword(db.conn, { username: role.username, password, statements: role.rotation_statements });
  } catch (err) {
    throw badRequest(`failed to rotate the password of static role "${name}": ${dbMessage(err, [password, role.password, config.password])}`);
  }
  const next: StaticRole = { ...role, password, last_vault_rotation: e.clock.now() };
  await putJson(e.storage, staticRoleKey(name), next);
  e.logger.info({ role: name }, 'rotated static role password');
  return next;
}

function rotationTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function pathsStaticRoles(engine: Engine, rotation: StaticRotation): PathDef[] {
  const name = (f: FieldData): string => f.get<string>('name');
  const write = async (req: { storage: StorageView }, f: FieldData): Promise<null> => {
    const n = name(f);
    const existing = await getStaticRole(req.storage, n);
    const role: StaticRole = existing ? { ...existing } : { db_name: '', username: '', rotation_period: 0, rotation_statements: [], credential_type: 'password', password: '', last_vault_rotation: 0 };
    if (f.has('db_name')) role.db_name = f.get<string>('db_name');
    if (!role.db_name) throw badRequest('empty database name attribute');
    if (f.has('username')) {
      const u = f.get<string>('username');
      if (existing && u !== existing.username) throw badRequest('cannot update static account username');
      role.username = u;
    }
    if (!role.username) throw badRequest('username is a required field to create a static account');
    if (f.has('rotation_period')) role.rotation_period = f.get<number>('rotation_period');
    if (!existing && !f.has('rotation_period')) throw badRequest('rotation_period is required to create static accounts');
    if (role.rotation_period < MIN_PERIOD) throw badRequest(`rotation_period must be ${MIN_PERIOD} seconds or more`);
    if (f.has('rotation_statements')) {
      try {
        role.rotation_statements = statementList(f.raw.rotation_statements, 'rotation_statements');
      } catch (e) {
        throw badRequest(dbMessage(e));
      }
    }
    if (f.has('credential_type')) role.credential_type = f.get<string>('credential_type') || 'password';
    checkCredentialType(role.credential_type);
    const config = await getConfig(req.storage, role.db_name);
    if (!config) throw badRequest(`could not find database connection "${role.db_name}"`);
    if (!roleAllowed(config, n)) throw badRequest(`"${n}" is not an allowed role: add it to allowed_roles of database/config/${role.db_name}`);
    await putJson(req.storage, staticRoleKey(n), role);
    if (!existing) {
      // As Vault: a new static role takes over the account by rotating its password at once.
      try {
        await rotation.rotate(n);
      } catch (e) {
        await req.storage.delete(staticRoleKey(n));
        rotation.schedule(n, null);
        throw e;
      }
    } else rotation.schedule(n, role.last_vault_rotation + role.rotation_period * 1000);
    return null;
  };
  return [
    {
      pattern: 'static-roles/?',
      operations: {
        list: async (req) => {
          const keys = (await req.storage.list('static-role/')).filter((k) => !k.endsWith('/')).sort();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
      help: 'Lists the static roles.',
    },
    {
      pattern: `static-roles/(?<name>${NAME})`,
      fields: {
        name: { type: 'string' },
        db_name: { type: 'string', description: 'Name of the database connection' },
        username: { type: 'string', description: 'The existing database user whose password Coffer rotates' },
        rotation_period: { type: 'duration', description: 'How often the password is rotated (at least 5s)' },
        rotation_statements: { type: 'raw', description: 'SQL setting the password ({{name}}, {{password}}); default: the plugin\'s' },
        credential_type: { type: 'string', default: 'password' },
        credential_config: { type: 'map' },
      },
      existenceCheck: async (req, f) => (await getStaticRole(req.storage, name(f))) !== null,
      operations: {
        create: write,
        update: write,
        read: async (req, f) => {
          const r = await getStaticRole(req.storage, name(f));
          if (!r) throw notFound();
          return {
            data: {
              db_name: r.db_name,
              username: r.username,
              rotation_period: r.rotation_period,
              rotation_statements: r.rotation_statements,
              last_vault_rotation: rotationTime(r.last_vault_rotation),
              credential_type: r.credential_type,
              credential_config: {},
            },
          };
        },
        delete: async (req, f) => {
          await req.storage.delete(staticRoleKey(name(f)));
          rotation.schedule(name(f), null);
          return null;
        },
      },
      help: 'Manages a static role: an existing database user whose password Coffer rotates.',
    },
    {
      pattern: `static-creds/(?<name>${NAME})`,
      fields: { name: { type: 'string' } },
      operations: {
        read: async (req, f) => {
          const r = await getStaticRole(req.storage, name(f));
          if (!r) throw badRequest(`unknown role: ${name(f)}`);
          const nextAt = r.last_vault_rotation + r.rotation_period * 1000;
          return {
            data: {
              username: r.username,
              password: r.password,
              last_vault_rotation: rotationTime(r.last_vault_rotation),
              rotation_period: r.rotation_period,
              ttl: Math.max(0, Math.floor((nextAt - engine.clock.now()) / 1000)),
            },
          };
        },
      },
      help: "Reads a static role's current password and the seconds until its next rotation.",
    },
    {
      pattern: `rotate-role/(?<name>${NAME})`,
      fields: { name: { type: 'string' } },
      operations: {
        update: async (_req, f) => {
          await rotation.rotate(name(f));
          return null;
        },
      },
      help: "Rotates a static role's password now.",
    },
  ];
}
