// `coffer launcher install DIR`: copies what runs `coffer agent` into DIR, a volume shared with
// the app containers: this node binary, the shared libraries this very process has mapped (read
// from /proc/self/maps, so exactly what the image's node needs, whatever its distribution), the
// dynamic loader as DIR/ld.so, and Coffer's compiled sources (the agent needs no node_modules).
// Node's single executable applications were considered and not used: the result is still a
// dynamically linked node (it needs the image's glibc and libstdc++), is as large, and building
// it needs postject and a CommonJS bundle of the ESM sources.

import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface InstallResult {
  loader: string;
  libraries: string[];
  bytes: number;
}

/** The installed package root (the folder holding bin/coffer.js and dist/). */
export function packageRoot(): string {
  // dist/src/k8s/launcher/install.js -> four levels up.
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
}

/** The shared objects mapped into this process, real paths, loader first. */
export function mappedLibraries(maps: string = readFileSync('/proc/self/maps', 'utf8')): { loader: string; libraries: string[] } {
  const files = new Set<string>();
  for (const line of maps.split('\n')) {
    const path = line.trim().split(/\s+/)[5];
    if (path && path.startsWith('/') && /\.so(\.|$)/.test(basename(path))) files.add(path);
  }
  const all = [...files];
  const loader = all.find((f) => /^ld-(linux|musl)/.test(basename(f)));
  if (!loader) throw new Error('cannot find the dynamic loader among the libraries this process has mapped (is node statically linked?)');
  return { loader, libraries: all.filter((f) => f !== loader) };
}

/** "libstdc++.so.6.0.30" -> "libstdc++.so.6": the name the loader looks for (DT_NEEDED). */
export function sonameOf(file: string): string {
  const m = /^(.+?\.so(\.\d+)?)(\.\d+)*$/.exec(basename(file));
  return m ? m[1]! : basename(file);
}

function copyExecutable(from: string, to: string): number {
  copyFileSync(from, to);
  chmodSync(to, 0o755);
  return statSync(to).size; // never read into memory: the init container's limit is 128Mi
}

export function installLauncher(dir: string): InstallResult {
  const root = packageRoot();
  const { loader, libraries } = mappedLibraries();
  mkdirSync(join(dir, 'lib'), { recursive: true });
  let bytes = copyExecutable(realpathSync(process.execPath), join(dir, 'node'));
  bytes += copyExecutable(loader, join(dir, 'ld.so'));
  for (const lib of libraries) bytes += copyExecutable(lib, join(dir, 'lib', sonameOf(lib)));
  const pkg = join(dir, 'coffer');
  mkdirSync(join(pkg, 'bin'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  copyFileSync(join(root, 'bin', 'coffer.js'), join(pkg, 'bin', 'coffer.js'));
  cpSync(join(root, 'dist', 'src'), join(pkg, 'dist', 'src'), { recursive: true, filter: (f) => !f.endsWith('.d.ts') && !f.endsWith('.map') });
  return { loader, libraries, bytes };
}
