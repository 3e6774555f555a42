// One configuration file -> the stanzas it sets (a FileConfig), with unknown top-level keys
// rejected. Merging several files and the checks across stanzas come after (merge.ts, validate.ts).

import { parseHclDocument, type HclObject } from '../../hcl/index.js';
import { readAutoAuth } from './auto-auth.js';
import { readExec } from './exec-stanza.js';
import { readApiProxy, readCache, readListeners, readReadiness } from './listeners.js';
import { blockWhere, bool, checkKeys, nonEmptyStr, singleBlock, str, where, type Site } from './read.js';
import { readEnvTemplates, readTemplateConfig, readTemplates } from './templates.js';
import type { ApiProxyConfig, AutoAuthConfig, EnvTemplateConfig, ExecConfig, ListenerConfig, ReadinessConfig, TemplateConfig, TemplateGlobalConfig, VaultStanza } from './types.js';
import { readVault } from './vault-stanza.js';

export interface FileConfig {
  file: string;
  vault?: VaultStanza;
  autoAuth?: AutoAuthConfig;
  exitAfterAuth?: boolean;
  exitAfterAuthWhere?: string;
  pidFile?: string;
  templates: TemplateConfig[];
  templateConfig?: Partial<TemplateGlobalConfig>;
  exec?: ExecConfig;
  envTemplates: EnvTemplateConfig[];
  apiProxy?: ApiProxyConfig;
  listeners: ListenerConfig[];
  readiness?: ReadinessConfig;
  logLevel?: string;
  warnings: string[];
}

const TOP_LEVEL = {
  supported: [
    'vault',
    'auto_auth',
    'exit_after_auth',
    'pid_file',
    'template',
    'template_config',
    'exec',
    'env_template',
    'api_proxy',
    'listener',
    'cache',
    'readiness',
    'log_level',
  ],
  ignored: ['log_format', 'log_file', 'log_rotate_duration', 'log_rotate_bytes', 'log_rotate_max_files', 'disable_idle_connections', 'disable_keep_alives', 'telemetry'],
  unsupported: { auto_auth_method: 'use auto_auth { method "TYPE" { ... } }' },
};

function block<T>(site: Site, doc: HclObject, key: string, read: (body: HclObject, at: string) => T): T | undefined {
  const body = singleBlock(site, doc, key, key);
  return body === undefined ? undefined : read(body, blockWhere(site, doc, key, body));
}

export function decodeFile(file: string, text: string): FileConfig {
  const doc = parseHclDocument(text, { filename: file });
  const site: Site = { doc, file, warnings: [] };
  const v = doc.value;
  checkKeys(site, v, 'the agent configuration', TOP_LEVEL);
  const out: FileConfig = {
    file,
    templates: readTemplates(site, v),
    envTemplates: readEnvTemplates(site, v),
    listeners: readListeners(site, v),
    warnings: site.warnings,
  };
  out.vault = block(site, v, 'vault', (b, at) => readVault(site, b, at));
  out.autoAuth = block(site, v, 'auto_auth', (b) => readAutoAuth(site, b, where(site, v, 'auto_auth')));
  out.templateConfig = block(site, v, 'template_config', (b) => readTemplateConfig(site, b));
  out.exec = block(site, v, 'exec', (b) => readExec(site, b, where(site, v, 'exec')));
  out.apiProxy = block(site, v, 'api_proxy', (b) => readApiProxy(site, b, where(site, v, 'api_proxy')));
  const cacheProxy = block(site, v, 'cache', (b) => readCache(site, b, where(site, v, 'cache')));
  if (!out.apiProxy && cacheProxy) out.apiProxy = cacheProxy;
  out.readiness = block(site, v, 'readiness', (b) => readReadiness(site, b, where(site, v, 'readiness')));
  const exitAfterAuth = bool(site, v, 'exit_after_auth', 'exit_after_auth');
  if (exitAfterAuth !== undefined) {
    out.exitAfterAuth = exitAfterAuth;
    out.exitAfterAuthWhere = where(site, v, 'exit_after_auth');
  }
  out.pidFile = nonEmptyStr(site, v, 'pid_file', 'pid_file');
  out.logLevel = str(site, v, 'log_level', 'log_level')?.toLowerCase();
  for (const k of Object.keys(out) as (keyof FileConfig)[]) if (out[k] === undefined) delete out[k];
  return out;
}
