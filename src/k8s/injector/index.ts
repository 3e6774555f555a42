// The injector: AdmissionReview v1 in, JSONPatch out, and its HTTPS server.

export { review, denialMessage, ADMISSION_API_VERSION, type AdmissionResponse, type AdmissionReviewOut, type Outcome, type ReviewResult } from './mutate.js';
export { buildPatch, pointerEscape } from './patch.js';
export { agentContainer, envInitContainer, injectedVolumes, wrapForEnv, ENV_CONFIG_VAR, ENV_INIT_NAME, INIT_NAME, LAUNCHER_VOLUME, SIDECAR_NAME, SECRETS_VOLUME } from './containers.js';
export { startInjectorServer, DEFAULT_MAX_BODY_BYTES, type InjectorServer, type InjectorServerOptions } from './server.js';
