// Merges the FileConfigs of several -config files (or a directory's files, sorted by name) the
// way Vault's agent does: a later file's vault, auto_auth, exec, api_proxy and template_config
// stanzas replace earlier ones; templates, env_templates and listeners add up; exit_after_auth
// is true if any file sets it.

import type { FileConfig } from './decode.js';
import { DEFAULT_STATIC_SECRET_RENDER_INTERVAL_MS, type AgentConfig } from './types.js';

export function mergeFiles(files: readonly FileConfig[]): AgentConfig {
  const out: AgentConfig = {
    files: files.map((f) => f.file),
    vault: {},
    exitAfterAuth: false,
    templates: [],
    templateConfig: { exitOnRetryFailure: true, staticSecretRenderIntervalMs: DEFAULT_STATIC_SECRET_RENDER_INTERVAL_MS, leaseRenewalThreshold: 0.9 },
    envTemplates: [],
    listeners: [],
    warnings: [],
  };
  for (const f of files) {
    if (f.vault) out.vault = f.vault;
    if (f.autoAuth) out.autoAuth = f.autoAuth;
    if (f.exitAfterAuth) {
      out.exitAfterAuth = true;
      out.exitAfterAuthWhere = f.exitAfterAuthWhere;
    }
    if (f.pidFile) out.pidFile = f.pidFile;
    out.templates.push(...f.templates);
    if (f.templateConfig) out.templateConfig = { ...out.templateConfig, ...f.templateConfig };
    if (f.exec) out.exec = f.exec;
    out.envTemplates.push(...f.envTemplates);
    if (f.apiProxy) out.apiProxy = f.apiProxy;
    out.listeners.push(...f.listeners);
    if (f.readiness) out.readiness = f.readiness;
    if (f.logLevel) out.logLevel = f.logLevel;
    out.warnings.push(...f.warnings);
  }
  return out;
}
