// Where the env-var launcher lives in a pod and how an app container starts it. The injector
// knows only these fixed names; `coffer launcher install` (in the coffer-env-init container, from
// the Coffer image) fills the directory. Pure data: no I/O.

/** The launcher volume's mount path in the init container and in every wrapped app container. */
export const LAUNCHER_DIR = '/coffer-launcher';

/**
 * The argv prefix that runs `coffer` from the launcher directory on any Linux image of the same
 * CPU architecture, even one with no shell, no node and no C library (scratch, distroless/static,
 * Alpine): the dynamic loader copied from the Coffer image is started directly and loads node and
 * its libraries from the directory, never from the app image.
 */
export function launcherPrefix(dir: string = LAUNCHER_DIR): string[] {
  return [`${dir}/ld.so`, '--library-path', `${dir}/lib`, `${dir}/node`, `${dir}/coffer/bin/coffer.js`];
}

/** Why a wrapped container whose command the injector could not know does not start. */
export function noCommandMessage(container: string): string {
  return (
    `Coffer: container "${container}" asks for secrets as environment variables (coffer.dev/agent-inject-env-*), ` +
    "but its pod spec sets no command, and the injector cannot see the image's entrypoint: " +
    'set command (and args) in the pod spec to what the image runs'
  );
}
