// The agent's configuration: load (files, directories, HCL or JSON), merge, validate.

export { configFromEnv, loadAgentConfig, type InlineConfig, type LoadOptions } from './load.js';
export { ConfigError } from './read.js';
export { parseDurationMs } from './duration.js';
export * from './types.js';
