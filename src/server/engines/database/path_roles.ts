// database/roles/:name: dynamic roles (which connection, the SQL that creates, renews, revokes and
// rolls back a user, and the lease TTLs), with Vault's fields and response shape; LIST database/roles.

import { badRequest, notFound, putJson, type FieldData, type PathDef, type StorageView } from '../../framework/index.js';
import { dbMessage } from './engine.js';
import { statementList } from './statements.js';
import { getRole, NAME, roleKey, type DbRole } from './store.js';

const STATEMENT_FIELDS = ['creation_statements', 'revocation_statements', 'rollback_statements', 'renew_statements'] as const;

export const ROLE_FIELDS = {
  name: { type: 'string' as const },
  db_name: { type: 'string' as const, description: 'Name of the database connection (database/config/<db_name>)' },
  creation_statements: { type: 'raw' as const, description: 'SQL creating the user; {{name}}, {{password}} and {{expiration}} are filled in' },
  revocation_statements: { type: 'raw' as const, description: "SQL dropping the user (default: the plugin's)" },
  rollback_statements: { type: 'raw' as const, description: 'SQL undoing a failed creation' },
  renew_statements: { type: 'raw' as const, description: 'SQL extending the user on renewal' },
  default_ttl: { type: 'duration' as const, description: 'Lease TTL of the credentials (0: the mount default)' },
  max_ttl: { type: 'duration' as const, description: 'Maximum lease TTL (0: the mount maximum)' },
  credential_type: { type: 'string' as const, default: 'password' },
  credential_config: { type: 'map' as const },
};

export function checkCredentialType(t: string): void {
  if (t !== 'password') throw badRequest(`credential_type "${t}" is not supported by Coffer: use "password"`);
}

function buildRole(existing: DbRole | null, f: FieldData): DbRole {
  const role: DbRole = existing
    ? { ...existing }
    : { db_name: '', creation_statements: [], revocation_statements: [], rollback_statements: [], renew_statements: [], default_ttl: 0, max_ttl: 0, credential_type: 'password' };
  if (f.has('db_name')) role.db_name = f.get<string>('db_name');
  if (!role.db_name) throw badRequest('empty database name attribute');
  for (const k of STATEMENT_FIELDS) {
    if (!f.has(k)) continue;
    try {
      role[k] = statementList(f.raw[k], k);
    } catch (e) {
      throw badRequest(dbMessage(e));
    }
  }
  if (role.creation_statements.length === 0) throw badRequest('empty creation statements');
  if (f.has('default_ttl')) role.default_ttl = f.get<number>('default_ttl');
  if (f.has('max_ttl')) role.max_ttl = f.get<number>('max_ttl');
  if (role.default_ttl < 0 || role.max_ttl < 0) throw badRequest('default_ttl and max_ttl must not be negative');
  if (role.max_ttl > 0 && role.default_ttl > role.max_ttl) throw badRequest('ttl cannot be greater than max_ttl');
  if (f.has('credential_type') || !existing) role.credential_type = f.get<string>('credential_type') || 'password';
  checkCredentialType(role.credential_type);
  return role;
}

export function roleData(r: DbRole): Record<string, unknown> {
  return {
    db_name: r.db_name,
    creation_statements: r.creation_statements,
    revocation_statements: r.revocation_statements,
    rollback_statements: r.rollback_statements,
    renew_statements: r.renew_statements,
    default_ttl: r.default_ttl,
    max_ttl: r.max_ttl,
    credential_type: r.credential_type,
    credential_config: {},
  };
}

export function pathsRoles(): PathDef[] {
  const name = (f: FieldData): string => f.get<string>('name');
  const write = async (req: { storage: StorageView }, f: FieldData): Promise<null> => {
    const role = buildRole(await getRole(req.storage, name(f)), f);
    await putJson(req.storage, roleKey(name(f)), role);
    return null;
  };
  return [
    {
      pattern: 'roles/?',
      operations: {
        list: async (req) => {
          const keys = (await req.storage.list('role/')).filter((k) => !k.endsWith('/')).sort();
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
      help: 'Lists the dynamic roles.',
    },
    {
      pattern: `roles/(?<name>${NAME})`,
      fields: ROLE_FIELDS,
      existenceCheck: async (req, f) => (await getRole(req.storage, name(f))) !== null,
      operations: {
        create: write,
        update: write,
        read: async (req, f) => {
          const r = await getRole(req.storage, name(f));
          if (!r) throw notFound();
          return { data: roleData(r) };
        },
        delete: async (req, f) => {
          await req.storage.delete(roleKey(name(f)));
          return null;
        },
      },
      help: 'Manages a dynamic role: database/creds/<name> creates a user with these statements.',
    },
  ];
}
