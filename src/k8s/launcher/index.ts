// The env-var launcher: what the injector puts in front of an app container's command so the
// process starts with its secrets as environment variables (see paths.ts and install.ts).

export { LAUNCHER_DIR, launcherPrefix, noCommandMessage } from './paths.js';
