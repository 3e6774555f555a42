// Starts a Coffer server: storage (with the read cache), the core, the HTTP listener(s), signal
// handling; and dev mode, which also initializes, unseals, mounts KV v2 at secret/ and prints the
// unseal key and root token as Vault's dev mode does.

import { readFileSync } from 'node:fs';
import { Core } from './core/core.js';
import { createStorage } from './storage/index.js';
import { createApiHandler } from './http/handler.js';
import { createListener, type Listener } from './http/listener.js';
import { createMetrics } from './metrics.js';
import { createServerLogger, type LogFormat, type ServerLogger } from './log.js';
import type { ServerConfig } from './config.js';
import { openHaBackend } from './ha/factory.js';
import { HaManager } from './ha/manager.js';
import { VERSION } from './version.js';
import type { HaBackend } from './ha/types.js';
import { randomUUID } from 'node:crypto';
import { badRequest } from './framework/errors.js';

export interface RunningServer {
  core: Core;
  /** The HA manager when the storage has ha_enabled (or ha_storage is configured). */
  ha: HaManager | null;
  addresses: { address: string; port: number; tls: boolean }[];
  /**
   * Stops: listeners stop accepting, idle connections and requests still being received end at
   * once, requests being served get SHUTDOWN_GRACE_MS to finish (then their connections end too),
   * and the core seals and closes its storage.
   */
  close(): Promise<void>;
}

/** How long requests already being served may take to finish when the server stops. */
export const SHUTDOWN_GRACE_MS = 5000;

export interface DevOptions {
  rootTokenId?: string;
}

export async function startServer(
  config: ServerConfig,
  dev?: DevOptions,
  logger: ServerLogger = createServerLogger({ level: config.logLevel, format: config.logFormat as LogFormat }),
): Promise<RunningServer & { unsealKey?: string; rootToken?: string }> {
  const haBackend = await openHaBackend(config.storage, config.haStorage);
  const physical = haBackend ? haBackend.storage : await createStorage(config.storage.type, config.storage.config);
  const metrics = createMetrics();
  const core = new Core({
    physical,
    cacheSize: config.disableCache ? 0 : config.cacheSize,
    logger: logger.child({ '@module': 'core' }),
    defaultLeaseTtl: config.defaultLeaseTtl,
    maxLeaseTtl: config.maxLeaseTtl,
    storageType: config.storage.type,
    metrics,
    haEnabled: haBackend !== null,
  });
  let unsealKey: string | undefined;
  let rootToken: string | undefined;
  if (dev) {
    const init = await core.initialize(1, 1, dev.rootTokenId);
    await core.unseal(init.keys[0]!);
    await core.mount({ table: 'mounts', path: 'secret/', type: 'kv-v2', description: 'key/value secret storage' });
    unsealKey = init.keys[0]!.toString('base64');
    rootToken = init.rootToken;
  }
  metrics.watchSeal(() => core.isSealed);
  const ha = haBackend ? attachHa(core, haBackend, config, logger) : null;
  if (ha) metrics.watchHaActive(() => ha.manager.isActive());

  const handler = createApiHandler({ core, logger, maxRequestSize: config.maxRequestSize });
  const listeners: Listener[] = [];
  const addresses: RunningServer['addresses'] = [];
  try {
    for (const l of config.listeners) {
      const tls = l.tlsDisable ? undefined : { cert: readFileSync(l.tlsCertFile), key: readFileSync(l.tlsKeyFile) };
      const listener = createListener({ tls, handler });
      const { port } = await listener.listen(l.port, l.host);
      listeners.push(listener);
      addresses.push({ address: l.host, port, tls: !l.tlsDisable });
      logger.info({ address: `${l.host}:${port}`, tls: !l.tlsDisable }, 'listening');
    }
  } catch (e) {
    for (const l of listeners) await l.close();
    await core.close();
    throw e;
  }
  // Without api_addr, other nodes reach this one at its first listener.
  if (ha && ha.manager.self.apiAddr === '') {
    const a = addresses[0]!;
    ha.manager.self.apiAddr = `${a.tls ? 'https' : 'http'}://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
  }

  return {
    core,
    ha: ha?.manager ?? null,
    addresses,
    unsealKey,
    rootToken,
    async close() {
      // An active node hands the lock over first, so a standby takes over while we drain.
      await ha?.manager.stop(true);
      const grace = setTimeout(() => {
        logger.warn({ after: `${SHUTDOWN_GRACE_MS / 1000}s` }, 'requests still being served at shutdown; closing their connections');
        for (const l of listeners) l.destroyConnections();
      }, SHUTDOWN_GRACE_MS);
      try {
        await Promise.all(listeners.map((l) => l.close()));
      } finally {
        clearTimeout(grace);
      }
      await core.close();
      await haBackend?.close();
    },
  };
}

/**
 * Plugs an HA manager into the core: the election starts once the node is unsealed and stops (with
 * the lock released) before it seals; sys/init takes the lock for the writes of initialization.
 */
function attachHa(core: Core, backend: HaBackend, config: ServerConfig, logger: ServerLogger): { manager: HaManager } {
  const haLog = logger.child({ '@module': 'ha' });
  const manager = new HaManager({
    backend,
    self: { nodeId: randomUUID(), apiAddr: config.apiAddr, clusterAddr: config.clusterAddr ?? '', version: VERSION },
    logger: haLog,
    metrics: { lockAcquired: () => core.metrics.haLockAcquired(), lockLost: (reason) => core.metrics.haLockLost(reason) },
    becomeActive: () => core.becomeActive(),
    becomeStandby: () => core.becomeStandby(),
    onEvent: (event) => {
      void core.invalidate(event).catch((e: unknown) => haLog.warn({ err: String(e) }, 'could not apply a change made by the active node'));
    },
  });
  core.haHooks = {
    control: manager,
    afterUnseal: () => manager.start(),
    beforeSeal: () => manager.stop(true),
    async withInitLock(fn) {
      const epoch = await backend.tryAcquire(manager.self, 60_000);
      if (epoch === null) throw badRequest('another node holds the HA lock, so this cluster is initialized already; unseal this node instead');
      backend.storage.setFence(epoch);
      try {
        return await fn();
      } finally {
        backend.storage.setFence(null);
        await backend.release(epoch).catch(() => undefined);
      }
    },
  };
  return { manager };
}
