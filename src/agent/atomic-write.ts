// Writes a file so readers never see half of it: write a temporary file beside it with the final
// mode, fsync, then rename over the destination (atomic on one filesystem). Used by the token
// sinks and the template renderer.

import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** The mode of the written file (umask does not apply: it is set with chmod). */
  mode: number;
  createDirs?: boolean;
  uid?: number;
  gid?: number;
  /** Copy the current file to `<path>.bak` first. */
  backup?: boolean;
}

export async function atomicWrite(path: string, contents: string | Buffer, options: AtomicWriteOptions): Promise<void> {
  const dir = dirname(path);
  if (options.createDirs) await mkdir(dir, { recursive: true, mode: 0o755 });
  if (options.backup) {
    try {
      await copyFile(path, `${path}.bak`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', options.mode);
  try {
    await fh.writeFile(contents);
    await fh.chmod(options.mode);
    if (options.uid !== undefined || options.gid !== undefined) await fh.chown(options.uid ?? -1, options.gid ?? -1);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await rm(tmp, { force: true });
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** The mode of an existing file, or undefined when there is none. */
export async function existingMode(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o7777;
  } catch {
    return undefined;
  }
}
