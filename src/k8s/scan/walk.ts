// The file-system side of `coffer k8s scan`: turns PATH arguments into the files to scan and reads the
// files a kustomization refers to. Folders are walked in name order; `.git` and `node_modules` are
// skipped; a symlink is followed only when its target is inside the tree being scanned (never out of
// it, and never twice into the same folder); a file larger than MAX_FILE_BYTES is not read.

import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { KUSTOMIZATION_NAMES } from './kustomize.js';
import type { RefReader, ScanError, ScanFile } from './types.js';

/** 4 MiB: far above any Kubernetes object (etcd takes at most 1.5 MiB a request), below any lockfile-sized surprise. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

const SKIP_DIRS = new Set(['.git', 'node_modules']);
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

export interface Gathered {
  files: ScanFile[];
  errors: ScanError[];
  warnings: ScanError[];
  readRef: RefReader;
}

const code = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function inside(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

export function gather(paths: string[], cwd: string = process.cwd()): Gathered {
  const out: Gathered = { files: [], errors: [], warnings: [], readRef: () => ({ error: 'unreachable' }) };
  const roots: string[] = [];
  const shown = (abs: string): string => {
    const rel = relative(cwd, abs);
    return rel === '' ? basename(abs) : rel.split(sep).join('/');
  };
  const seenFiles = new Set<string>();

  const readText = (abs: string, real: string, display: string): string | ScanError => {
    const size = statSync(real).size;
    if (size > MAX_FILE_BYTES) return { file: display, message: `larger than ${MAX_FILE_BYTES} bytes (${size}); not scanned` };
    const text = readFileSync(real, 'utf8');
    if (text.includes('\0')) return { file: display, message: 'binary (NUL bytes); not scanned' };
    return text;
  };

  const addFile = (abs: string, real: string): void => {
    if (seenFiles.has(real)) return;
    seenFiles.add(real);
    const display = shown(abs);
    try {
      const text = readText(abs, real, display);
      if (typeof text === 'string') out.files.push({ path: display, content: text });
      else out.warnings.push(text);
    } catch (e) {
      out.errors.push({ file: display, message: `cannot read: ${code(e)}` });
    }
  };

  const walkDir = (abs: string, root: string, seenDirs: Set<string>): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch (e) {
      out.errors.push({ file: shown(abs), message: `cannot read the folder: ${code(e)}` });
      return;
    }
    for (const d of entries) {
      const p = resolve(abs, d.name);
      let real = p;
      let isDir = d.isDirectory();
      let isFile = d.isFile();
      if (d.isSymbolicLink()) {
        try {
          real = realpathSync(p);
          const st = statSync(real);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          out.warnings.push({ file: shown(p), message: 'broken symlink; not followed' });
          continue;
        }
        if (!inside(root, real)) {
          out.warnings.push({ file: shown(p), message: 'symlink leads out of the scanned tree; not followed' });
          continue;
        }
      }
      if (isDir) {
        if (SKIP_DIRS.has(d.name) || seenDirs.has(real)) continue;
        seenDirs.add(real);
        walkDir(p, root, seenDirs);
      } else if (isFile && (EXTENSIONS.has(extname(d.name).toLowerCase()) || KUSTOMIZATION_NAMES.has(d.name))) {
        addFile(p, real);
      }
    }
  };

  for (const given of paths) {
    const abs = resolve(cwd, given);
    let real: string;
    try {
      lstatSync(abs);
      real = realpathSync(abs);
    } catch (e) {
      out.errors.push({ file: given, message: `cannot scan: ${code(e)}` });
      continue;
    }
    if (statSync(real).isDirectory()) {
      roots.push(real);
      walkDir(abs, real, new Set([real]));
    } else {
      roots.push(dirname(real));
      addFile(abs, real);
    }
  }

  out.readRef = (fromFile, ref) => {
    if (isAbsolute(ref)) return { error: 'an absolute path; Kustomize reads files relative to the kustomization' };
    const abs = resolve(cwd, dirname(fromFile), ref);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch (e) {
      return { error: `cannot read: ${code(e)}` };
    }
    if (!roots.some((r) => inside(r, real))) return { error: 'outside the scanned tree; not read' };
    try {
      const size = statSync(real).size;
      if (size > MAX_FILE_BYTES) return { error: `larger than ${MAX_FILE_BYTES} bytes (${size}); not read` };
      return { path: shown(abs), content: readFileSync(real) };
    } catch (e) {
      return { error: `cannot read: ${code(e)}` };
    }
  };
  return out;
}
