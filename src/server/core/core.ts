// The core: owns the barrier, the seal, the mount tables, the token and policy stores and the lease
// manager, and runs Vault's request pipeline (sealed? -> route -> token -> ACL -> backend -> token or
// lease -> wrap -> audit). Everything outside talks to it through `handle` and the lifecycle methods.

import type { PhysicalStorage } from '../storage/types.js';
import { Barrier } from '../barrier/barrier.js';
import type { Backend, Clock, Logger, Request, RequestToken, StorageView } from '../framework/types.js';
import { CofferError, badRequest, notFound, permissionDenied, sealed } from '../framework/errors.js';
import { subView } from '../framework/json-storage.js';
import { compileBackend, fieldsFor, invoke, matchPath, resolveOperation, type CompiledPath } from '../framework/router.js';
import { SealManager } from './seal.js';
import {
  AUTH_KEY,
  MOUNTS_KEY,
  loadMountTable,
  mountStoragePrefix,
  newMountEntry,
  normalizeMountPath,
  saveMountTable,
  type MountEntry,
} from './mounts.js';
import { AUTH_METHOD_TYPES, PROTECTED_MOUNTS, SECRET_ENGINE_TYPES, type BackendType } from './backends.js';
import { PolicyStore } from './policy-store.js';
import { TokenStore } from '../token/store.js';
import type { TokenEntry } from '../token/types.js';
import { ExpirationManager } from '../expiration/manager.js';
import { isSudoPath } from '../policy/index.js';
import type { AuthOut, CoreRequest, CoreResponse } from './types.js';
import { systemBackend } from './system/backend.js';
import { tokenBackend } from '../token/backend.js';
import { cubbyholeBackendFactory } from '../engines/cubbyhole/index.js';
import { AuditBroker } from '../audit/broker.js';
import type { AuditMeta } from '../audit/types.js';
import { wrapResponse } from './wrapping.js';
import { ipInCidrs } from '../framework/cidr.js';
import type { Metrics } from '../metrics.js';
import { QuotaManager } from '../quotas/manager.js';
import { LOCKOUT_TYPES, LockoutTable, lockoutSettings } from '../quotas/lockout.js';

export interface CoreOptions {
  physical: PhysicalStorage;
  clock?: Clock;
  logger: Logger;
  /** seconds */
  defaultLeaseTtl?: number;
  maxLeaseTtl?: number;
  /** Entries kept decrypted in memory (Vault's cache_size); 0 disables the cache. */
  cacheSize?: number;
  /** Reported in seal-status (sqlite, postgresql, inmem). */
  storageType: string;
  metrics: Metrics;
}

interface MountedBackend {
  entry: MountEntry;
  backend: Backend;
  paths: CompiledPath[];
  storage: StorageView;
}

const SEALED_OK = new Set(['sys/seal-status', 'sys/unseal', 'sys/init', 'sys/health', 'sys/leader', 'sys/metrics']);
const DEFAULT_TTL = 768 * 3600;
const TOKEN_LOAD_BATCH = 500;

export class Core {
  readonly barrier: Barrier;
  readonly seal: SealManager;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tokens: TokenStore;
  readonly policies: PolicyStore;
  readonly expiration: ExpirationManager;
  readonly audit: AuditBroker;
  /** Rate-limit quotas (checked by the HTTP layer before handle) and user lockout (around login handlers). */
  readonly quotas: QuotaManager;
  readonly lockout: LockoutTable;
  readonly defaultLeaseTtl: number;
  readonly maxLeaseTtl: number;
  private mounted: MountedBackend[] = [];
  /** Bumped on every unseal, so background work of an earlier unseal stops. */
  private unsealEpoch = 0;
  private tables: { mounts: MountEntry[]; auth: MountEntry[] } = { mounts: [], auth: [] };
  private readonly physical: PhysicalStorage;
  readonly storageType: string;
  readonly metrics: Metrics;

