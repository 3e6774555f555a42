// The rate-limit step of the request pipeline, called by the HTTP layer before the core handles a
// request (as Vault's rateLimitQuotaWrapping): finds the request's mount, asks the quota manager,
// resolves the login role only when a role rule needs it, and audits refusals when
// enable_rate_limit_audit_logging is on (an audit failure never turns a 429 into something else).

import type { CoreRequest } from '../core/types.js';
import type { AuditMeta } from '../audit/types.js';
import type { Backend, Logger, StorageView } from '../framework/types.js';
import type { QuotaManager, QuotaVerdict } from './manager.js';

export interface QuotaHost {
  readonly quotas: QuotaManager;
  readonly logger: Logger;
  route(path: string): { entry: { path: string; type: string; accessor: string }; backend: Backend; storage: StorageView } | undefined;
  readonly audit: { logRequest(req: CoreRequest, token: null, error: string | null, meta?: AuditMeta): Promise<void> };
}

export async function checkRateLimit(host: QuotaHost, req: CoreRequest): Promise<QuotaVerdict> {
  if (!host.quotas.active) return { allowed: true, headers: {} };
  const m = host.route(req.path);
  const verdict = await host.quotas.check({
    path: req.path,
    remoteAddr: req.remoteAddr,
    mountPath: m?.entry.path ?? '',
    role: async () => (m?.backend.resolveRole ? m.backend.resolveRole(m.storage, req.path.slice(m.entry.path.length), req.data).catch(() => '') : ''),
  });
  if (!verdict.allowed && host.quotas.config.enable_rate_limit_audit_logging) {
    const meta: AuditMeta = m ? { mountType: m.entry.type, mountPoint: m.entry.path, mountAccessor: m.entry.accessor } : {};
    await host.audit.logRequest(req, null, verdict.message ?? null, meta).catch((e: unknown) => {
      host.logger.warn({ err: e instanceof Error ? e.message : String(e), path: req.path }, 'failed to audit a request refused by a rate limit quota');
    });
  }
  return verdict;
}
