// The state one database mount shares between its paths: its storage, its connection pools, its
// clock, its mount's TTL limits and its logger.

import type { BackendContext, Logger, StorageView, SystemView, Clock } from '../../framework/index.js';
import { ConnectionCache } from './connections.js';

export interface Engine {
  storage: StorageView;
  connections: ConnectionCache;
  clock: Clock;
  system: SystemView;
  logger: Logger;
}

export function createEngine(ctx: BackendContext): Engine {
  return {
    storage: ctx.storage,
    connections: new ConnectionCache(ctx.storage),
    clock: ctx.clock,
    system: ctx.system,
    logger: ctx.logger.child?.({ '@module': `secrets.database.${ctx.mountPoint.replace(/\/$/, '')}` }) ?? ctx.logger,
  };
}

/**
 * A database error as a client-safe message. Driver messages name users and hosts; a syntax error
 * quotes the SQL near it, which may hold a password: every secret given is replaced by "*****".
 */
export function dbMessage(e: unknown, secrets: readonly string[] = []): string {
  let m = e instanceof Error ? e.message : String(e);
  for (const s of secrets) if (s.length >= 4) m = m.split(s).join('*****');
  return m;
}
