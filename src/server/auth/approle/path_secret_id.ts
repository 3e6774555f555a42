// `role/<name>/secret-id`: POST issues a new secret ID, LIST returns the accessors of the live ones;
// `role/<name>/custom-secret-id`: POST registers a secret ID of the caller's choosing (Vault's "push" mode).

import { badRequest, notFound, type PathDef } from '../../framework/index.js';
import { ISSUE_FIELDS, issueSecretId } from './issue_secret_id.js';
import { ROLE_NAME, type ApproleState } from './state.js';

export function pathSecretId(st: ApproleState): PathDef {
  return {
    pattern: `role/${ROLE_NAME}/secret-id/?`,
    fields: ISSUE_FIELDS,
    operations: {
      update: async (req, fields) => issueSecretId(st, req.storage, fields),
      list: async (req, fields) => {
        const name = fields.get<string>('role_name');
        if (!(await st.roles.get(req.storage, name))) throw badRequest(`role "${name}" does not exist`);
        const keys = (await st.secretIds.list(req.storage, name, st.clock.now())).map((e) => e.accessor).sort();
        if (keys.length === 0) throw notFound();
        return { data: { keys } };
      },
    },
    help: 'Generate a secret ID against this role (POST), or list the accessors of its secret IDs (LIST).',
  };
}

export function pathCustomSecretId(st: ApproleState): PathDef {
  return {
    pattern: `role/${ROLE_NAME}/custom-secret-id`,
    fields: { ...ISSUE_FIELDS, secret_id: { type: 'string', description: 'The secret ID to register' } },
    operations: {
      update: async (req, fields) => issueSecretId(st, req.storage, fields, fields.get<string>('secret_id')),
    },
    help: 'Assign a secret ID of choice against the role.',
  };
}
