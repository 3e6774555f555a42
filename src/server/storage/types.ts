// The physical storage contract every backend (memory, SQLite, PostgreSQL) implements.
// Keys are '/'-separated strings; values are opaque bytes (the barrier encrypts them before they get here).

export interface PhysicalStorage {
  /** The value stored under key, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** Stores value under key, replacing any previous value. Durable once the promise resolves. */
  put(key: string, value: Buffer): Promise<void>;
  /** Removes key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * The entries one level below prefix (prefix is '' or ends with '/'), sorted, without the prefix.
   * A key `a/b/c` listed under `a/` appears as `b/` (a folder); listed under `a/b/` as `c`.
   */
  list(prefix: string): Promise<string[]>;
  /** Releases connections and file handles. */
  close(): Promise<void>;
}
