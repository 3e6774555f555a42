// The database secrets engine (Vault's `database` type): connection configs, dynamic roles whose
// credentials are database users created per lease and dropped when the lease ends, and static roles
// whose passwords Coffer rotates. Plugins: mysql-database-plugin (+ -aurora, -rds, -legacy) over
// mysql2 and postgresql-database-plugin over pg, one pool per connection config.

import { badRequest, type Backend, type BackendFactory } from '../../framework/index.js';
import { createEngine } from './engine.js';
import { pathsConfig } from './path_config.js';
import { pathCreds } from './path_creds.js';
import { pathsRoles } from './path_roles.js';
import { CREDS_SECRET_TYPE, renewCreds, revokeCreds } from './secret_creds.js';
import { pathsStaticRoles, StaticRotation } from './static_roles.js';

export const databaseBackendFactory: BackendFactory = async (ctx) => {
  const rotation = new StaticRotation();
  const engine = createEngine(ctx);
  rotation.engine = engine;
  await rotation.start(ctx.storage);
  const backend: Backend = {
    paths: [...pathsConfig(engine), ...pathsRoles(), pathCreds(engine), ...pathsStaticRoles(engine, rotation)],
    renewSecret: async (lease, increment) => {
      if ((lease.internalData.secret_type ?? CREDS_SECRET_TYPE) !== CREDS_SECRET_TYPE) throw badRequest('lease is not renewable');
      return renewCreds(engine, lease, increment);
    },
    revokeSecret: async (lease) => {
      if ((lease.internalData.secret_type ?? CREDS_SECRET_TYPE) !== CREDS_SECRET_TYPE) return;
      await revokeCreds(engine, lease);
    },
    cleanup: async () => {
      rotation.stop();
      await engine.connections.closeAll();
    },
  };
  return backend;
};
