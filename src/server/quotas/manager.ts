// Rate-limit quotas (Vault's sys/quotas/rate-limit and sys/quotas/config): the stored rules, the one
// rule that applies to a request, and the per-client-IP verdict, asked by the HTTP layer before the
// request reaches the core. As in Vault, the most specific rule wins and only it is applied: a path
// under a mount (exact, or a prefix ending in `*`), then a role on an auth mount, then the mount, then
// the global rule (empty path). Rules persist in the barrier; client state is per node, in memory.

import { getJson, putJson } from '../framework/json-storage.js';
import type { Clock, StorageView } from '../framework/types.js';
import { createRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface RateLimitQuota {
  name: string;
  /** The mount the rule is on ("" for the global rule), e.g. "auth/userpass/". */
  mountPath: string;
  /** A path below the mount ("" for the whole mount); a trailing `*` makes it a prefix. */
  pathSuffix: string;
  role: string;
  rate: number;
  /** seconds */
  interval: number;
  /** seconds; 0 = no blocking */
  blockInterval: number;
}

export interface QuotaConfig {
  enable_rate_limit_audit_logging: boolean;
  enable_rate_limit_response_headers: boolean;
  rate_limit_exempt_paths: string[];
}

/** Vault's default exempt paths: unseal and health must answer however busy the server is. */
export const DEFAULT_EXEMPT_PATHS = [
  'sys/generate-recovery-token/attempt',
  'sys/generate-recovery-token/update',
  'sys/generate-root/attempt',
  'sys/generate-root/update',
  'sys/health',
  'sys/seal-status',
  'sys/unseal',
];

export interface QuotaRequest {
  path: string;
  remoteAddr: string;
  /** The mount serving the path ("" if none). */
  mountPath: string;
  /** Resolves the login role, asked only when a role rule exists on the request's mount. */
  role: () => Promise<string>;
}

export interface QuotaVerdict {
  allowed: boolean;
  /** Set when refused: Vault's `request path "...": rate limit quota exceeded`. */
  message?: string;
  /** Retry-After on a refusal; X-Ratelimit-* too when enable_rate_limit_response_headers is on. */
  headers: Record<string, string>;
}

const CONFIG_KEY = 'config';
const RULE_PREFIX = 'rate-limit/';

export class QuotaManager {
  private rules = new Map<string, { quota: RateLimitQuota; limiter: RateLimiter }>();
  private cfg: QuotaConfig = defaultConfig();

  constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
  ) {}

  /** After unseal. */
  async load(): Promise<void> {
    this.clear();
    this.cfg = { ...defaultConfig(), ...((await getJson<Partial<QuotaConfig>>(this.storage, CONFIG_KEY)) ?? {}) };
    for (const name of await this.storage.list(RULE_PREFIX)) {
      const q = await getJson<RateLimitQuota>(this.storage, RULE_PREFIX + name);
      if (q) this.install(q);
    }
  }

  /** On seal: forget rules and client state. */
  clear(): void {
    this.rules.clear();
    this.cfg = defaultConfig();
  }

  get config(): QuotaConfig {
    return { ...this.cfg, rate_limit_exempt_paths: [...this.cfg.rate_limit_exempt_paths] };
  }

  async setConfig(next: QuotaConfig): Promise<void> {
    await putJson(this.storage, CONFIG_KEY, next);
    this.cfg = next;
  }

  /** False while no rule exists: the HTTP layer then skips the check entirely. */
  get active(): boolean {
    return this.rules.size > 0;
  }

  names(): string[] {
    return [...this.rules.keys()].sort();
  }

  get(name: string): RateLimitQuota | undefined {
    return this.rules.get(name)?.quota;
  }

  /** A different rule with the same path and role, if any (Vault refuses two such rules). */
  sameScope(q: RateLimitQuota): RateLimitQuota | undefined {
    for (const { quota } of this.rules.values()) {
      if (quota.name !== q.name && quota.mountPath === q.mountPath && quota.pathSuffix === q.pathSuffix && quota.role === q.role) return quota;
    }
    return undefined;
  }

  /** Creates or replaces a rule; replacing resets its client state, as Vault does. */
  async put(q: RateLimitQuota): Promise<void> {
    await putJson(this.storage, RULE_PREFIX + q.name, q);
    this.install(q);
  }

  async delete(name: string): Promise<void> {
    await this.storage.delete(RULE_PREFIX + name);
    this.rules.delete(name);
  }

  /** The verdict for one request. Cheap when no rule exists (one map size check). */
  async check(req: QuotaRequest): Promise<QuotaVerdict> {
    if (this.rules.size === 0 || isExempt(req.path, this.cfg.rate_limit_exempt_paths)) return { allowed: true, headers: {} };
    const rule = await this.ruleFor(req);
    if (!rule) return { allowed: true, headers: {} };
    const d = rule.limiter.take(req.remoteAddr, this.clock.now());
    const headers: Record<string, string> = {};
    const resetSeconds = String(Math.max(1, Math.ceil(d.resetMs / 1000)));
    if (this.cfg.enable_rate_limit_response_headers) {
      headers['X-Ratelimit-Limit'] = String(d.limit);
      headers['X-Ratelimit-Remaining'] = String(d.remaining);
      headers['X-Ratelimit-Reset'] = resetSeconds;
    }
    if (d.allowed) return { allowed: true, headers };
    headers['Retry-After'] = resetSeconds;
    return { allowed: false, message: `request path "${req.path}": rate limit quota exceeded`, headers };
  }

  private install(q: RateLimitQuota): void {
    const limiter = createRateLimiter({ tokens: Math.round(q.rate), intervalMs: q.interval * 1000, blockMs: q.blockInterval * 1000 });
    this.rules.set(q.name, { quota: q, limiter });
  }

  private async ruleFor(req: QuotaRequest): Promise<{ quota: RateLimitQuota; limiter: RateLimiter } | undefined> {
    let suffixRule: { quota: RateLimitQuota; limiter: RateLimiter } | undefined;
    let suffixLen = -1;
    const roleRules: Array<{ quota: RateLimitQuota; limiter: RateLimiter }> = [];
    let mountRule: { quota: RateLimitQuota; limiter: RateLimiter } | undefined;
    let globalRule: { quota: RateLimitQuota; limiter: RateLimiter } | undefined;
    for (const r of this.rules.values()) {
      const q = r.quota;
      if (q.mountPath === '') globalRule = r;
      else if (q.mountPath !== req.mountPath) continue;
      else if (q.pathSuffix !== '') {
        const full = q.mountPath + q.pathSuffix;
        const hit = full.endsWith('*') ? req.path.startsWith(full.slice(0, -1)) : req.path === full || req.path === `${full}/`;
        if (hit && full.length > suffixLen) {
          suffixRule = r;
          suffixLen = full.length;
        }
      } else if (q.role !== '') roleRules.push(r);
      else mountRule = r;
    }
    if (suffixRule) return suffixRule;
    if (roleRules.length > 0) {
      const role = await req.role();
      const hit = roleRules.find((r) => r.quota.role === role);
      if (hit) return hit;
    }
    return mountRule ?? globalRule;
  }
}

function defaultConfig(): QuotaConfig {
  return { enable_rate_limit_audit_logging: false, enable_rate_limit_response_headers: false, rate_limit_exempt_paths: [...DEFAULT_EXEMPT_PATHS] };
}

/** Exact paths, or prefixes written with a trailing `*`. */
export function isExempt(path: string, exempt: string[]): boolean {
  return exempt.some((e) => (e.endsWith('*') ? path.startsWith(e.slice(0, -1)) : path === e || path === `${e}/`));
}
