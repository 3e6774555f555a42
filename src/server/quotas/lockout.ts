// User lockout, as Vault's user_lockout: after `lockout_threshold` failed logins (wrong credentials)
// for one user of a userpass or approle mount, that user's logins are refused with 403 "permission
// denied" for `lockout_duration`, without checking the password; failures older than
// `lockout_counter_reset` no longer count, and a successful login clears them. Settings come from
// the auth mount's tune (`user_lockout_config`), defaulting to Vault's 5 / 15m / 15m.
//
// The user is the login's alias name (the userpass username, the approle role_id), which an
// unauthenticated caller chooses, unknown users included (as in Vault, so a lockout does not reveal
// who exists). So the table is bounded: keys are SHA-256 of mount accessor + name (fixed size, however
// long the name), at most `maxEntries` (16,384 by default, about 2 MB). When full, entries that no
// longer matter (lock over and counter expired) are swept, then the least recently touched unlocked
// entries, and only if all are live locks the least recently touched lock (refused attempts count as
// a touch, so a user under attack stays locked through a spray of other names). State is per node and in memory (Vault also persists locked users): a restart unlocks.

import { createHash } from 'node:crypto';
import { InvalidCredentialsError, permissionDenied } from '../framework/errors.js';

export interface LockoutSettings {
  threshold: number;
  /** ms */
  durationMs: number;
  /** ms */
  counterResetMs: number;
  disabled: boolean;
}

/** What a mount tune stores (seconds; 0 or absent = the default). */
export interface UserLockoutConfig {
  lockout_threshold?: number;
  lockout_duration?: number;
  lockout_counter_reset?: number;
  lockout_disable?: boolean;
}

export const LOCKOUT_TYPES = ['userpass', 'approle'];
export const LOCKOUT_DEFAULTS = { threshold: 5, duration: 15 * 60, counterReset: 15 * 60 };
export const DEFAULT_MAX_ENTRIES = 16_384;

export function lockoutSettings(type: string, cfg: UserLockoutConfig | undefined): LockoutSettings {
  return {
    threshold: cfg?.lockout_threshold || LOCKOUT_DEFAULTS.threshold,
    durationMs: (cfg?.lockout_duration || LOCKOUT_DEFAULTS.duration) * 1000,
    counterResetMs: (cfg?.lockout_counter_reset || LOCKOUT_DEFAULTS.counterReset) * 1000,
    disabled: !LOCKOUT_TYPES.includes(type) || cfg?.lockout_disable === true || /^(1|t|true)$/i.test(process.env.VAULT_DISABLE_USER_LOCKOUT ?? ''),
  };
}

interface Failures {
  count: number;
  last: number;
  /** How long this entry matters: until max(lock end, counter reset) after the last failure. */
  keepMs: number;
  /** When the lock ends (0 = not locked). */
  lockedUntil: number;
}

export class LockoutTable {
  private readonly entries = new Map<string, Failures>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = DEFAULT_MAX_ENTRIES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Runs a login under lockout: refuses it (403) while the user is locked, counts it when it fails
   * for wrong credentials, and clears the count when it succeeds. `name` null = not subject to lockout.
   */
  async guard<T>(accessor: string, name: string | null, s: LockoutSettings, login: () => Promise<T>): Promise<T> {
    if (s.disabled || name === null || name === '') return login();
    const key = createHash('sha256').update(accessor).update('\0').update(name).digest('hex');
    const e = this.entries.get(key);
    const now = this.now();
    if (e && e.count >= s.threshold && now - e.last < s.durationMs) {
      // A locked user still being tried stays at the recent end, so a spray of other names evicts it last.
      this.entries.delete(key);
      this.entries.set(key, e);
      throw permissionDenied();
    }
    try {
      const out = await login();
      this.entries.delete(key);
      return out;
    } catch (err) {
      if (err instanceof InvalidCredentialsError) this.fail(key, s);
      throw err;
    }
  }

  private fail(key: string, s: LockoutSettings): void {
    const now = this.now();
    const e = this.entries.get(key);
    const count = e && now - e.last <= s.counterResetMs ? e.count + 1 : 1;
    if (!e) this.makeRoom(now);
    this.entries.delete(key);
    this.entries.set(key, { count, last: now, keepMs: Math.max(s.durationMs, s.counterResetMs), lockedUntil: count >= s.threshold ? now + s.durationMs : 0 });
  }

  private makeRoom(now: number): void {
    if (this.entries.size < this.maxEntries) return;
    for (const [k, v] of this.entries) if (now - v.last >= v.keepMs) this.entries.delete(k);
    // Then the least recent of the users that are not locked (one scan, only when full) ...
    for (const [k, v] of this.entries) {
      if (this.entries.size < this.maxEntries) return;
      if (v.lockedUntil <= now) this.entries.delete(k);
    }
    // ... and only if every entry is a live lock, the least recent lock.
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
