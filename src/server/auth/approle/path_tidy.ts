// `tidy/secret-id`: removes expired secret IDs, secret IDs of deleted roles and dangling accessors.
// Vault runs this in the background every minute; Coffer checks expiry on every use instead, so this
// only reclaims storage, and it runs to completion before answering.

import type { PathDef } from '../../framework/index.js';
import type { ApproleState } from './state.js';

export function pathTidy(st: ApproleState): PathDef {
  return {
    pattern: 'tidy/secret-id',
    operations: {
      update: async (req) => {
        const roles = await st.roles.list(req.storage);
        const n = await st.secretIds.tidy(req.storage, roles, st.clock.now());
        return {
          data: { secret_ids_removed: n.secretIds, accessors_removed: n.accessors },
          warnings: ['Tidy operation completed: expired or orphaned secret IDs and dangling accessors were removed.'],
        };
      },
    },
    help: 'Trigger the clean-up of expired secret IDs and dangling accessors.',
  };
}
