// `coffer agent -config=FILE [-config=DIR ...] [-log-level=debug]`: parses the flags, loads the
// configuration (any mistake: exit 1 with file, line and key), and runs the agent.

import { parseFlags, usageText, UsageError, type FlagSpec } from '../cli/flags.js';
import { runAgent } from './agent.js';
import { ConfigError, configFromEnv, loadAgentConfig } from './config/index.js';
import { createLogger, isLogLevel } from './log.js';

const FLAGS: Record<string, FlagSpec> = {
  config: { type: 'strings', usage: 'Path to a configuration file or directory (HCL or JSON). May be repeated; later files win.' },
  'config-env': { type: 'strings', usage: 'Name of an environment variable holding a configuration (JSON or HCL, or base64 of it, as the injector sets VAULT_CONFIG). Merged after the -config files; needs no shell and no writable file.' },
  'log-level': { type: 'string', default: '', usage: 'trace, debug, info, warn or error (default: log_level in the configuration, else info).' },
  'exit-after-auth': { type: 'bool', default: false, usage: 'Authenticate, render every template once, wait for their commands, and exit (as exit_after_auth = true).' },
  address: { type: 'string', default: '', usage: 'Address of the Coffer (or Vault) server. Overrides VAULT_ADDR and vault.address.' },
  'ca-cert': { type: 'string', default: '', usage: 'PEM file of the CA that signed the server certificate. Overrides VAULT_CACERT and vault.ca_cert.' },
  'tls-skip-verify': { type: 'bool', default: false, usage: 'Do not verify the server certificate. Never in production.' },
  'ready-file': { type: 'string', default: '', usage: 'Native-sidecar mode: create this file once every template has rendered (as readiness { file }).' },
  'ready-address': { type: 'string', default: '', usage: 'Native-sidecar mode: serve GET /ready (503, then 200 once every template has rendered) on HOST:PORT (as readiness { address }).' },
};

export const AGENT_USAGE = `Usage: coffer agent -config=FILE [options] [-- COMMAND ARGS...]

  Starts a Coffer agent (Vault Agent's configuration format): logs in with
  auto_auth, writes the token to its sinks, renders templates, optionally runs
  an app with secrets as environment variables (exec) and proxies API calls.
  A command after -- is the app exec runs (it replaces exec's command).

      $ coffer agent -config=/etc/coffer/agent.hcl

${usageText(FLAGS)}`;

export async function agentCommand(argv: string[]): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    process.stdout.write(`${AGENT_USAGE}\n`);
    return 0;
  }
  let parsed;
  try {
    parsed = parseFlags(argv, FLAGS);
    const dashes = argv.indexOf('--');
    if (parsed.args.length > 0 && (dashes < 0 || argv.length - dashes - 1 !== parsed.args.length)) {
      throw new UsageError(`unexpected argument ${JSON.stringify(parsed.args[0])}: the agent takes only flags (and, after --, the command of the app to run)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${AGENT_USAGE}\n`);
      return 1;
    }
    throw e;
  }
  const v = parsed.values;
  const configs = v.config as string[];
  const envConfigs = v['config-env'] as string[];
  if (configs.length === 0 && envConfigs.length === 0) {
    process.stderr.write(`Error: no configuration: give at least one -config=FILE or -config-env=VARIABLE\n\n${AGENT_USAGE}\n`);
    return 1;
  }
  let config;
  try {
    const inline = envConfigs.map((name) => configFromEnv(name, process.env[name]));
    config = loadAgentConfig(configs, { env: process.env, exitAfterAuth: v['exit-after-auth'] === true, inline, execCommand: parsed.args });
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Error loading configuration: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const level = String(v['log-level'] || config.logLevel || process.env.VAULT_LOG_LEVEL || 'info').toLowerCase();
  if (!isLogLevel(level)) {
    process.stderr.write(`Error: log level "${level}" is not one of trace, debug, info, warn, error\n`);
    return 1;
  }
  const flags = {
    ...(v.address ? { address: String(v.address) } : {}),
    ...(v['ca-cert'] ? { caCert: String(v['ca-cert']) } : {}),
    ...(parsed.set.has('tls-skip-verify') ? { tlsSkipVerify: v['tls-skip-verify'] === true } : {}),
    ...(v['ready-file'] ? { readyFile: String(v['ready-file']) } : {}),
    ...(v['ready-address'] ? { readyAddress: String(v['ready-address']) } : {}),
  };
  if (config.exitAfterAuth && (flags.readyFile || flags.readyAddress)) {
    process.stderr.write('Error loading configuration: -ready-file/-ready-address are for the long-running native sidecar, but exit_after_auth makes the agent exit after the first render\n');
    return 1;
  }
  return runAgent(config, { log: createLogger(level), env: process.env, flags });
}
