// Temporary directories for tests, removed when the test process exits (each test file runs in its
// own process), so `npm test` leaves nothing behind in the system's temp folder.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const created: string[] = [];
let hooked = false;

/** A new empty directory under os.tmpdir(), deleted with everything in it when the process exits. */
export function tempDir(prefix = 'coffer-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', removeTempDirs);
  }
  return dir;
}

/** Removes every directory tempDir() made so far (also called at exit). */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* a file still held open elsewhere: nothing more to do at exit */
    }
  }
}
