// `coffer k8s migrate` as pure functions: manifests and what the server holds in, a plan out (KV
// writes, new file texts, policies and roles, problems); and the plan as text or JSON. The CLI
// (src/cli/k8s-migrate.ts) asks the server, applies the plan and writes the files.

export { buildPlan, dataPath, kvPath, sameData, secretsToCheck, type InputFile } from './plan.js';
export { accessName, pathsOfOwnPolicy, policyHcl, POLICY_MARKER } from './policy.js';
export { formatJson, formatText, maskSecretText } from './report.js';
export { keyTemplate } from './rewrite.js';
export type { AccessPlan, FileChange, KvState, KvWrite, MigrateOptions, MigrationPlan, Problem, SecretSource } from './types.js';
