// Where an audit device's lines go: an append-mode file, stdout, or nowhere.
//
// Written by hand because no logging library gives the guarantee Vault's audit needs: the caller
// learns, per line, whether that line reached the file. Lines are queued and written in arrival order;
// whatever queued up while one write was in flight goes out as the next single write (group commit),
// so a busy server does one syscall for many lines while a quiet one pays one per line. A write that
// fails is retried once after reopening the file (as Vault does). Unlike Vault, a file deleted without
// a SIGHUP is noticed and recreated at its path: at most once a second (not per line: an fstat costs
// as much as the write), a write first checks the handle's link count. Lines written between the
// deletion and that check still go to the unlinked inode. (fs.watch can't do this cheaply: with the
// file open, an unlink is only an attribute change, and every write raises an event too.)
//
// A regular file is written (and fstat-ed) synchronously: appending a few KB to the page cache costs
// microseconds, while an async write waits for a thread of libuv's 4-thread pool, which CPU-heavy
// work (scrypt logins) can keep busy for seconds, stalling every audited request behind it. FIFOs
// and devices keep the async path: they can block or answer EAGAIN, and the event loop must not wait.

import { constants as fsConstants, fstatSync, promises as fsp, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createSerial } from './serial.js';
import type { SinkTarget } from './types.js';

export interface Sink {
  /** Resolves once the whole line has been handed to the OS; rejects if it could not be. */
  write(line: Buffer): Promise<void>;
  /** Opens the file now (enable fails if it can't); later writes also open it if it isn't. */
  open(): Promise<void>;
  /** Close and reopen (log rotation). Rejects if the file can't be reopened. */
  reopen(): Promise<void>;
  /** Waits for queued lines, then closes. */
  close(): Promise<void>;
  /** For errors and logs: the file path, "stdout" or "discard". */
  readonly name: string;
}

export interface SinkOptions {
  /** How often (ms) a write first checks that the file wasn't deleted; 0 = every write. */
  deletionCheckMs?: number;
}

export function createSink(target: SinkTarget, opts: SinkOptions = {}): Sink {
  switch (target.kind) {
    case 'discard':
      return { name: 'discard', write: async () => undefined, open: async () => undefined, reopen: async () => undefined, close: async () => undefined };
    case 'stdout':
      return stdoutSink();
    case 'file':
      return fileSink(target.path, target.mode, opts.deletionCheckMs ?? 1000);
  }
}

function stdoutSink(): Sink {
  // Without a listener, an EPIPE on stdout would be thrown as an uncaught 'error' event.
  if (process.stdout.listenerCount('error') === 0) process.stdout.on('error', () => undefined);
  return {
    name: 'stdout',
    write: (line) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(line, (err) => (err ? reject(err) : resolve()));
      }),
    open: async () => undefined,
    reopen: async () => undefined,
    close: async () => undefined,
  };
}

/** Opens a file and checks it can take audit lines. The error message names the file. */
async function openAppend(path: string, mode: number): Promise<{ handle: FileHandle; regular: boolean }> {
  try {
    await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const st = await fsp.stat(path).catch(() => null);
    if (st?.isDirectory()) throw new Error('it is a directory');
    // A FIFO with no reader would block open() forever; with O_NONBLOCK it fails at once (ENXIO).
    const flags = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | (st?.isFIFO() ? fsConstants.O_NONBLOCK : 0);
    const handle = await fsp.open(path, flags, mode === 0 ? 0o600 : mode);
    try {
      const regular = (await handle.stat()).isFile();
      // mode 0000 means "leave the file's mode alone"; devices and FIFOs are never chmod-ed.
      if (mode !== 0 && regular) await handle.chmod(mode);
      return { handle, regular };
    } catch (e) {
      await handle.close().catch(() => undefined);
      throw e;
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(`unable to open audit log file "${path}" for appending: ${why}`);
  }
}

interface Pending {
  line: Buffer;
  resolve: () => void;
  reject: (e: Error) => void;
}

const isEagain = (e: unknown): boolean => (e as NodeJS.ErrnoException | null)?.code === 'EAGAIN';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function fileSink(path: string, mode: number, deletionCheckMs: number): Sink {
  let handle: FileHandle | null = null;
  const pending: Pending[] = [];
  let drainScheduled = false;
  let closed = false;
  // Every file operation runs here, one at a time: writes never interleave with a reopen or close.
  const exclusive = createSerial();

  let regular = false;
  let lastCheck = 0;

  async function ensureOpen(): Promise<FileHandle> {
    if (handle && regular && Date.now() - lastCheck >= deletionCheckMs) {
      lastCheck = Date.now();
      // Deleted under us? (Renamed is fine: that file still exists, and SIGHUP moves us on, as in Vault.)
      if (fstatSync(handle.fd).nlink === 0) await closeHandle();
    }
    if (handle) return handle;
    const opened = await openAppend(path, mode);
    handle = opened.handle;
    regular = opened.regular;
    lastCheck = Date.now();
    return handle;
  }

  async function closeHandle(): Promise<void> {
    const h = handle;
    handle = null;
    if (h) await h.close();
  }

  /** Writes buf from progress.done on; progress.done says how far it got, even when it throws. */
  async function writeFrom(buf: Buffer, progress: { done: number }): Promise<void> {
    const h = await ensureOpen();
    if (regular) {
      while (progress.done < buf.length) progress.done += writeSync(h.fd, buf, progress.done, buf.length - progress.done);
      return;
    }
    let eagainTries = 0;
    while (progress.done < buf.length) {
      try {
        const { bytesWritten } = await h.write(buf, progress.done, buf.length - progress.done);
        progress.done += bytesWritten;
        eagainTries = 0;
      } catch (e) {
        // A FIFO whose reader is slow: wait a little, up to about a second, before calling it failed.
        if (isEagain(e) && eagainTries++ < 100) await sleep(10);
        else throw e;
      }
    }
  }

  async function writeAll(buf: Buffer): Promise<void> {
    const progress = { done: 0 };
    try {
      await writeFrom(buf, progress);
      return;
    } catch {
      // Vault's rule: one reopen and retry per failed write. The retry resumes after the bytes that
      // made it, so the line stays whole if the first attempt stopped part-way.
      await closeHandle().catch(() => undefined);
    }
    try {
      await writeFrom(buf, progress);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Error(why.includes(path) ? why : `writing to audit log file "${path}" failed: ${why}`);
    }
  }

  async function drainOnce(): Promise<void> {
    const batch = pending.splice(0);
    try {
      if (closed) throw new Error(`audit log file "${path}" is closed`);
      if (batch.length > 0) await writeAll(batch.length === 1 ? batch[0]!.line : Buffer.concat(batch.map((p) => p.line)));
      for (const p of batch) p.resolve();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const p of batch) p.reject(err);
    } finally {
      drainScheduled = false;
      // Lines that arrived meanwhile go in the next write, queued behind any reopen asked for since.
      if (pending.length > 0) schedule();
    }
  }

  function schedule(): void {
    if (drainScheduled) return;
    drainScheduled = true;
    void exclusive(drainOnce);
  }

  return {
    name: path,
    write(line) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ line, resolve, reject });
        schedule();
      });
    },
    reopen: () =>
      exclusive(async () => {
        await closeHandle().catch(() => undefined);
        if (!closed) await ensureOpen();
      }),
    close: () =>
      exclusive(async () => {
        closed = true;
        await closeHandle();
      }),
    open: () =>
      exclusive(async () => {
        await ensureOpen();
      }),
  };
}
