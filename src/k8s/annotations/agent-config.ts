// An injection plan -> the agent configuration (Vault Agent's JSON form, as vault-k8s's
// config.go writes it) for one injected container: the classic init container (exit_after_auth),
// the classic sidecar, or Coffer's native sidecar (long-running, with a readiness endpoint that
// its startupProbe polls). Only keys `coffer agent` reads (src/agent/config) are written.

import type { InjectionPlan } from './plan.js';

export type AgentKind = 'init' | 'sidecar' | 'native';

/** Where the token sink and pid file live (a memory emptyDir per container), as in vault-k8s. */
export const AGENT_HOME = '/home/vault';
export const TOKEN_FILE = `${AGENT_HOME}/.vault-token`;
export const PID_FILE = `${AGENT_HOME}/.pid`;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type JsonObject = { [k: string]: JsonValue };

export function agentConfig(plan: InjectionPlan, kind: AgentKind): JsonObject {
  const method: JsonObject = { type: plan.auth.type, mount_path: plan.auth.mountPath, config: { ...plan.auth.config } };
  if (plan.auth.minBackoff) method.min_backoff = plan.auth.minBackoff;
  if (plan.auth.maxBackoff) method.max_backoff = plan.auth.maxBackoff;
  if (plan.auth.exitOnErr !== undefined) method.exit_on_err = plan.auth.exitOnErr;
  const sinks: JsonValue[] = [{ type: 'file', config: { path: TOKEN_FILE } }];
  if (plan.injectToken) sinks.push({ type: 'file', config: { path: `${plan.secretVolumePath}/token`, mode: 0o640 } });

  const vault: JsonObject = { address: plan.vault.address };
  if (plan.vault.caCert) vault.ca_cert = plan.vault.caCert;
  if (plan.vault.tlsSkipVerify) vault.tls_skip_verify = true;

  const templates: JsonValue[] = plan.secrets.map((s) => {
    const t: JsonObject = { destination: s.destination, left_delimiter: '{{', right_delimiter: '}}', error_on_missing_key: s.errorOnMissingKey };
    if (s.templateFile) t.source = s.templateFile;
    else t.contents = s.template ?? '';
    if (s.perms) t.perms = s.perms;
    if (s.command) t.command = s.command;
    return t;
  });

  const templateConfig: JsonObject = { exit_on_retry_failure: plan.templateConfig.exitOnRetryFailure };
  if (plan.templateConfig.staticSecretRenderInterval) templateConfig.static_secret_render_interval = plan.templateConfig.staticSecretRenderInterval;
  if (plan.templateConfig.leaseRenewalThreshold !== undefined) templateConfig.lease_renewal_threshold = plan.templateConfig.leaseRenewalThreshold;

  const config: JsonObject = {
    auto_auth: { method, sink: sinks },
    exit_after_auth: kind === 'init',
    pid_file: PID_FILE,
    vault,
    template_config: templateConfig,
    log_level: plan.logLevel,
  };
  if (templates.length > 0) config.template = templates;
  if (kind === 'native') config.readiness = { address: `0.0.0.0:${plan.readinessPort}` };
  return config;
}

/**
 * The configuration of the agent that wraps an app container's command for
 * coffer.dev/agent-inject-env-*: the same login and server as the injected agent, one
 * env_template per variable, no sink (the token stays in the process) and no exec stanza: the
 * app's command follows `--` in the container's args, where the kubelet still expands $(VAR).
 */
export function envAgentConfig(plan: InjectionPlan): JsonObject {
  const base = agentConfig({ ...plan, secrets: [], injectToken: false }, 'sidecar');
  const auth = base.auto_auth as JsonObject;
  const envTemplate: JsonObject = {};
  for (const v of plan.envVars) envTemplate[v.name] = { contents: v.template, error_on_missing_key: true };
  return { auto_auth: { method: auth.method! }, vault: base.vault!, template_config: base.template_config!, log_level: base.log_level!, env_template: envTemplate };
}

/** The value of VAULT_CONFIG: base64 of the JSON, as vault-k8s sets it. */
export function encodeAgentConfig(config: JsonObject): string {
  return Buffer.from(JSON.stringify(config), 'utf8').toString('base64');
}
