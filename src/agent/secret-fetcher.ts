// Fetches what templates ask for and keeps the answers: `secret` reads (and "k=v" writes) and
// `secrets` lists, with consul-template's KV v2 shim (ask sys/internal/ui/mounts which version
// the mount runs and insert `data/` or `metadata/` when the path lacks it), one request per
// path however many templates use it, and errors that say which policy capability is missing.

import { VaultError, type Client, type VaultResponse } from '../client/index.js';
import type { TemplateValue } from '../template/index.js';
import type { Logger } from './log.js';

export type DepKind = 'read' | 'write' | 'list';

/** One thing a template needs from the server. */
export interface Dep {
  key: string;
  kind: DepKind;
  /** The path as the template wrote it (a read may end in ?version=N). */
  path: string;
  data?: Readonly<Record<string, string>>;
}

export function readDep(path: string): Dep {
  return { key: `read:${path}`, kind: 'read', path };
}

export function writeDep(path: string, data: Readonly<Record<string, string>>): Dep {
  const sorted = Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { key: `write:${path}:${JSON.stringify(sorted)}`, kind: 'write', path, data: sorted };
}

export function listDep(path: string): Dep {
  return { key: `list:${path}`, kind: 'list', path };
}

export interface Fetched {
  dep: Dep;
  /** What the template sees: consul-template's Secret ({Data, LeaseID, ...}) or a list of keys. */
  value: TemplateValue;
  leaseId: string;
  leaseDuration: number;
  renewable: boolean;
  /** The path was in a KV v2 mount (for the `.Data.data` hint on a missing key). */
  kvV2: boolean;
  /** Changes when the data changes. */
  fingerprint: string;
}

