// Test helpers for the audit tests: a Map-backed StorageView, a logger that records, a fixed clock,
// temp directories, and a sample request, token and response carrying known secrets.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, Logger, StorageView } from '../../../src/server/framework/types.js';
import type { CoreRequest, CoreResponse } from '../../../src/server/core/types.js';
import type { TokenEntry } from '../../../src/server/token/types.js';
import type { AuditEntry } from '../../../src/server/audit/types.js';

export interface MemoryView extends StorageView {
  map: Map<string, Buffer>;
}

/** One-level list semantics like the real storage: sub-folders come back once, ending with "/". */
export function memoryView(): MemoryView {
  const map = new Map<string, Buffer>();
  return {
    map,
    get: async (k) => map.get(k) ?? null,
    put: async (k, v) => void map.set(k, Buffer.from(v)),
    delete: async (k) => void map.delete(k),
    list: async (prefix) => {
      const out = new Set<string>();
      for (const k of map.keys()) {
        if (!k.startsWith(prefix)) continue;
        const rest = k.slice(prefix.length);
        const slash = rest.indexOf('/');
        out.add(slash === -1 ? rest : rest.slice(0, slash + 1));
      }
      return [...out].sort();
    },
  };
}

export interface RecordingLogger extends Logger {
  lines: { level: string; obj: object | string; msg?: string }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, obj, msg });
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const fixedClock: Clock = { now: () => Date.UTC(2024, 0, 15, 10, 30, 45, 123) };

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-audit-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function readLines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

export const parseEntry = (line: string): AuditEntry => JSON.parse(line) as AuditEntry;

/** Follows keys through parsed JSON; undefined as soon as a step is missing. */
export function dig(v: unknown, ...keys: string[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export const SECRET = 'p@ssw0rd-known-secret';
export const TOKEN = 'hvs.CLIENTTOKENabcdefghijklmnop';
export const ACCESSOR = 'accessor-xyz-123456';
export const NEW_TOKEN = 'hvs.ISSUEDTOKENqrstuvwxyz0123';
export const NEW_ACCESSOR = 'issued-accessor-987';
export const WRAP_TOKEN = 'hvs.WRAPPINGTOKEN000111222';

export function sampleRequest(over: Partial<CoreRequest> = {}): CoreRequest {
  return {
    operation: 'update',
    path: 'secret/data/myapp/config',
    data: { data: { password: SECRET, port: 5432, enabled: true, tags: [SECRET, 'x'] }, options: { cas: 1 } },
    clientToken: TOKEN,
    remoteAddr: '10.0.0.7',
    headers: {},
    requestId: 'req-0001',
    ...over,
  };
}

export function sampleToken(over: Partial<TokenEntry> = {}): TokenEntry {
  return {
    idHash: 'stored-hash',
    accessor: ACCESSOR,
    policies: ['default', 'myapp'],
    path: 'auth/kubernetes/login',
    meta: { role: 'my-role', service_account_name: 'app' },
    displayName: 'kubernetes-app',
    numUses: 0,
    creationTime: 1705314645,
    creationTtl: 3600,
    explicitMaxTtl: 0,
    period: 0,
    renewable: true,
    parentHash: '',
    expireTime: 0,
    maxExpireTime: 0,
    boundCidrs: [],
    authMount: 'auth/kubernetes/',
    entityId: 'entity-1',
    type: 'service',
    ...over,
  };
}

export function sampleResponse(over: Partial<CoreResponse> = {}): CoreResponse {
  return {
    status: 200,
    data: { data: { password: SECRET, port: 5432 }, metadata: { version: 3 } },
    leaseId: '',
    leaseDuration: 0,
    renewable: false,
    auth: {
      client_token: NEW_TOKEN,
      accessor: NEW_ACCESSOR,
      policies: ['default', 'myapp'],
      token_policies: ['default', 'myapp'],
      metadata: { role: 'my-role' },
      lease_duration: 3600,
      renewable: true,
      entity_id: 'entity-1',
      token_type: 'service',
      orphan: true,
      mfa_requirement: null,
      num_uses: 0,
    },
    wrapInfo: {
      token: WRAP_TOKEN,
      accessor: 'wrap-accessor-55',
      ttl: 60,
      creation_time: '2024-01-15T10:30:45.123Z',
      creation_path: 'secret/data/myapp/config',
    },
    warnings: ['a warning'],
    mountType: 'kv',
    ...over,
  };
}
