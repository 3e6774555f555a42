// `login`: role_id (+ secret_id when bind_secret_id) -> a token with the role's token_* settings and
// metadata {role_name, ...the secret ID's metadata}. A secret ID is refused when unknown, expired
// (ttl) or from outside its cidr_list or the role's secret_id_bound_cidrs; every check runs before a
// use is consumed (num_uses), and the last use deletes it. Unknown role ID and bad secret ID give the
// same 400 as current Vault: "invalid role or secret ID".

import { authFromTokenParams, badRequest, invalidCredentials, ipInCidrs, type PathDef } from '../../framework/index.js';
import { cidrsSubset } from './cidrs.js';
import type { ApproleState } from './state.js';

export const INVALID_CREDENTIALS = 'invalid role or secret ID';

function allowedFrom(addr: string, cidrs: string[]): boolean {
  return cidrs.length === 0 || (addr !== '' && ipInCidrs(addr, cidrs));
}

export function pathLogin(st: ApproleState): PathDef {
  return {
    pattern: 'login',
    unauthenticated: true,
    aliasLookahead: (fields) => fields.get<string>('role_id').trim(),
    fields: {
      role_id: { type: 'string', description: 'RoleID of the AppRole' },
      secret_id: { type: 'string', description: 'SecretID belonging to the AppRole' },
    },
    operations: {
      update: async (req, fields) => {
        const roleId = fields.get<string>('role_id').trim();
        if (roleId === '') throw badRequest('missing role_id');
        const name = await st.roles.nameForRoleId(req.storage, roleId);
        if (!name) throw invalidCredentials(INVALID_CREDENTIALS);
        return st.roleLock.run(name, async () => {
          const role = await st.roles.get(req.storage, name);
          if (!role || role.roleId !== roleId) throw invalidCredentials(INVALID_CREDENTIALS);
          const addr = req.remoteAddr;
          let metadata: Record<string, string> = {};
          let boundCidrs = role.token.boundCidrs;
          let consume: (() => Promise<void>) | null = null;

          if (role.bindSecretId) {
            const secretId = fields.get<string>('secret_id').trim();
            if (secretId === '') throw badRequest('missing secret_id');
            const ref = await st.secretIds.ref(name, secretId);
            const now = st.clock.now();
            const entry = await st.secretIds.get(req.storage, ref, now);
            if (!entry) throw invalidCredentials(INVALID_CREDENTIALS);
            if (!cidrsSubset(role.secretIdBoundCidrs, entry.cidrList)) {
              throw badRequest(`the secret ID's cidr_list [${entry.cidrList.join(', ')}] is no longer within the role's secret_id_bound_cidrs [${role.secretIdBoundCidrs.join(', ')}]`);
            }
            if (!allowedFrom(addr, entry.cidrList)) throw badRequest(`source address "${addr}" unauthorized through CIDR restrictions on the secret ID`);
            metadata = { ...entry.metadata };
            if (entry.tokenBoundCidrs.length > 0) boundCidrs = entry.tokenBoundCidrs;
            if (entry.numUses > 0) {
              consume = async () => {
                if (entry.numUses === 1) await st.secretIds.destroy(req.storage, ref, entry);
                else await st.secretIds.put(req.storage, ref, { ...entry, numUses: entry.numUses - 1, lastUpdatedTime: now });
              };
            }
          }
          if (!allowedFrom(addr, role.secretIdBoundCidrs)) throw badRequest(`source address "${addr}" unauthorized by CIDR restrictions on the role (secret_id_bound_cidrs)`);
          if (consume) await consume();

          metadata.role_name = role.name;
          const auth = authFromTokenParams(role.token, {
            metadata,
            displayName: '',
            alias: { name: role.roleId, metadata },
            internalData: { role_name: role.name },
          });
          auth.boundCidrs = boundCidrs;
          return { auth };
        });
      },
    },
    help: 'Issue a token based on the credentials supplied.',
  };
}