/** A fetch that failed; `status` is the HTTP status (0: no answer). */
export class SecretFetchError extends Error {
  override readonly name = 'SecretFetchError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

interface MountInfo {
  mount: string;
  version: 1 | 2;
}

const CAPABILITY: Record<DepKind, string> = { read: 'read', write: 'update', list: 'list' };

function trim(p: string): string {
  return p.replace(/^\/+/, '');
}

/** consul-template's shimKVv2Path (reads) and its list variant. */
export function shimKvV2Path(rawPath: string, mount: string, kind: DepKind): string {
  const bare = mount.replace(/\/+$/, '');
  const sub = kind === 'list' ? 'metadata' : 'data';
  if (rawPath === mount || rawPath === bare) return `${bare}/${sub}`;
  const rest = rawPath.slice(mount.length);
  if (kind === 'list' ? rest.startsWith('metadata/') : /^(data|metadata|subkeys)\//.test(rest)) return rawPath;
  return `${bare}/${sub}/${rest}`;
}

function secretValue(res: VaultResponse<Record<string, unknown>>): TemplateValue {
  const a = res.auth;
  const w = res.wrap_info;
  return JSON.parse(
    JSON.stringify({
      RequestID: res.request_id ?? '',
      LeaseID: res.lease_id ?? '',
      LeaseDuration: res.lease_duration ?? 0,
      Renewable: res.renewable ?? false,
      Data: res.data ?? {},
      Warnings: res.warnings ?? [],
      Auth: a
        ? {
            ClientToken: a.client_token,
            Accessor: a.accessor,
            Policies: a.policies ?? [],
            TokenPolicies: a.token_policies ?? [],
            IdentityPolicies: a.identity_policies ?? [],
            Metadata: a.metadata ?? {},
            Orphan: a.orphan ?? false,
            EntityID: a.entity_id ?? '',
            LeaseDuration: a.lease_duration,
            Renewable: a.renewable,
          }
        : null,
      WrapInfo: w ? { Token: w.token, Accessor: w.accessor, TTL: w.ttl, CreationTime: w.creation_time, CreationPath: w.creation_path, WrappedAccessor: w.wrapped_accessor ?? '' } : null,
    }),
  ) as TemplateValue;
}

export class SecretFetcher {
  private readonly cache = new Map<string, Fetched>();
  private readonly inflight = new Map<string, Promise<Fetched>>();
  private readonly mounts: MountInfo[] = [];
  private token: string | undefined;
  private generation = 0;

  constructor(
    private readonly client: Client,
    private readonly log: Logger,
    /** Called when the server answers 403 (the token may have been revoked). */
    private readonly onDenied: () => void = () => undefined,
  ) {}

  /** A new token: everything fetched with the old one is forgotten. */
  setToken(token: string | undefined): void {
    this.token = token;
    this.generation++;
    this.cache.clear();
    this.inflight.clear();
  }

  recall(key: string): Fetched | undefined {
    return this.cache.get(key);
  }

  /** The cached answer, or one fetch shared by every caller asking at the same time. */
  fetch(dep: Dep): Promise<Fetched> {
    const hit = this.cache.get(dep.key);
    if (hit) return Promise.resolve(hit);
    return this.refetch(dep);
  }

  /** Fetches again even if cached (a refresh); the cache holds the new answer afterwards. */
  refetch(dep: Dep): Promise<Fetched> {
    const running = this.inflight.get(dep.key);
    if (running) return running;
    const generation = this.generation;
    const p = this.doFetch(dep).then((f) => {
      if (this.generation !== generation) return f;
      // Unchanged (the common case of a periodic re-read): keep the answer already cached.
      const had = this.cache.get(dep.key);
      if (had?.fingerprint === f.fingerprint) return had;
      this.cache.set(dep.key, f);
      return f;
    });
    const cleanup = (): void => {
      if (this.inflight.get(dep.key) === p) this.inflight.delete(dep.key);
    };
    p.then(cleanup, cleanup);
    this.inflight.set(dep.key, p);
    return p;
  }

  forget(key: string): void {
    this.cache.delete(key);
  }

  private async mountOf(path: string): Promise<{ info: MountInfo | undefined; denied: boolean }> {
    const known = this.mounts.filter((m) => path === m.mount.replace(/\/+$/, '') || path.startsWith(m.mount)).sort((a, b) => b.mount.length - a.mount.length)[0];
    if (known) return { info: known, denied: false };
    try {
      const kind = await this.client.kvKind(path);
      if (kind.mount === '') return { info: undefined, denied: false };
      const info: MountInfo = { mount: kind.mount.endsWith('/') ? kind.mount : `${kind.mount}/`, version: kind.version };
      this.mounts.push(info);
      return { info, denied: false };
    } catch (e) {
      this.log.debug('KV version check failed; reading the path as written', { path, error: (e as Error).message });
      return { info: undefined, denied: e instanceof VaultError && e.status === 403 };
    }
  }

  private async doFetch(dep: Dep): Promise<Fetched> {
    const token = this.token;
    const qAt = dep.path.indexOf('?');
    const rawPath = trim(qAt >= 0 ? dep.path.slice(0, qAt) : dep.path);
    const query = qAt >= 0 ? Object.fromEntries(new URLSearchParams(dep.path.slice(qAt + 1))) : undefined;
    let apiPath = rawPath;
    let kvV2 = false;
    let preflightDenied = false;
    if (dep.kind !== 'write') {
      const { info, denied } = await this.mountOf(rawPath);
      preflightDenied = denied;
      if (info?.version === 2) {
        kvV2 = true;
        apiPath = shimKvV2Path(rawPath, info.mount, dep.kind);
      }
    }
    const hint = preflightDenied
      ? ` (the KV version check on sys/internal/ui/mounts/${rawPath} was refused too, so the path was used as written; if the mount is KV version 2, write the path as <mount>/data/...)`
      : '';
    this.log.debug('fetching', { kind: dep.kind, path: apiPath });
    let status: number;
    let res: VaultResponse<Record<string, unknown>> | null;
    try {
      const method = dep.kind === 'read' ? 'GET' : dep.kind === 'list' ? 'LIST' : 'PUT';
      const raw = await this.client.rawRequest(method, apiPath, {
        token: token ?? null,
        acceptStatus: dep.kind === 'write' ? [] : [404],
        ...(query ? { query } : {}),
        ...(dep.kind === 'write' ? { body: dep.data ?? {} } : {}),
      });
      status = raw.status;
      res = typeof raw.body === 'object' && raw.body !== null && !Array.isArray(raw.body) ? (raw.body as VaultResponse<Record<string, unknown>>) : null;
    } catch (e) {
      if (e instanceof VaultError) {
        if (e.status === 403) {
          this.onDenied();
          throw new SecretFetchError(`${e.message}: the token's policies must grant "${CAPABILITY[dep.kind]}" on "${apiPath}"${hint}`, 403);
        }
        throw new SecretFetchError(e.message, e.status);
      }
      throw e;
    }
    if (dep.kind === 'list') {
      const keys = status !== 404 && Array.isArray(res?.data?.keys) ? (res.data.keys as unknown[]).map(String).sort() : [];
      return { dep, value: keys, leaseId: '', leaseDuration: 0, renewable: false, kvV2, fingerprint: JSON.stringify(keys) };
    }
    if (kvV2 && dep.kind === 'read' && res?.data && res.data.data === null) {
      throw new SecretFetchError(`no secret exists at ${apiPath}: its latest version is deleted or destroyed`, 404);
    }
    if (status === 404 || !res || (res.data == null && !res.auth && !res.wrap_info)) {
      throw new SecretFetchError(dep.kind === 'write' ? `PUT /v1/${apiPath} returned no data` : `no secret exists at ${apiPath}${hint}`, 404);
    }
    const r = res;
    return {
      dep,
      value: secretValue(r),
      leaseId: r.lease_id ?? '',
      leaseDuration: r.lease_duration ?? 0,
      renewable: r.renewable ?? false,
      kvV2,
      fingerprint: JSON.stringify([r.data, r.lease_id]),
    };
  }
}
