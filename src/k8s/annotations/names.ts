// Annotation names: vault-k8s's (prefix vault.hashicorp.com/, from agent-inject/agent/annotations.go)
// sorted into those Coffer honours, those it accepts with no effect, and those it does not implement
// yet; and Coffer's own (prefix coffer.dev/). An unknown name under either prefix is a mistake
// (vault-k8s silently ignores it), reported with the closest known name.

export const VAULT_PREFIX = 'vault.hashicorp.com/';
export const COFFER_PREFIX = 'coffer.dev/';

export const A = {
  inject: 'agent-inject',
  status: 'agent-inject-status',
  role: 'role',
  authPath: 'auth-path',
  authType: 'auth-type',
  defaultTemplate: 'agent-inject-default-template',
  containers: 'agent-inject-containers',
  token: 'agent-inject-token',
  prePopulate: 'agent-pre-populate',
  prePopulateOnly: 'agent-pre-populate-only',
  initFirst: 'agent-init-first',
  configMap: 'agent-configmap',
  secretVolumePath: 'secret-volume-path',
  preserveSecretCase: 'preserve-secret-case',
  limitsCpu: 'agent-limits-cpu',
  limitsMem: 'agent-limits-mem',
  limitsEphemeral: 'agent-limits-ephemeral',
  requestsCpu: 'agent-requests-cpu',
  requestsMem: 'agent-requests-mem',
  requestsEphemeral: 'agent-requests-ephemeral',
  runAsUser: 'agent-run-as-user',
  runAsGroup: 'agent-run-as-group',
  runAsSameUser: 'agent-run-as-same-user',
  setSecurityContext: 'agent-set-security-context',
  service: 'service',
  tlsSkipVerify: 'tls-skip-verify',
  caCert: 'ca-cert',
  tlsSecret: 'tls-secret',
  exitOnRetryFailure: 'template-config-exit-on-retry-failure',
  staticSecretRenderInterval: 'template-static-secret-render-interval',
  leaseRenewalThreshold: 'template-lease-renewal-threshold',
  authMinBackoff: 'auth-min-backoff',
  authMaxBackoff: 'auth-max-backoff',
  autoAuthExitOnErr: 'agent-auto-auth-exit-on-err',
  logLevel: 'log-level',
  jsonPatch: 'agent-json-patch',
  initJsonPatch: 'agent-init-json-patch',
  revokeOnShutdown: 'agent-revoke-on-shutdown',
  revokeGrace: 'agent-revoke-grace',
  image: 'agent-image',
  requestNamespace: 'agent-request-namespace',
} as const;

/** Per-secret annotations: `<family>-<name>`. Longer families first (template-file before template). */
export const F = {
  secret: 'agent-inject-secret',
  templateFile: 'agent-inject-template-file',
  template: 'agent-inject-template',
  file: 'agent-inject-file',
  perms: 'agent-inject-perms',
  command: 'agent-inject-command',
  errorOnMissingKey: 'error-on-missing-key',
  secretVolumePath: 'secret-volume-path',
  preserveSecretCase: 'preserve-secret-case',
} as const;

export const AUTH_CONFIG_FAMILY = 'auth-config';
export const TEMPLATE_CONFIG_FAMILY = 'template-config';

export const PER_SECRET_FAMILIES: readonly string[] = [F.secret, F.templateFile, F.template, F.file, F.perms, F.command, F.errorOnMissingKey, F.secretVolumePath, F.preserveSecretCase];

/**
 * vault-k8s annotations Coffer does not implement yet: accepted when empty or at vault-k8s's
 * default (what vault-k8s itself writes into the pods it injects), refused otherwise, with why.
 */
export const NOT_YET: Readonly<Record<string, { default: string; why: string }>> = {
  'agent-extra-secret': { default: '', why: 'mount the Secret with agent-json-patch / agent-init-json-patch instead' },
  'agent-share-process-namespace': { default: '', why: 'set shareProcessNamespace in the pod spec yourself' },
  'agent-service-account-token-volume-name': { default: '', why: 'Coffer uses the service-account token the app containers mount' },
  'agent-copy-volume-mounts': { default: '', why: 'add the mounts with agent-json-patch / agent-init-json-patch' },
  'agent-cache-enable': { default: 'false', why: "Coffer's agent proxies without caching; use an agent-configmap with api_proxy and a listener" },
  'agent-cache-use-auto-auth-token': { default: 'true', why: 'there is no agent cache to configure' },
  'agent-cache-listener-port': { default: '8200', why: 'there is no agent cache to configure' },
  'agent-cache-exit-on-err': { default: 'false', why: 'there is no agent cache to configure' },
  'agent-enable-quit': { default: 'false', why: "Coffer's agent has no /agent/v1/quit endpoint; native sidecars stop with the pod" },
  'agent-disable-idle-connections': { default: '', why: "Coffer's agent has no such setting" },
  'agent-disable-keep-alives': { default: '', why: "Coffer's agent has no such setting" },
  'agent-metrics-listener-port': { default: '', why: "Coffer's agent has no metrics listener yet" },
  'agent-sidecar-type': { default: 'agent', why: 'only the agent can be injected' },
  'proxy-address': { default: '', why: 'an HTTP proxy to Vault is not supported yet' },
  'tls-server-name': { default: '', why: "address the server by a name its certificate holds (the agent's vault.tls_server_name is not supported)" },
  'ca-key': { default: '', why: 'put the CA certificates in one PEM file and use ca-cert' },
  'client-cert': { default: '', why: 'client certificates are not supported by the agent yet' },
  'client-key': { default: '', why: 'client certificates are not supported by the agent yet' },
  'client-max-retries': { default: '', why: 'the agent retries as vault.retry says (12 by default)' },
  'client-timeout': { default: '', why: "the agent's request timeout is not configurable yet" },
  'template-max-connections-per-host': { default: '0', why: "the agent's template engine has no connection limit" },
  namespace: { default: '', why: 'Coffer has no Vault Enterprise namespaces' },
};

/** vault-k8s annotations that change nothing in Coffer (accepted whatever their value). */
export const NO_EFFECT: readonly string[] = ['log-format', 'go-max-procs', A.requestNamespace];

/** Families refused (any name) until implemented. */
export const NOT_YET_FAMILIES: Readonly<Record<string, string>> = {
  'agent-telemetry': "Coffer's agent has no telemetry stanza yet",
};

/** Coffer's own annotations (prefix coffer.dev/). */
export const C = {
  nativeSidecar: 'native-sidecar',
  failFast: 'fail-fast',
  resourceDefaults: 'resource-defaults',
  readinessPort: 'readiness-port',
} as const;

/** Coffer's per-variable family: `coffer.dev/agent-inject-env-<VAR>: "<path>#<key>"`. */
export const ENV_FAMILY = 'agent-inject-env';

export const ALL_VAULT_EXACT: readonly string[] = [...Object.values(A), ...Object.keys(NOT_YET), ...NO_EFFECT];
export const ALL_COFFER: readonly string[] = Object.values(C);
