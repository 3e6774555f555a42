// `coffer server`: production mode from -config files, or -dev (in-memory, initialized, unsealed,
// KV v2 at secret/, the root token printed and kept in ~/.vault-token like Vault's dev mode).

import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, usageText, UsageError, type FlagSpec } from './flags.js';
import { devConfig } from '../server/config.js';
import { loadServerConfig } from '../server/config-file.js';
import { startServer } from '../server/server.js';
import { untilStopSignal } from './stop-signal.js';
import { createServerLogger, gatedStderr, isLogFormat, LOG_FORMATS, type LogFormat } from '../server/log.js';

const FLAGS: Record<string, FlagSpec> = {
  config: { type: 'strings', usage: 'Path to a configuration file or directory (HCL or JSON). May be repeated.' },
  dev: { type: 'bool', default: false, usage: 'Development mode: in-memory, unsealed, root token printed. Never for production.' },
  'dev-root-token-id': { type: 'string', default: '', usage: 'Use this root token ID in dev mode instead of a random one.' },
  'dev-listen-address': { type: 'string', default: '127.0.0.1:8200', usage: 'Address the dev server listens on.' },
  'dev-no-store-token': { type: 'bool', default: false, usage: 'Do not write the dev root token to ~/.vault-token.' },
  'log-level': { type: 'string', default: 'info', usage: 'trace, debug, info, warn or error.' },
  'log-format': { type: 'string', default: '', usage: 'standard (the default) or json. Also VAULT_LOG_FORMAT, or log_format in the config file.' },
};

export const SERVER_USAGE = `Usage: coffer server [options]

  Starts a Coffer server. With -dev it runs in memory, initialized and unsealed:

      $ coffer server -dev -dev-root-token-id=root

  In production, give it a configuration file:

      $ coffer server -config=server.hcl

${usageText(FLAGS)}`;

export async function serverCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseFlags(argv, FLAGS);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${SERVER_USAGE}\n`);
      return 1;
    }
    throw e;
  }
  const v = parsed.values;
  const logLevel = String(v['log-level']);
  const configs = v.config as string[];
  const dev = v.dev === true;
  if (!dev && configs.length === 0) {
    process.stderr.write(`No configuration files found. Use -config=FILE, or -dev for development mode.\n\n${SERVER_USAGE}\n`);
    return 1;
  }
  let config;
  try {
    config = dev ? devConfig(String(v['dev-listen-address']), logLevel) : loadServerConfig(configs);
    if (!dev && argv.some((a) => /^--?log-level/.test(a))) config.logLevel = logLevel;
    // Vault's order: the flag, then VAULT_LOG_FORMAT, then log_format in the config file.
    const format = (String(v['log-format']) || process.env.VAULT_LOG_FORMAT || config.logFormat).toLowerCase();
    if (!isLogFormat(format)) throw new Error(`unknown log format "${format}": use one of ${LOG_FORMATS.join(', ')}`);
    config.logFormat = format;
  } catch (e) {
    process.stderr.write(`Error loading configuration: ${(e as Error).message}\n`);
    return 1;
  }
  // As Vault does, lines logged while starting wait until the banner is printed.
  const out = gatedStderr();
  const logger = createServerLogger({ level: config.logLevel, format: config.logFormat as LogFormat, write: out.write });
  let server;
  try {
    server = await startServer(config, dev ? { rootTokenId: String(v['dev-root-token-id']) || undefined } : undefined, logger);
  } catch (e) {
    out.open();
    process.stderr.write(`Error starting the server: ${(e as Error).message}\n`);
    return 1;
  }
  const a = server.addresses[0]!;
  const addr = `${a.tls ? 'https' : 'http'}://${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}`;
  if (dev) {
    if (v['dev-no-store-token'] !== true) {
      try {
        writeFileSync(join(homedir(), '.vault-token'), server.rootToken!, { mode: 0o600 });
      } catch {
        /* not fatal: the token is printed below */
      }
    }
    process.stdout.write(
      [
        '==> Coffer server configuration:',
        '',
        `             Listener: ${addr}`,
        '              Storage: inmem',
        '',
        'WARNING! dev mode is enabled! In this mode, Coffer runs entirely in-memory',
        'and starts unsealed with a single unseal key. The root token is already',
        'authenticated to the CLI, so you can immediately begin using it.',
        '',
        'You may need to set the following environment variables:',
        '',
        `    $ export VAULT_ADDR='${addr}'`,
        '',
        'The unseal key and root token are displayed below in case you want to',
        'seal/unseal the server or re-authenticate.',
        '',
        `Unseal Key: ${server.unsealKey}`,
        `Root Token: ${server.rootToken}`,
        '',
        'Development mode should NOT be used in production installations!',
        '',
        '==> Coffer server started! Log data will stream in below:',
        '',
      ].join('\n'),
    );
  } else {
    process.stdout.write(`==> Coffer server started on ${addr}; storage: ${config.storage.type}\n`);
  }
  out.open();
  await untilStopSignal(() => void server.core.audit.reopen());
  process.stdout.write('==> Coffer shutdown triggered\n');
  await server.close();
  return 0;
}
