// Runs one backend the way the core does (match the path, existence check for create vs update,
// invoke, map thrown CofferError to its status) over an in-memory storage view and a settable
// clock, so a backend's tests need no server, barrier or SQLite.

import { CofferError } from '../../src/server/framework/errors.js';
import { compileBackend, fieldsFor, invoke, matchPath, resolveOperation } from '../../src/server/framework/router.js';
import type { Backend, BackendFactory, Clock, Logger, Operation, Request, Response, StorageView } from '../../src/server/framework/types.js';

/** A StorageView over a Map; `entries` exposes the raw keys and values for assertions. */
export interface MemoryStorage extends StorageView {
  readonly entries: Map<string, Buffer>;
}

export function createMemoryStorage(): MemoryStorage {
  const entries = new Map<string, Buffer>();
  return {
    entries,
    get: async (key) => {
      const v = entries.get(key);
      return v === undefined ? null : Buffer.from(v);
    },
    put: async (key, value) => {
      entries.set(key, Buffer.from(value));
    },
    delete: async (key) => {
      entries.delete(key);
    },
    list: async (prefix) => {
      const out = new Set<string>();
      for (const key of entries.keys()) {
        if (!key.startsWith(prefix)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf('/');
        out.add(slash < 0 ? rest : rest.slice(0, slash + 1));
      }
      return [...out].sort();
    },
  };
}

export interface SettableClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export const DEFAULT_START = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

export function createClock(start = DEFAULT_START): SettableClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface HarnessResult {
  status: number;
  response: Response | null;
  /** The message of a thrown error. */
  error?: string;
  /** The operation after the existence check (create vs update). */
  operation: Operation;
}

export interface HarnessOptions {
  options?: Record<string, string>;
  clock?: SettableClock;
  storage?: MemoryStorage;
  mountPoint?: string;
  /** seconds; Vault's default is 768h */
  defaultLeaseTtl?: number;
}

export interface Harness {
  request(operation: Operation, path: string, data?: Record<string, unknown>): Promise<HarnessResult>;
  storage: MemoryStorage;
  clock: SettableClock;
  backend: Backend;
}

const silent: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export async function createHarness(factory: BackendFactory, opts: HarnessOptions = {}): Promise<Harness> {
  const storage = opts.storage ?? createMemoryStorage();
  const clock = opts.clock ?? createClock();
  const mountPoint = opts.mountPoint ?? 'secret/';
  const ttl = opts.defaultLeaseTtl ?? 768 * 3600;
  const backend = await factory({
    storage,
    mountPoint,
    options: opts.options ?? {},
    system: { defaultLeaseTtl: () => ttl, maxLeaseTtl: () => ttl },
    clock,
    logger: silent,
  });
  const paths = compileBackend(backend);
  let seq = 0;

  async function request(operation: Operation, path: string, data: Record<string, unknown> = {}): Promise<HarnessResult> {
    // Data arrives from the wire as parsed JSON: never share references with the test.
    const body = JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    const req: Request = {
      operation,
      path,
      data: body,
      storage,
      mountPoint,
      requestId: `req-${++seq}`,
      remoteAddr: '127.0.0.1',
      headers: {},
    };
    try {
      const match = matchPath(paths, path);
      if (!match) throw new CofferError(404, `unsupported path`);
      const fields = fieldsFor(match, body);
      req.operation = await resolveOperation(match, req, fields);
      const response = await invoke(match, req, fields);
      const status = response === null ? 204 : (response.status ?? 200);
      return { status, response, operation: req.operation };
    } catch (e) {
      if (e instanceof CofferError) return { status: e.status, response: null, error: e.message, operation: req.operation };
      return { status: 500, response: null, error: (e as Error).stack ?? String(e), operation: req.operation };
    }
  }

  return { request, storage, clock, backend };
}
