// `coffer launcher install DIR` (the injected coffer-env-init container) and
// `coffer launcher no-command CONTAINER` (what a wrapped container runs when the pod spec gave no
// command: it says why on stderr and in the termination message, which the kubelet shows in the
// pod's status and `kubectl describe pod`, and exits 1).

import { writeFileSync } from 'node:fs';
import { installLauncher } from '../k8s/launcher/install.js';
import { noCommandMessage } from '../k8s/launcher/paths.js';

/** The kubelet's default terminationMessagePath. */
const TERMINATION_LOG = '/dev/termination-log';

export const LAUNCHER_USAGE = `Usage: coffer launcher install DIR
       coffer launcher no-command CONTAINER

  install     copies node, its libraries and Coffer into DIR (the injector's
              coffer-env-init container runs it), so that app containers can run
              \`coffer agent\` from DIR whatever their image holds.
  no-command  explains that a container's command is unknown and exits 1.`;

export async function launcherCommand(argv: string[]): Promise<number> {
  const [sub, arg, ...extra] = argv;
  if (sub === 'install' && arg && extra.length === 0) {
    const r = installLauncher(arg);
    process.stdout.write(`launcher installed in ${arg} (${r.libraries.length} libraries, ${Math.round(r.bytes / 1048576)} MiB)\n`);
    return 0;
  }
  if (sub === 'no-command' && arg && extra.length === 0) {
    const msg = noCommandMessage(arg);
    process.stderr.write(`${msg}\n`);
    // Only into the file the kubelet provides (r+ never creates one: outside a pod, root would
    // otherwise make /dev/termination-log on the host).
    try {
      writeFileSync(TERMINATION_LOG, msg, { flag: 'r+' });
    } catch {
      // Not in a pod (or no termination log): stderr is enough.
    }
    return 1;
  }
  const help = sub === '-h' || sub === '-help' || sub === '--help';
  (help ? process.stdout : process.stderr).write(`${LAUNCHER_USAGE}\n`);
  return help ? 0 : 1;
}
