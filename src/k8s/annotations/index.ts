// vault-k8s (and coffer.dev/) annotations -> a validated injection plan and the agent
// configuration for each injected container. Pure functions: no I/O.

export { agentConfig, envAgentConfig, encodeAgentConfig, AGENT_HOME, PID_FILE, TOKEN_FILE, type AgentKind, type JsonObject, type JsonValue } from './agent-config.js';
export { buildPlan, shouldInject, type AnnotationError, type AuthPlan, type Decision, type InjectionPlan, type JsonPatchOp, type SecretPlan, type EnvVarPlan } from './plan.js';
export { A, C, COFFER_PREFIX, ENV_FAMILY, F, NOT_YET, VAULT_PREFIX } from './names.js';
export * from './settings.js';
export { parseGoBool } from './values.js';
