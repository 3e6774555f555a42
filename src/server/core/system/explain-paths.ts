// sys/internal/acl-explain (Coffer's own, not Vault's): for a path and a set of policies (named, or
// those of a token), which rule of which policy grants or denies each operation, and why. It backs
// `coffer policy explain` and answers the question Vault's bare "permission denied" leaves open.

import type { Core } from '../core.js';
import type { PathDef } from '../../framework/types.js';
import { badRequest } from '../../framework/errors.js';
import { isSudoPath } from '../../policy/index.js';

const OPERATIONS = ['create', 'read', 'update', 'patch', 'delete', 'list'] as const;

export function explainPaths(core: Core): PathDef[] {
  return [
    {
      pattern: 'internal/acl-explain',
      fields: { path: { type: 'string', required: true }, policies: { type: 'strings' }, token: { type: 'string' }, accessor: { type: 'string' } },
      operations: {
        update: async (r, f) => {
          const path = f.get<string>('path').replace(/^\/+/, '');
          let policies = f.get<string[]>('policies').map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
          const token = f.get<string>('token');
          const accessor = f.get<string>('accessor');
          if ([policies.length > 0, token !== '', accessor !== ''].filter(Boolean).length > 1) throw badRequest('give one of "policies", "token" or "accessor"');
          if (token || accessor) {
            const e = token ? await core.tokens.lookup(token) : await core.tokens.lookupAccessor(accessor);
            if (!e) throw badRequest(token ? 'invalid token' : 'invalid accessor');
            policies = e.policies;
          } else if (policies.length === 0) policies = r.token?.policies ?? [];
          const known = await core.policies.list();
          const missing = policies.filter((p) => !known.includes(p) && p !== 'response-wrapping');
          const acl = await core.policies.acl(policies);
          const sudo = isSudoPath(path);
          const operations: Record<string, unknown> = {};
          for (const op of OPERATIONS) {
            const v = acl.allowOperation({ path, operation: op, isRootPath: sudo });
            const x = v.explanation;
            operations[op] = {
              allowed: v.allowed,
              decision: x.decision,
              message: x.message,
              needed: x.needed,
              rule: x.rule ? { pattern: x.rule.pattern, match: x.rule.match, policies: x.rule.policies, capabilities: x.rule.capabilities } : null,
              policies: x.policies,
            };
          }
          return {
            data: { path, policies, missing_policies: missing, sudo_path: sudo, capabilities: acl.capabilities(path), operations },
            warnings: missing.length > 0 ? [`these policies do not exist and grant nothing: ${missing.join(', ')}`] : undefined,
          };
        },
      },
    },
  ];
}
