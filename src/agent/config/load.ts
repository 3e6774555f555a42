// loadAgentConfig(paths): -config files and directories (*.hcl and *.json, sorted) -> read ->
// decode -> merge -> validate. Any problem is a ConfigError naming the file (and line and key).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HclError } from '../../hcl/index.js';
import { decodeFile, type FileConfig } from './decode.js';
import { mergeFiles } from './merge.js';
import { ConfigError } from './read.js';
import type { AgentConfig } from './types.js';
import { validateConfig, type ValidateOptions } from './validate.js';

function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (e as Error).message;
}

function configFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      throw new ConfigError(`cannot read configuration file ${p}: ${errnoText(e)}`);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(p).sort();
    } catch (e) {
      throw new ConfigError(`cannot read configuration directory ${p}: ${errnoText(e)}`);
    }
    const found = names.filter((f) => /\.(hcl|json)$/.test(f)).map((f) => join(p, f));
    if (found.length === 0) throw new ConfigError(`configuration directory ${p} has no .hcl or .json files`);
    out.push(...found);
  }
  return out;
}

function decode(file: string): FileConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read configuration file ${file}: ${errnoText(e)}`);
  }
  try {
    return decodeFile(file, text);
  } catch (e) {
    if (e instanceof HclError) throw new ConfigError(`${e.filename ?? file}:${e.line}:${e.column}: ${e.reason}`);
    throw e;
  }
}

/** A configuration held in memory (e.g. the VAULT_CONFIG variable the injector sets), loaded after the files. */
export interface InlineConfig {
  /** What error messages call it ("$VAULT_CONFIG"). */
  name: string;
  text: string;
}

export interface LoadOptions extends ValidateOptions {
  /** The -exit-after-auth flag: applied before the checks. */
  exitAfterAuth?: boolean;
  /** Configurations from -config-env variables, merged after the files. */
  inline?: readonly InlineConfig[];
  /** The app to run (`coffer agent ... -- CMD ARGS`): exec's command, applied before the checks. */
  execCommand?: readonly string[];
}

/**
 * The text of a configuration passed in an environment variable: JSON or HCL as is, or (as
 * vault-k8s sets VAULT_CONFIG) base64 of it. Base64 is told apart by its form: one word of the
 * base64 alphabet with `=` only as padding at the end, which no JSON or HCL configuration is.
 */
export function configFromEnv(name: string, value: string | undefined): InlineConfig {
  if (value === undefined || value.trim() === '') throw new ConfigError(`the environment variable ${name} named by -config-env is not set or empty`);
  const v = value.trim();
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(v)) return { name: `$${name}`, text: Buffer.from(v, 'base64').toString('utf8') };
  return { name: `$${name}`, text: value };
}

function decodeInline(c: InlineConfig): FileConfig {
  try {
    return decodeFile(c.name, c.text);
  } catch (e) {
    if (e instanceof HclError) throw new ConfigError(`${e.filename ?? c.name}:${e.line}:${e.column}: ${e.reason}`);
    throw e;
  }
}

export function loadAgentConfig(paths: readonly string[], options: LoadOptions = {}): AgentConfig {
  const inline = options.inline ?? [];
  if (paths.length === 0 && inline.length === 0) throw new ConfigError('no configuration: give at least one -config=FILE (or a directory of .hcl/.json files) or -config-env=VARIABLE');
  const config = mergeFiles([...configFiles(paths).map(decode), ...inline.map(decodeInline)]);
  if (options.exitAfterAuth) {
    config.exitAfterAuth = true;
    config.exitAfterAuthWhere ??= 'the -exit-after-auth flag';
  }
  if (options.execCommand && options.execCommand.length > 0) {
    const where = 'the command after --';
    config.exec = config.exec ? { ...config.exec, command: [...options.execCommand] } : { command: [...options.execCommand], restartOnSecretChanges: 'always', restartStopSignal: 'SIGTERM', where };
  }
  validateConfig(config, options);
  return config;
}
