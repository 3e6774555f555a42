// The pod's own service-account files (token and ca.crt), used when the config leaves
// token_reviewer_jwt or kubernetes_ca_cert empty and disable_local_ca_jwt is false. Each file is
// cached and re-read after a period (token: 1 minute, CA: 1 hour, as Vault's backend.go), so a
// rotated projected token is picked up without a restart.
// The directory defaults to /var/run/secrets/kubernetes.io/serviceaccount; the COFFER_K8S_SA_DIR
// environment variable (read once, when the mount's backend is created) points it elsewhere.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../../framework/index.js';

export const DEFAULT_SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SA_DIR_ENV = 'COFFER_K8S_SA_DIR';
export const TOKEN_RELOAD_MS = 60_000;
export const CA_RELOAD_MS = 3_600_000;

export class CachingFileReader {
  private cached: { value: string | null; at: number } | null = null;

  constructor(
    readonly path: string,
    private readonly periodMs: number,
    private readonly clock: Clock,
  ) {}

  /** The file's trimmed content, or null when it cannot be read (not running in a pod). */
  async read(): Promise<string | null> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < this.periodMs) return this.cached.value;
    let value: string | null;
    try {
      value = (await readFile(this.path, 'utf8')).trim();
      if (value === '') value = null;
    } catch {
      value = null;
    }
    this.cached = { value, at: now };
    return value;
  }
}

export interface LocalServiceAccount {
  dir: string;
  token: CachingFileReader;
  ca: CachingFileReader;
}

export function localServiceAccount(dir: string, clock: Clock): LocalServiceAccount {
  return {
    dir,
    token: new CachingFileReader(join(dir, 'token'), TOKEN_RELOAD_MS, clock),
    ca: new CachingFileReader(join(dir, 'ca.crt'), CA_RELOAD_MS, clock),
  };
}
