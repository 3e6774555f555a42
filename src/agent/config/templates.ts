// Reads `template { ... }` (several), `template_config { ... }` and `env_template "NAME" { ... }`.
// A template's `source` file is read here, so a missing file stops the agent at load time with
// the line that named it. Coffer's defaults: error_on_missing_key = true.

import { readFileSync } from 'node:fs';
import type { HclObject } from '../../hcl/index.js';
import {
  blockWhere,
  blocks,
  bool,
  checkKeys,
  command,
  ConfigError,
  durationMs,
  fail,
  fileMode,
  int,
  labeledBlocks,
  nonEmptyStr,
  singleBlock,
  str,
  strList,
  type Site,
} from './read.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, type EnvTemplateConfig, type TemplateConfig, type TemplateGlobalConfig } from './types.js';

/** Template text from `contents` or the file named by `source` (exactly one of them). */
function templateText(site: Site, body: HclObject, what: string, startWhere: string): { text: string; source?: string } {
  const contents = str(site, body, 'contents', what);
  const source = nonEmptyStr(site, body, 'source', what);
  if (contents !== undefined && source !== undefined) fail(site, body, 'source', `${what} has both source and contents; use one`);
  if (source !== undefined) {
    try {
      return { text: readFileSync(source, 'utf8'), source };
    } catch (e) {
      fail(site, body, 'source', `${what}.source: cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  if (contents === undefined) throw new ConfigError(`${startWhere}: ${what} needs source = "FILE" or contents = "..."`);
  return { text: contents };
}

function readTemplate(site: Site, parent: HclObject, body: HclObject, index: number): TemplateConfig {
  const at = blockWhere(site, parent, 'template', body);
  const dest = str(site, body, 'destination', `template`);
  const what = dest ? `template "${dest}"` : `template #${index + 1}`;
  checkKeys(site, body, what, {
    supported: [
      'source',
      'contents',
      'destination',
      'create_dest_dirs',
      'perms',
      'backup',
      'command',
      'command_timeout',
      'exec',
      'error_on_missing_key',
      'left_delimiter',
      'right_delimiter',
      'function_denylist',
      'function_blacklist',
      'uid',
      'gid',
    ],
    ignored: ['wait', 'error_fatal'],
    unsupported: {
      sandbox_path: 'the file function is not sandboxed; remove sandbox_path or keep templates to trusted paths',
      user: 'use uid = <number>',
      group: 'use gid = <number>',
    },
  });
  const { text, source } = templateText(site, body, what, at);
  if (dest === undefined || dest.trim() === '') {
    if (body.destination !== undefined) fail(site, body, 'destination', `${what}.destination is empty`);
    throw new ConfigError(`${at}: ${what} has no destination: add destination = "/path/of/the/rendered/file" (for environment variables use env_template with exec)`);
  }
  let cmd = command(site, body, 'command', what);
  let timeoutMs = durationMs(site, body, 'command_timeout', what);
  const exec = singleBlock(site, body, 'exec', `${what}.exec`);
  if (exec) {
    if (cmd !== undefined) fail(site, body, 'exec', `${what} has both command and exec { command }; use one`);
    checkKeys(site, exec, `${what}.exec`, { supported: ['command', 'timeout'] });
    cmd = command(site, exec, 'command', `${what}.exec`);
    if (cmd === undefined) fail(site, body, 'exec', `${what}.exec needs command = ["..."]`);
    timeoutMs = durationMs(site, exec, 'timeout', `${what}.exec`) ?? timeoutMs;
  }
  const t: TemplateConfig = {
    text,
    destination: dest,
    createDestDirs: bool(site, body, 'create_dest_dirs', what) ?? true,
    backup: bool(site, body, 'backup', what) ?? false,
    commandTimeoutMs: timeoutMs || DEFAULT_COMMAND_TIMEOUT_MS,
    errorOnMissingKey: bool(site, body, 'error_on_missing_key', what) ?? true,
    functionDenylist: strList(site, body, 'function_denylist', what) ?? strList(site, body, 'function_blacklist', what) ?? [],
    name: dest,
    where: at,
  };
  if (source !== undefined) t.source = source;
  const perms = fileMode(site, body, 'perms', what);
  if (perms !== undefined) t.perms = perms;
  if (cmd !== undefined) t.command = cmd;
  const left = str(site, body, 'left_delimiter', what);
  const right = str(site, body, 'right_delimiter', what);
  if (left) t.leftDelimiter = left;
  if (right) t.rightDelimiter = right;
  const uid = int(site, body, 'uid', what);
  const gid = int(site, body, 'gid', what);
  if (uid !== undefined) t.uid = uid;
  if (gid !== undefined) t.gid = gid;
  return t;
}

export function readTemplates(site: Site, doc: HclObject): TemplateConfig[] {
  return blocks(site, doc, 'template', 'template').map((b, i) => readTemplate(site, doc, b, i));
}

export function readTemplateConfig(site: Site, body: HclObject): Partial<TemplateGlobalConfig> {
  const what = 'template_config';
  checkKeys(site, body, what, {
    supported: ['exit_on_retry_failure', 'static_secret_render_interval', 'lease_renewal_threshold'],
    ignored: ['max_connections_per_host'],
  });
  const out: Partial<TemplateGlobalConfig> = {};
  const exit = bool(site, body, 'exit_on_retry_failure', what);
  if (exit !== undefined) out.exitOnRetryFailure = exit;
  const interval = durationMs(site, body, 'static_secret_render_interval', what);
  if (interval !== undefined) {
    if (interval <= 0) fail(site, body, 'static_secret_render_interval', `${what}.static_secret_render_interval must be more than 0`);
    out.staticSecretRenderIntervalMs = interval;
  }
  const threshold = str(site, body, 'lease_renewal_threshold', what);
  if (threshold !== undefined) {
    const n = Number(threshold);
    if (!(n > 0 && n <= 1)) fail(site, body, 'lease_renewal_threshold', `${what}.lease_renewal_threshold must be a fraction between 0 and 1, such as 0.9`);
    out.leaseRenewalThreshold = n;
  }
  return out;
}

export function readEnvTemplates(site: Site, doc: HclObject): EnvTemplateConfig[] {
  const out: EnvTemplateConfig[] = [];
  for (const { label, body, where: at } of labeledBlocks(site, doc, 'env_template', 'env_template', undefined)) {
    const what = `env_template "${label}"`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(label)) {
      throw new ConfigError(`${at}: ${what}: "${label}" is not a valid environment variable name`);
    }
    checkKeys(site, body, what, { supported: ['contents', 'source', 'error_on_missing_key', 'left_delimiter', 'right_delimiter'] });
    const { text } = templateText(site, body, what, at);
    const e: EnvTemplateConfig = { name: label, text, errorOnMissingKey: bool(site, body, 'error_on_missing_key', what) ?? true, where: at };
    const left = str(site, body, 'left_delimiter', what);
    const right = str(site, body, 'right_delimiter', what);
    if (left) e.leftDelimiter = left;
    if (right) e.rightDelimiter = right;
    out.push(e);
  }
  return out;
}
