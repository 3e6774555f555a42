// database/creds/:name: creates a database user with the role's creation statements, a name from
// the username template and a generated password, and returns it with a renewable lease. The lease's
// renewal and revocation come back through secret_creds.ts.

import { badRequest, type PathDef } from '../../framework/index.js';
import type { Engine } from './engine.js';
import { dbMessage } from './engine.js';
import { generatePassword, passwordPolicyError } from './password.js';
import { getConfig, getRole, NAME, roleAllowed } from './store.js';
import { renderUsername } from './username.js';
import { CREDS_SECRET_TYPE, type CredsInternal } from './secret_creds.js';

export function pathCreds(engine: Engine): PathDef {
  return {
    pattern: `creds/(?<name>${NAME})`,
    fields: { name: { type: 'string', description: 'Name of the role' } },
    operations: {
      read: async (req, f) => {
        const roleName = f.get<string>('name');
        const role = await getRole(req.storage, roleName);
        if (!role) throw badRequest(`unknown role: ${roleName}`);
        const config = await getConfig(req.storage, role.db_name);
        if (!config) throw badRequest(`could not find database connection "${role.db_name}" for role "${roleName}"`);
        if (!roleAllowed(config, roleName)) throw badRequest(`"${roleName}" is not an allowed role: add it to allowed_roles of database/config/${role.db_name}`);
        const policyError = passwordPolicyError(config.password_policy);
        if (policyError) throw badRequest(policyError);
        const db = await engine.connections.get(role.db_name);
        const now = engine.clock.now();
        const max = Math.min(role.max_ttl || engine.system.maxLeaseTtl(), engine.system.maxLeaseTtl());
        const ttl = Math.min(role.default_ttl || engine.system.defaultLeaseTtl(), max);
        let username: string;
        try {
          username = renderUsername(config.username_template || db.plugin.defaultUsernameTemplate, { displayName: req.token?.displayName ?? '', roleName }, () => engine.clock.now());
        } catch (e) {
          throw badRequest(dbMessage(e));
        }
        const password = generatePassword();
        try {
          await db.plugin.newUser(db.conn, { username, password, expiration: now + ttl * 1000, creation: role.creation_statements, rollback: role.rollback_statements });
        } catch (e) {
          const message = dbMessage(e, [password, config.password]);
          engine.logger.warn({ role: roleName, error: message }, 'creating a database user failed');
          throw badRequest(`failed to create the database user: ${message}`);
        }
        const internal: CredsInternal = {
          secret_type: CREDS_SECRET_TYPE,
          username,
          role: roleName,
          db_name: role.db_name,
          revocation_statements: role.revocation_statements,
          renew_statements: role.renew_statements,
        };
        return {
          data: { username, password },
          secret: { ttl, maxTtl: role.max_ttl, renewable: true, internalData: { ...internal } },
        };
      },
    },
    help: 'Creates a database user for the role and returns its username and password, with a lease.',
  };
}
