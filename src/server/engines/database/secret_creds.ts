// The lease type of database/creds (Vault's "creds" secret): renewal extends the user (PostgreSQL's
// VALID UNTIL, or the role's renew_statements) within the role's and the mount's max TTL; revocation
// drops the user with the role's revocation statements, or the ones stored when it was issued if the
// role is gone, or the plugin's default. A failure is thrown: the expiration manager retries it.

import { badRequest, type Lease } from '../../framework/index.js';
import type { Engine } from './engine.js';
import { dbMessage } from './engine.js';
import { getRole } from './store.js';

export const CREDS_SECRET_TYPE = 'creds';

export interface CredsInternal {
  secret_type: string;
  username: string;
  role: string;
  db_name: string;
  revocation_statements: string[];
  renew_statements: string[];
}

function internal(lease: Lease): CredsInternal {
  const d = lease.internalData;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  if (typeof d.username !== 'string' || typeof d.db_name !== 'string') throw new Error('lease has no database user in its internal data');
  return {
    secret_type: String(d.secret_type ?? CREDS_SECRET_TYPE),
    username: d.username,
    role: String(d.role ?? ''),
    db_name: d.db_name,
    revocation_statements: strings(d.revocation_statements),
    renew_statements: strings(d.renew_statements),
  };
}

export async function renewCreds(engine: Engine, lease: Lease, increment: number): Promise<{ ttl: number }> {
  const i = internal(lease);
  const role = await getRole(engine.storage, i.role);
  if (!role) throw badRequest(`error during renew: could not find role with name "${i.role}"`);
  const now = engine.clock.now();
  const systemMax = engine.system.maxLeaseTtl();
  const maxTtl = Math.min(role.max_ttl || systemMax, systemMax);
  let ttl = increment > 0 ? increment : role.default_ttl || engine.system.defaultLeaseTtl();
  const limit = lease.issueTime + maxTtl * 1000;
  if (now + ttl * 1000 > limit) ttl = Math.max(0, Math.floor((limit - now) / 1000));
  if (ttl <= 0) throw badRequest('lease cannot be renewed: it has reached its max TTL');
  const db = await engine.connections.get(i.db_name);
  try {
    await db.plugin.renewUser(db.conn, { username: i.username, expiration: now + ttl * 1000, statements: role.renew_statements });
  } catch (e) {
    throw badRequest(`failed to renew the database user: ${dbMessage(e)}`);
  }
  return { ttl };
}

export async function revokeCreds(engine: Engine, lease: Lease): Promise<void> {
  const i = internal(lease);
  const role = await getRole(engine.storage, i.role);
  const statements = role ? role.revocation_statements : i.revocation_statements;
  const db = await engine.connections.get(i.db_name);
  await db.plugin.revokeUser(db.conn, { username: i.username, statements });
  engine.logger.info({ username: i.username, role: i.role }, 'revoked database user');
}