  constructor(opts: CoreOptions) {
    this.physical = opts.physical;
    this.storageType = opts.storageType;
    this.metrics = opts.metrics;
    this.clock = opts.clock ?? { now: () => Date.now() };
    this.logger = opts.logger;
    this.defaultLeaseTtl = opts.defaultLeaseTtl || DEFAULT_TTL;
    this.maxLeaseTtl = opts.maxLeaseTtl || DEFAULT_TTL;
    this.barrier = new Barrier(opts.physical, () => this.clock.now(), opts.cacheSize ?? 0);
    this.seal = new SealManager(opts.physical, this.barrier);
    this.tokens = new TokenStore(subView(this.barrier, 'sys/token/'), this.clock);
    this.policies = new PolicyStore(subView(this.barrier, 'sys/policy/'));
    this.audit = new AuditBroker(subView(this.barrier, 'core/audit/'), this.logger, this.clock);
    const expirationLog = this.logger.child?.({ '@module': 'expiration' }) ?? this.logger;
    this.quotas = new QuotaManager(subView(this.barrier, 'sys/quotas/'), this.clock);
    this.lockout = new LockoutTable(() => this.clock.now());
    this.expiration = new ExpirationManager(subView(this.barrier, 'sys/expire/'), this.clock, {
      revokeSecret: async (mount, lease) => {
        const m = this.mounted.find((x) => x.entry.path === mount);
        await m?.backend.revokeSecret?.(lease);
      },
      renewSecret: async (mount, lease, inc) => {
        const m = this.mounted.find((x) => x.entry.path === mount);
        if (!m?.backend.renewSecret) throw badRequest('lease is not renewable');
        return m.backend.renewSecret(lease, inc);
      },
      tokenLease: async (id) => {
        const e = await this.tokenForLease(id);
        if (!e || e.expireTime === 0) return null;
        return {
          id,
          issueTime: e.creationTime * 1000,
          expireTime: e.expireTime,
          lastRenewal: 0,
          renewable: e.renewable,
          ttl: Math.max(0, Math.round((e.expireTime - this.clock.now()) / 1000)),
        };
      },
      renewTokenLease: async (id, inc) => {
        const e = await this.tokenForLease(id);
        if (!e) throw badRequest('lease not found');
        const r = await this.renewToken(e, inc);
        return { id, issueTime: r.creationTime * 1000, expireTime: r.expireTime, lastRenewal: this.clock.now(), renewable: r.renewable, ttl: Math.round((r.expireTime - this.clock.now()) / 1000) };
      },
      revokeTokenLease: async (id) => {
        const e = await this.tokenForLease(id);
        if (e) await this.tokens.revokeTree(e.idHash);
        if (e) expirationLog.info({ lease_id: id }, 'revoked lease');
      },
      tokenLeasesWithPrefix: async (prefix) => {
        const out: string[] = [];
        for (const h of await this.tokens.allHashes()) {
          const e = await this.tokens.rawEntry(h);
          if (e && e.expireTime > this.clock.now()) {
            const id = `${e.path}/${h}`;
            if (id.startsWith(prefix)) out.push(id);
          }
        }
        return out;
      },
      revokeTokenIfExpired: async (idHash) => {
        const e = await this.tokens.rawEntry(idHash);
        if (e && e.expireTime > 0 && e.expireTime <= this.clock.now()) await this.tokens.revokeTree(idHash);
      },
      onError: (err, leaseId) => expirationLog.error({ lease_id: leaseId, error: String(err) }, 'failed to revoke lease'),
      logger: expirationLog,
    });
    this.tokens.setHooks({
      onExpiry: (idHash, expireTime) => this.expiration.scheduleToken(idHash, expireTime),
      onRevoke: async (entry) => {
        await this.expiration.revokeByToken(entry.idHash);
        const cubby = this.mounted.find((m) => m.entry.type === 'cubbyhole');
        if (cubby) for (const k of await listAll(cubby.storage, `${entry.idHash}/`)) await cubby.storage.delete(k);
      },
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  get isSealed(): boolean {
    return this.barrier.isSealed;
  }

  /** Initializes storage: returns the unseal key shares and the root token. Leaves the core sealed, like Vault. */
  async initialize(shares: number, threshold: number, rootTokenId?: string): Promise<{ keys: Buffer[]; rootToken: string }> {
    const keys = await this.seal.initialize(shares, threshold);
    this.logger.info({ shares, threshold }, 'security barrier initialized');
    await this.postUnseal(true);
    const { id } = await this.tokens.create({ policies: ['root'], path: 'auth/token/root', displayName: 'root', ttl: 0, id: rootTokenId });
    this.logger.info('root token generated');
    await this.sealCore();
    return { keys, rootToken: id };
  }

  async unseal(share: Buffer): Promise<boolean> {
    if (!this.barrier.isSealed) return true;
    const done = await this.seal.submitShare(share);
    if (done) {
      try {
        await this.postUnseal(false);
      } catch (e) {
        this.logger.error({ error: String(e) }, 'post-unseal setup failed');
        this.barrier.seal();
        throw e;
      }
      this.logger.info('vault is unsealed');
    }
    return done;
  }

  async sealCore(): Promise<void> {
    this.logger.info('pre-seal teardown starting');
    this.expiration.stop();
    for (const m of this.mounted) await m.backend.cleanup?.().catch(() => undefined);
    this.mounted = [];
    this.tokens.clearCache();
    await this.audit.teardown();
    this.quotas.clear();
    this.logger.info('pre-seal teardown complete');
    this.barrier.seal();
    this.seal.resetProgress();
    this.logger.info('vault is sealed');
  }

  async close(): Promise<void> {
    if (!this.barrier.isSealed) await this.sealCore();
    await this.physical.close();
  }

  private async postUnseal(fresh: boolean): Promise<void> {
    this.logger.info('post-unseal setup starting');
    await this.tokens.setup();
    await this.policies.setup();
    let mounts = fresh ? null : await loadMountTable(this.barrier, MOUNTS_KEY);
    let auth = fresh ? null : await loadMountTable(this.barrier, AUTH_KEY);
    if (!mounts) {
      this.logger.info('no mounts; adding default mount table');
      mounts = [
        newMountEntry({ path: 'cubbyhole/', type: 'cubbyhole', table: 'mounts', description: 'per-token private secret storage', local: true }),
        newMountEntry({ path: 'sys/', type: 'system', table: 'mounts', description: 'system endpoints used for control, policy and debugging' }),
      ];
      await saveMountTable(this.barrier, MOUNTS_KEY, mounts);
    }
    if (!auth) {
      auth = [newMountEntry({ path: 'auth/token/', type: 'token', table: 'auth', description: 'token based credentials' })];
      await saveMountTable(this.barrier, AUTH_KEY, auth);
    }
    this.tables = { mounts, auth };
    this.mounted = [];
    for (const e of [...mounts, ...auth]) {
      await this.instantiate(e);
      this.logger.info({ type: e.type, version: '', path: e.path, namespace: 'ID: root. Path: ' }, 'successfully mounted');
    }
    await this.audit.setup();
    await this.quotas.load();
    await this.expiration.restore();
    this.scheduleStoredTokens();
    this.logger.info('post-unseal setup complete');
  }

  /**
   * After an unseal, every stored token's expiry goes into the expiration queue, read in batches
   * that yield to the event loop, so a large token store does not hold up the first requests. Until
   * a token is scheduled, lookups already treat it as gone once expired; the sweep only cleans up.
   */
  private scheduleStoredTokens(): void {
    const epoch = ++this.unsealEpoch;
    void (async () => {
      const hashes = await this.tokens.allHashes();
      for (let i = 0; i < hashes.length; i += TOKEN_LOAD_BATCH) {
        if (epoch !== this.unsealEpoch || this.barrier.isSealed) return;
        for (const h of hashes.slice(i, i + TOKEN_LOAD_BATCH)) {
          const e = await this.tokens.rawEntry(h);
          if (e) this.expiration.scheduleToken(h, e.expireTime);
        }
        await new Promise((r) => setImmediate(r));
      }
    })().catch((e: unknown) => {
      if (!this.barrier.isSealed) this.logger.error({ err: String(e) }, 'failed to load token expiries');
    });
  }

  // ---- mounts ----------------------------------------------------------------------------------

  mountTable(table: 'mounts' | 'auth'): MountEntry[] {
    return this.tables[table];
  }

  findMount(table: 'mounts' | 'auth', path: string): MountEntry | undefined {
    return this.tables[table].find((e) => e.path === path);
  }

  async mount(p: {
    table: 'mounts' | 'auth';
    path: string;
    type: string;
    description?: string;
    options?: Record<string, string>;
    config?: Partial<MountEntry['config']>;
    local?: boolean;
    sealWrap?: boolean;
  }): Promise<MountEntry> {
    const catalogue = p.table === 'auth' ? AUTH_METHOD_TYPES : SECRET_ENGINE_TYPES;
    const t: BackendType | undefined = catalogue[p.type];
    if (!t) {
      const kinds = Object.keys(catalogue).sort().join(', ') || '(none yet)';
      throw badRequest(`plugin not found in the catalog: ${p.type} (available: ${kinds})`);
    }
    const rel = normalizeMountPath(p.path);
    if (rel === '/') throw badRequest('mount path must not be empty');
    if (rel.split('/').slice(0, -1).some((s) => s === '' || s === '.' || s === '..')) throw badRequest(`invalid mount path "${p.path}"`);
    const path = p.table === 'auth' ? `auth/${rel}` : rel;
    if (p.table === 'mounts' && (path.startsWith('auth/') || path === 'auth/')) throw badRequest(`cannot mount under "auth/": use sys/auth`);
    for (const m of this.mounted) {
      if (m.entry.path.startsWith(path) || path.startsWith(m.entry.path)) {
        throw badRequest(`path is already in use at ${m.entry.path}`);
      }
    }
    const entry = newMountEntry({ ...p, path, type: t.canonical, options: { ...p.options, ...t.options } });
    if (entry.type === 'kv' && !entry.options.version) entry.options.version = '1';
    await this.instantiate(entry);
    this.tables[p.table] = [...this.tables[p.table], entry];
    await saveMountTable(this.barrier, p.table === 'auth' ? AUTH_KEY : MOUNTS_KEY, this.tables[p.table]);
    if (p.table === 'auth') this.logger.info({ path: rel, type: entry.type, version: '' }, 'enabled credential backend');
    else this.logger.info({ namespace: '', path: entry.path, type: entry.type, version: '' }, 'successful mount');
    return entry;
  }

  async unmount(table: 'mounts' | 'auth', path: string): Promise<void> {
    const full = table === 'auth' ? `auth/${normalizeMountPath(path)}` : normalizeMountPath(path);
    if (PROTECTED_MOUNTS.includes(full)) throw badRequest(`cannot unmount "${full}"`);
    const m = this.mounted.find((x) => x.entry.path === full && x.entry.table === table);
    if (!m) return;
    await this.expiration.revokePrefix(full);
    await m.backend.cleanup?.();
    for (const k of await listAll(this.barrier, mountStoragePrefix(m.entry))) await this.barrier.delete(k);
    this.mounted = this.mounted.filter((x) => x !== m);
    this.tables[table] = this.tables[table].filter((e) => e !== m.entry);
    await saveMountTable(this.barrier, table === 'auth' ? AUTH_KEY : MOUNTS_KEY, this.tables[table]);
    if (table === 'auth') this.logger.info({ path: normalizeMountPath(path) }, 'disabled credential backend');
    else this.logger.info({ path: full, namespace: '' }, 'successfully unmounted');
  }

  async tune(table: 'mounts' | 'auth', path: string, changes: { config?: Partial<MountEntry['config']>; description?: string; options?: Record<string, string> }): Promise<MountEntry> {
    const full = table === 'auth' ? `auth/${normalizeMountPath(path)}` : normalizeMountPath(path);
    const entry = this.tables[table].find((e) => e.path === full);
    if (!entry) throw badRequest(`no mount at "${full}"`);
    const next: MountEntry = {
      ...entry,
      description: changes.description ?? entry.description,
      config: { ...entry.config, ...changes.config },
      options: { ...entry.options, ...changes.options },
    };
    if (next.config.max_lease_ttl > 0 && next.config.default_lease_ttl > next.config.max_lease_ttl) {
      throw badRequest('default lease TTL cannot be larger than max lease TTL');
    }
    if (entry.type === 'kv') await this.checkKvVersionChange(entry, next.options.version ?? '1');
    this.tables[table] = this.tables[table].map((e) => (e === entry ? next : e));
    const m = this.mounted.find((x) => x.entry === entry);
    if (m) m.entry = next;
    if (entry.options.version !== next.options.version && m) await this.instantiate(next, m);
    await saveMountTable(this.barrier, table === 'auth' ? AUTH_KEY : MOUNTS_KEY, this.tables[table]);
    for (const what of tunedParts(changes)) this.logger.info({ path: full }, `mount tuning of ${what} successful`);
    return next;
  }

  /**
   * A KV mount's version may only go up, as in Vault ("cannot downgrade mount from version 2": a v1
   * view of a v2 store would expose its raw version records outside the data/ policy paths), and
   * only while the mount is empty, since Coffer does not yet rewrite v1 secrets into versions.
   */
  private async checkKvVersionChange(entry: MountEntry, to: string): Promise<void> {
    const from = entry.options.version ?? '1';
    if (to === from) return;
    if (to !== '1' && to !== '2') throw badRequest(`invalid KV version "${to}": use "1" or "2"`);
    if (from === '2') throw badRequest('cannot downgrade mount from version 2');
    if ((await this.barrier.list(mountStoragePrefix(entry))).length > 0) {
      throw badRequest(`upgrading "${entry.path}" to version 2 is refused: it holds version 1 secrets and Coffer does not convert them in place yet; copy them to a new kv-v2 mount instead`);
    }
  }

  /** The mount serving a full request path (longest prefix wins). */
  route(path: string): MountedBackend | undefined {
    if (this.barrier.isSealed) return path.startsWith('sys/') ? this.sealedSystem() : undefined;
    let best: MountedBackend | undefined;
    for (const m of this.mounted) {
      const p = m.entry.path;
      if ((path.startsWith(p) || `${path}/` === p) && (!best || p.length > best.entry.path.length)) best = m;
    }
    return best;
  }

  private sealedSystemMount: MountedBackend | undefined;

  /** While sealed there is no mount table; sys/ (seal-status, unseal, init, health) still answers. */
  private sealedSystem(): MountedBackend {
    if (!this.sealedSystemMount) {
      const backend = systemBackend(this);
      const entry = newMountEntry({ path: 'sys/', type: 'system', table: 'mounts' });
      this.sealedSystemMount = { entry, backend, paths: compileBackend(backend), storage: subView(this.barrier, 'sys/sealed/') };
    }
    return this.sealedSystemMount;
  }

  mountTtls(entry: MountEntry): { defaultTtl: number; maxTtl: number } {
    const maxTtl = entry.config.max_lease_ttl || this.maxLeaseTtl;
    const defaultTtl = Math.min(entry.config.default_lease_ttl || this.defaultLeaseTtl, maxTtl);
    return { defaultTtl, maxTtl };
  }

  private async instantiate(entry: MountEntry, replace?: MountedBackend): Promise<void> {
    const storage = subView(this.barrier, mountStoragePrefix(entry));
    const ctx = {
      storage,
      mountPoint: entry.path,
      options: entry.options,
      system: {
        defaultLeaseTtl: () => this.mountTtls(entry).defaultTtl,
        maxLeaseTtl: () => this.mountTtls(entry).maxTtl,
      },
      clock: this.clock,
      logger: this.logger,
    };
    let backend: Backend;
    if (entry.type === 'system') backend = systemBackend(this);
    else if (entry.type === 'token') backend = tokenBackend(this);
    else if (entry.type === 'cubbyhole') backend = await cubbyholeBackendFactory(ctx);
    else {
      const t = (entry.table === 'auth' ? AUTH_METHOD_TYPES : SECRET_ENGINE_TYPES)[entry.type];
      if (!t) throw new Error(`mount ${entry.path} has unknown type ${entry.type}`);
      backend = await t.factory(ctx);
    }
    const mounted: MountedBackend = { entry, backend, paths: compileBackend(backend), storage };
    if (replace) this.mounted = this.mounted.map((m) => (m === replace ? mounted : m));
    else this.mounted.push(mounted);
  }

  // ---- tokens ----------------------------------------------------------------------------------

  async renewToken(entry: TokenEntry, increment: number): Promise<TokenEntry> {
    if (entry.authMount && entry.authMount !== 'auth/token/') {
      const m = this.mounted.find((x) => x.entry.path === entry.authMount);
      if (m?.backend.renewAuth) await m.backend.renewAuth(entry.internalData ?? {});
    }
    try {
      return await this.tokens.renew(entry, increment);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  }

  private async tokenForLease(leaseId: string): Promise<TokenEntry | null> {
    const slash = leaseId.lastIndexOf('/');
    if (slash < 0) return null;
    const e = await this.tokens.getByHash(leaseId.slice(slash + 1));
    return e && `${e.path}/${e.idHash}` === leaseId ? e : null;
  }

  /** Issues a token for a login or token-create response. */
  async issueToken(p: {
    policies: string[];
    noDefaultPolicy: boolean;
    path: string;
    authMount: MountEntry;
    meta: Record<string, string>;
    displayName: string;
    ttl: number;
    maxTtl: number;
    explicitMaxTtl: number;
    period: number;
    numUses: number;
    renewable: boolean;
    parentHash: string;
    boundCidrs: string[];
    internalData?: Record<string, unknown>;
    id?: string;
  }): Promise<AuthOut> {
    const set = new Set(p.policies.map((x) => x.trim().toLowerCase()).filter((x) => x !== ''));
    if (!p.noDefaultPolicy && !set.has('root')) set.add('default');
    const policies = [...set].sort();
    const { defaultTtl, maxTtl } = this.mountTtls(p.authMount);
    const isRoot = policies.includes('root');
    const ttl = isRoot && p.ttl === 0 && p.period === 0 ? 0 : Math.min(p.ttl || defaultTtl, p.maxTtl || maxTtl);
    const { id, entry } = await this.tokens.create({
      policies,
      path: p.path,
      meta: p.meta,
      displayName: p.displayName,
      numUses: p.numUses,
      ttl,
      explicitMaxTtl: p.explicitMaxTtl,
      maxTtl: isRoot && ttl === 0 ? 0 : p.maxTtl || maxTtl,
      period: p.period,
      renewable: p.renewable,
      parentHash: p.parentHash,
      boundCidrs: p.boundCidrs,
      authMount: p.authMount.path,
      internalData: p.internalData,
      id: p.id,
    });
    return {
      client_token: id,
      accessor: entry.accessor,
      policies,
      token_policies: policies,
      metadata: Object.keys(entry.meta).length > 0 ? entry.meta : null,
      lease_duration: entry.expireTime > 0 ? entry.creationTtl : 0,
      renewable: entry.renewable,
      entity_id: '',
      token_type: 'service',
      orphan: entry.parentHash === '',
      mfa_requirement: null,
      num_uses: entry.numUses,
    };
  }

  /** The cubbyhole storage of one token (by its salted hash). */
  cubbyholeView(idHash: string): StorageView {
    const cubby = this.mounted.find((m) => m.entry.type === 'cubbyhole');
    if (!cubby) throw new Error('cubbyhole is not mounted');
    return subView(cubby.storage, `${idHash}/`);
  }

  requestToken(id: string, e: TokenEntry): RequestToken {
    return {
      id,
      accessor: e.accessor,
      policies: e.policies,
      path: e.path,
      displayName: e.displayName,
      meta: e.meta,
      entityId: e.entityId,
      ttl: e.expireTime > 0 ? Math.max(0, Math.round((e.expireTime - this.clock.now()) / 1000)) : 0,
      creationTime: e.creationTime,
      isRoot: e.policies.includes('root'),
    };
  }

  // ---- the request pipeline --------------------------------------------------------------------

  async handle(req: CoreRequest): Promise<CoreResponse> {
    const auditReq = { ...req };
    let tokenEntry: TokenEntry | null = null;
    let auditMeta: AuditMeta = {};
    /** The hash of a token this request used up, revoked when the request is done. */
    let lastUseOf: string | null = null;
    try {
      validateRequestPath(req.path);
      if (this.barrier.isSealed && !SEALED_OK.has(req.path)) throw sealed();
      const m = this.route(req.path);
      if (!m) throw notFound(await this.noRouteMessage(req));
      auditMeta = {
        mountType: m.entry.type,
        mountPoint: m.entry.path,
        mountAccessor: m.entry.accessor,
        nonHmacRequestKeys: m.entry.config.audit_non_hmac_request_keys,
        nonHmacResponseKeys: m.entry.config.audit_non_hmac_response_keys,
      };
      const rel = req.path === m.entry.path.slice(0, -1) ? '' : req.path.slice(m.entry.path.length);
      const match = matchPath(m.paths, rel);
      if (!match) throw notFound(`unsupported path`);

      // While sealed there is no token store: the unauthenticated sys/ paths ignore a token sent anyway
      // (hvac sends X-Vault-Token to sys/seal-status and sys/unseal), the others answer 503 like Vault.
      if (this.barrier.isSealed) {
        if (!match.def.unauthenticated) throw sealed();
      } else if (!match.def.unauthenticated || req.clientToken) {
        tokenEntry = req.clientToken ? await this.tokens.lookup(req.clientToken) : null;
        if (!tokenEntry && !match.def.unauthenticated) {
          throw permissionDenied(req.clientToken ? 'invalid token' : 'missing client token');
        }
        if (tokenEntry && tokenEntry.numUses < 0 && !match.def.unauthenticated) throw permissionDenied('token has no uses left');
        if (tokenEntry && tokenEntry.boundCidrs.length > 0 && !ipInCidrs(req.remoteAddr, tokenEntry.boundCidrs)) {
          throw permissionDenied('token is not allowed from this address (token_bound_cidrs)');
        }
        // One use is counted per authenticated request, allowed or denied (as Vault), in one atomic step
        // per token: of N racing requests exactly as many as the token has uses get through. The token
        // is revoked once the request its last use served is done (the `finally` below).
        if (tokenEntry && !match.def.unauthenticated && tokenEntry.numUses !== 0) {
          const use = await this.tokens.useToken(tokenEntry.idHash);
          if (!use.ok) throw permissionDenied('token has no uses left');
          lastUseOf = use.lastUse ? tokenEntry.idHash : null;
        }
      }

      const storage = m.entry.type === 'cubbyhole' ? subView(m.storage, `${tokenEntry?.idHash ?? 'none'}/`) : m.storage;
      const breq: Request = {
        operation: req.operation,
        path: rel,
        data: req.data,
        storage,
        mountPoint: m.entry.path,
        clientToken: req.clientToken,
        token: tokenEntry && req.clientToken ? this.requestToken(req.clientToken, tokenEntry) : undefined,
        requestId: req.requestId,
        remoteAddr: req.remoteAddr,
        headers: req.headers,
        wrapTtl: req.wrapTtl,
      };
      const fields = fieldsFor(match, req.data);
      breq.operation = await resolveOperation(match, breq, fields);

      if (!match.def.unauthenticated) {
        const acl = await this.policies.acl(tokenEntry!.policies);
        const needSudo = match.def.sudo === true || isSudoPath(req.path);
        const verdict = acl.allowOperation({ path: req.path, operation: breq.operation, data: req.data, isRootPath: needSudo, wrapTtl: req.wrapTtl });
        if (!verdict.allowed) {
          await this.audit.logRequest(auditReq, tokenEntry, 'permission denied', auditMeta);
          throw permissionDenied();
        }
      }

      await this.audit.logRequest(auditReq, tokenEntry, null, auditMeta);
      // Only login paths of userpass and approle count failures; every other request goes straight through.
      let res = match.def.aliasLookahead && LOCKOUT_TYPES.includes(m.entry.type)
        ? await this.lockout.guard(m.entry.accessor, match.def.aliasLookahead(fields), lockoutSettings(m.entry.type, m.entry.config.user_lockout_config), () => invoke(match, breq, fields))
        : await invoke(match, breq, fields);

      if (m.entry.table === 'auth' && (breq.operation === 'create' || breq.operation === 'update') && !match.def.unauthenticated) {
        const warning = await missingPoliciesWarning(this.policies, req.data);
        if (warning) res = { ...(res ?? { data: null }), warnings: [...(res?.warnings ?? []), warning] };
      }
      const out: CoreResponse = {
        status: res === null ? 204 : (res.status ?? 200),
        data: res?.data ?? null,
        leaseId: '',
        leaseDuration: 0,
        renewable: false,
        auth: null,
        wrapInfo: null,
        warnings: res?.warnings && res.warnings.length > 0 ? res.warnings : null,
        mountType: m.entry.type,
        raw: res?.raw,
        topLevelData: res?.topLevelData,
        bareBody: res?.bareBody,
      };
      if (res?.auth) {
        const a = res.auth;
        const authMount = m.entry.table === 'auth' ? m.entry : this.findMount('auth', 'auth/token/')!;
        out.auth = await this.issueToken({
          policies: a.policies,
          noDefaultPolicy: a.noDefaultPolicy,
          path: req.path,
          authMount,
          meta: a.metadata,
          // As Vault's core does: the mount path prefixes the method's name ("auth/k8s/" -> "k8s-").
          displayName: `${m.entry.path.replace(/^auth\//, '').replace(/\//g, '-')}${a.displayName}`.replace(/-+$/, ''),
          ttl: a.ttl,
          maxTtl: a.maxTtl,
          explicitMaxTtl: a.explicitMaxTtl,
          period: a.period,
          numUses: a.numUses,
          renewable: a.renewable,
          parentHash: '',
          boundCidrs: a.boundCidrs,
          internalData: a.internalData,
        });
        out.status = 200;
      }
      if (res?.leaseDuration !== undefined) out.leaseDuration = res.leaseDuration;
      if (res?.leaseOverride) Object.assign(out, res.leaseOverride);
      if (res?.wrapInfo) out.wrapInfo = res.wrapInfo;
      if (res?.issuedAuth) out.auth = res.issuedAuth as unknown as AuthOut;
      if (res?.secret) {
        const { defaultTtl, maxTtl } = this.mountTtls(m.entry);
        // The backend's max TTL (a database role's max_ttl) can only shorten the mount's.
        const leaseMax = Math.min(res.secret.maxTtl || maxTtl, maxTtl);
        const ttl = Math.min(res.secret.ttl || defaultTtl, leaseMax);
        const lease = await this.expiration.register({
          path: req.path,
          mountPoint: m.entry.path,
          ttl,
          maxTtl: leaseMax,
          renewable: res.secret.renewable,
          tokenHash: tokenEntry?.idHash ?? '',
          internalData: res.secret.internalData,
        });
        out.leaseId = lease.leaseId;
        out.leaseDuration = ttl;
        out.renewable = res.secret.renewable;
      }
      const wrapped = req.wrapTtl && req.wrapTtl > 0 && out.status !== 204 && !out.raw && !out.wrapInfo && !out.bareBody ? await wrapResponse(this, req, out, tokenEntry) : out;
      await this.audit.logResponse(auditReq, tokenEntry, wrapped, null, auditMeta);
      if (res?.afterAudit) await res.afterAudit();
      return wrapped;
    } catch (e) {
      const err = e instanceof CofferError ? e : null;
      if (!err) this.logger.error({ err: e instanceof Error ? e.stack : String(e), path: req.path }, 'request failed');
      const status = err ? err.status : 500;
      const message = err ? err.message : 'internal error';
      if (status !== 503 && !this.barrier.isSealed) await this.audit.logResponse(auditReq, tokenEntry, null, message, auditMeta).catch(() => undefined);
      throw err ?? new CofferError(500, message);
    } finally {
      if (lastUseOf !== null) {
        await this.tokens.revokeTree(lastUseOf).catch((e: unknown) => this.logger.error({ err: String(e) }, 'failed to revoke a use-limited token after its last use'));
      }
    }
  }

  /**
   * Vault's "no handler for route". Under auth/ it also names the enabled auth methods, but only to a
   * caller whose token may read sys/auth; anyone else hears only of mounts tuned to
   * listing_visibility "unauth" (what sys/internal/ui/mounts would show them anyway).
   */
  private async noRouteMessage(req: CoreRequest): Promise<string> {
    const base = `no handler for route "${req.path}". route entry not found.`;
    if (!req.path.startsWith('auth/') || this.barrier.isSealed) return base;
    const mount = req.path.split('/').slice(0, 2).join('/');
    const token = req.clientToken ? await this.tokens.lookup(req.clientToken) : null;
    const mayList = token !== null && token.numUses >= 0 && (await this.policies.acl(token.policies)).allowOperation({ path: 'sys/auth', operation: 'read' }).allowed;
    const visible = this.tables.auth.filter((e) => mayList || e.config.listing_visibility === 'unauth');
    if (visible.length === 0) return `${base} No auth method is enabled at "${mount}/".`;
    const names = visible.map((e) => e.path.replace(/\/$/, '')).sort();
    return `${base} No auth method is enabled at "${mount}/"; enabled auth paths: ${names.join(', ')}`;
  }
}

/** A role or user that names policies which don't exist yet gets a warning naming them. */
async function missingPoliciesWarning(policies: PolicyStore, data: Record<string, unknown>): Promise<string | null> {
  const raw = data.token_policies ?? data.policies;
  const names = (Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? raw.split(',') : [])
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '' && n !== 'default' && n !== 'root');
  if (names.length === 0) return null;
  const known = new Set(await policies.list());
  const missing = names.filter((n) => !known.has(n));
  return missing.length > 0 ? `these policies do not exist yet, so they grant nothing until written: ${missing.join(', ')} (see sys/policies/acl)` : null;
}

/** Rejects `..`, `.` and empty segments (a trailing slash is allowed: it means a folder). */
const BAD_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)|\/\/|^\//;
export function validateRequestPath(path: string): void {
  if (path === '') throw notFound('no handler for route ""');
  const m = BAD_SEGMENT.exec(path);
  if (!m) return;
  if (m[0].includes('.')) throw badRequest(`invalid path: "${m[0].replace(/\//g, '')}" segments are not allowed`);
  throw badRequest('invalid path: empty segment');
}

async function listAll(storage: StorageView, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await storage.list(prefix)) {
    if (e.endsWith('/')) out.push(...(await listAll(storage, prefix + e)));
    else out.push(prefix + e);
  }
  return out;
}

/** What a tune changed, in the words of Vault's log lines ("mount tuning of leases successful"). */
function tunedParts(changes: { config?: object; description?: string; options?: Record<string, string> }): string[] {
  const keys = Object.keys(changes.config ?? {});
  const parts = keys.some((k) => k === 'default_lease_ttl' || k === 'max_lease_ttl') ? ['leases'] : [];
  parts.push(...keys.filter((k) => k !== 'default_lease_ttl' && k !== 'max_lease_ttl'));
  if (changes.description !== undefined) parts.push('description');
  if (changes.options && Object.keys(changes.options).length > 0) parts.push('options');
  return parts;
}
