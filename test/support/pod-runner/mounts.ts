// One container's file system, built the way a container runtime would, by a shell script run by
// `unshare -m` (a private mount namespace, so nothing shows or stays in the host's):
//   tmpfs scratch -> overlay of the image's root (writes go to the scratch, the image is never
//   changed) -> each volume bind-mounted at its mountPath (read-only when asked) -> /proc, /sys,
//   a fresh /dev with the usual devices and /dev/termination-log -> the root remounted read-only (readOnlyRootFilesystem) -> chroot (as runAsUser:runAsGroup).
// Mount targets are resolved inside the image first (resolveInRoot), so nothing is created or
// mounted outside the container's root.
// The mount namespace, and with it every mount, goes away when the container's process exits.

import { lstatSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface BindMount {
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerFs {
  /** The image's root file system (the overlay's lower layer). */
  imageRoot: string;
  /** An empty host directory for the tmpfs scratch (upper layer and new root). */
  scratch: string;
  mounts: BindMount[];
  readOnlyRoot: boolean;
  user?: { uid: number; gid: number };
  /** A host file bound at /dev/termination-log (the kubelet's terminationMessagePath). */
  terminationLog?: string;
  workingDir?: string;
}

/**
 * A path inside the image with every symlink resolved against the image's root, not the host's:
 * on Debian /var/run -> /run is absolute, and `mkdir -p root/var/run/secrets` would otherwise
 * create /run/secrets on the host. Components that do not exist are kept as they are.
 */
export function resolveInRoot(imageRoot: string, path: string): string {
  let todo = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let missing = false; // below a component the image lacks, nothing can be a symlink
  for (let hops = 0; todo.length > 0; ) {
    const part = todo.shift()!;
    if (part === '..') {
      done.pop();
      continue;
    }
    let st;
    if (!missing) {
      try {
        st = lstatSync(join(imageRoot, ...done, part));
      } catch {
        missing = true;
      }
    }
    if (!st || !st.isSymbolicLink()) {
      done.push(part);
      continue;
    }
    if (++hops > 40) throw new Error(`pod runner: too many symbolic links in ${path}`);
    const link = readlinkSync(join(imageRoot, ...done, part));
    const rest = link.split('/').filter((p) => p !== '' && p !== '.');
    if (link.startsWith('/')) done.length = 0;
    todo = [...rest, ...todo];
  }
  return `/${done.join('/')}`;
}

/** POSIX shell single-quoting. */
export function shq(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** The script; the container's argv follows as "$@". */
export function setupScript(fs: ContainerFs): string {
  const root = `${fs.scratch}/root`;
  const lines = [
    'set -e',
    `mount -t tmpfs coffer-pod ${shq(fs.scratch)}`,
    `mkdir ${shq(`${fs.scratch}/upper`)} ${shq(`${fs.scratch}/work`)} ${shq(root)}`,
    `mount -t overlay overlay -o ${shq(`lowerdir=${fs.imageRoot},upperdir=${fs.scratch}/upper,workdir=${fs.scratch}/work`)} ${shq(root)}`,
  ];
  for (const m of fs.mounts) {
    const at = `${root}${resolveInRoot(fs.imageRoot, m.target)}`;
    lines.push(
      `mkdir -p ${shq(at)}`,
      `[ "$(realpath -e ${shq(at)})" = ${shq(at)} ] || { echo ${shq(`pod runner: mount target ${m.target} leaves the container's root`)} >&2; exit 1; }`,
      `mount --bind ${shq(m.source)} ${shq(at)}`,
    );
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${shq(at)}`);
  }
  for (const d of ['/proc', '/sys']) lines.push(`mkdir -p ${shq(root + d)}`, `mount --rbind ${d} ${shq(root + d)}`);
  // /dev as a container runtime makes it: a tmpfs with the usual devices bound in, so nothing a
  // container writes there (such as its termination message) lands in the host's /dev.
  const dev = `${root}/dev`;
  lines.push(`mkdir -p ${shq(dev)}`, `mount -t tmpfs -o mode=755 coffer-dev ${shq(dev)}`);
  for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty']) lines.push(`touch ${shq(`${dev}/${d}`)}`, `mount --bind /dev/${d} ${shq(`${dev}/${d}`)}`);
  lines.push(`mkdir ${shq(`${dev}/shm`)} ${shq(`${dev}/pts`)}`, `mount -t tmpfs -o mode=1777 shm ${shq(`${dev}/shm`)}`, `ln -s /proc/self/fd ${shq(`${dev}/fd`)}`);
  for (const [i, n] of ['stdin', 'stdout', 'stderr'].entries()) lines.push(`ln -s /proc/self/fd/${i} ${shq(`${dev}/${n}`)}`);
  if (fs.terminationLog) lines.push(`touch ${shq(`${dev}/termination-log`)}`, `mount --bind ${shq(fs.terminationLog)} ${shq(`${dev}/termination-log`)}`);
  if (fs.readOnlyRoot) lines.push(`mount -o remount,bind,ro ${shq(root)}`);
  const user = fs.user ? ` --userspec=${fs.user.uid}:${fs.user.gid}` : '';
  // chroot(8) does chdir("/") in the new root; a workingDir needs a shell in the image, so it is
  // honoured only when it is "/" or unset (what the tests' pods use).
  lines.push(`exec chroot${user} ${shq(root)} "$@"`);
  return lines.join('\n');
}
