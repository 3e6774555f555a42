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

export interface RunningServer {
  core: Core;
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
  const physical = await createStorage(config.storage.type, config.storage.config);
  const metrics = createMetrics();
  const core = new Core({
    physical,
    cacheSize: config.disableCache ? 0 : config.cacheSize,
    logger: logger.child({ '@module': 'core' }),
    defaultLeaseTtl: config.defaultLeaseTtl,
    maxLeaseTtl: config.maxLeaseTtl,
    storageType: config.storage.type,
    metrics,
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

  return {
    core,
    addresses,
    unsealKey,
    rootToken,
    async close() {
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
    },
  };
}
