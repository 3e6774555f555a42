// The agent's configuration after loading: Vault Agent's stanzas with defaults applied, durations
// in milliseconds, file modes as numbers, and `where` ("agent.hcl:12") on every stanza so later
// checks and runtime errors can point at the line that asked for it.

export type AuthMethodType = 'kubernetes' | 'approle' | 'token_file';

export interface VaultStanza {
  address?: string;
  caCert?: string;
  tlsSkipVerify?: boolean;
  /** vault.retry.num_retries as written (0 = the default of 12, -1 = no retries). */
  numRetries?: number;
  where?: string;
}

export interface MethodConfig {
  type: AuthMethodType;
  /** "auth/kubernetes" unless mount_path says otherwise. */
  mountPath: string;
  namespace?: string;
  /** Response-wrap the login (the sink gets the wrapped token; no renewal). */
  wrapTtlSec?: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  /** undefined: Coffer's default (a 4xx on the first login is fatal); true/false as in Vault. */
  exitOnErr?: boolean;
  /** The method's `config = { ... }`, values as strings, numbers or booleans. */
  config: Readonly<Record<string, string | number | boolean>>;
  where: string;
}

export interface SinkConfig {
  type: 'file';
  path: string;
  mode: number;
  uid?: number;
  gid?: number;
  wrapTtlSec?: number;
  where: string;
}

export interface AutoAuthConfig {
  method: MethodConfig;
  sinks: SinkConfig[];
  where: string;
}

/** A command to run: a string (or a one-element list) runs through `sh -c`; a longer list runs directly. */
export type CommandSpec = string | string[];

export interface TemplateConfig {
  /** The template text (from `contents`, or read from `source` at load time). */
  text: string;
  source?: string;
  destination: string;
  /** undefined: keep the existing file's mode, else 0644 (consul-template's rule). */
  perms?: number;
  createDestDirs: boolean;
  backup: boolean;
  command?: CommandSpec;
  commandTimeoutMs: number;
  errorOnMissingKey: boolean;
  leftDelimiter?: string;
  rightDelimiter?: string;
  functionDenylist: string[];
  uid?: number;
  gid?: number;
  /** A short name for logs: the destination. */
  name: string;
  where: string;
}

export interface TemplateGlobalConfig {
  exitOnRetryFailure: boolean;
  staticSecretRenderIntervalMs: number;
  /** Fraction of a non-renewable lease after which the secret is fetched again (default 0.9). */
  leaseRenewalThreshold: number;
}

export type RestartOnSecretChanges = 'always' | 'never';

export interface ExecConfig {
  command: string[];
  restartOnSecretChanges: RestartOnSecretChanges;
  restartStopSignal: NodeJS.Signals;
  where: string;
}

export interface EnvTemplateConfig {
  name: string;
  text: string;
  errorOnMissingKey: boolean;
  leftDelimiter?: string;
  rightDelimiter?: string;
  where: string;
}

export interface ListenerConfig {
  type: 'tcp';
  address: string;
  tlsDisable: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  requireRequestHeader: boolean;
  where: string;
}

export interface ApiProxyConfig {
  useAutoAuthToken: boolean | 'force';
  where: string;
}

/** Coffer's native-sidecar readiness signal (not in Vault): a file and/or an HTTP endpoint. */
export interface ReadinessConfig {
  file?: string;
  address?: string;
  where: string;
}

export interface AgentConfig {
  /** The files the configuration came from, in load order. */
  files: string[];
  vault: VaultStanza;
  autoAuth?: AutoAuthConfig;
  exitAfterAuth: boolean;
  pidFile?: string;
  templates: TemplateConfig[];
  templateConfig: TemplateGlobalConfig;
  exec?: ExecConfig;
  envTemplates: EnvTemplateConfig[];
  apiProxy?: ApiProxyConfig;
  listeners: ListenerConfig[];
  readiness?: ReadinessConfig;
  logLevel?: string;
  /** Where exit_after_auth = true was set (for error messages). */
  exitAfterAuthWhere?: string;
  /** Non-fatal notes found while loading (ignored keys), logged at startup. */
  warnings: string[];
}

export const DEFAULT_STATIC_SECRET_RENDER_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_MIN_BACKOFF_MS = 1000;
export const DEFAULT_MAX_BACKOFF_MS = 5 * 60_000;
export const DEFAULT_SINK_MODE = 0o640;
export const DEFAULT_NUM_RETRIES = 12;
export const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
