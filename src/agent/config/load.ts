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

export interface LoadOptions extends ValidateOptions {
  /** The -exit-after-auth flag: applied before the checks. */
  exitAfterAuth?: boolean;
}

export function loadAgentConfig(paths: readonly string[], options: LoadOptions = {}): AgentConfig {
  if (paths.length === 0) throw new ConfigError('no configuration: give at least one -config=FILE (or a directory of .hcl/.json files)');
  const config = mergeFiles(configFiles(paths).map(decode));
  if (options.exitAfterAuth) {
    config.exitAfterAuth = true;
    config.exitAfterAuthWhere ??= 'the -exit-after-auth flag';
  }
  validateConfig(config, options);
  return config;
}
