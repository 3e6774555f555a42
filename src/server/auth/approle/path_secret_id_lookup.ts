// Reading and destroying one secret ID, by the secret ID itself or by its accessor:
// `role/<name>/secret-id/lookup|destroy` and `role/<name>/secret-id-accessor/lookup|destroy`.
// As in Vault, looking up or destroying an unknown secret ID answers 204; an unknown accessor is a 404.

import { badRequest, notFound, type FieldData, type Handler, type PathDef, type StorageView } from '../../framework/index.js';
import { ROLE_NAME_FIELD } from './role_fields.js';
import type { SecretIdRef } from './secret_id_store.js';
import { ROLE_NAME, type ApproleState } from './state.js';
import type { SecretIdEntry } from './types.js';

const NO_EXPIRY = '0001-01-01T00:00:00Z';

export function secretIdData(e: SecretIdEntry): Record<string, unknown> {
  return {
    secret_id_accessor: e.accessor,
    secret_id_num_uses: e.numUses,
    secret_id_ttl: e.ttl,
    creation_time: new Date(e.creationTime).toISOString(),
    expiration_time: e.expirationTime > 0 ? new Date(e.expirationTime).toISOString() : NO_EXPIRY,
    last_updated_time: new Date(e.lastUpdatedTime).toISOString(),
    metadata: e.metadata,
    cidr_list: e.cidrList,
    token_bound_cidrs: e.tokenBoundCidrs,
  };
}

type Resolve = (st: ApproleState, storage: StorageView, name: string, fields: FieldData) => Promise<SecretIdRef | null>;

const bySecretId: Resolve = async (st, _storage, name, fields) => {
  const secretId = fields.get<string>('secret_id');
  if (secretId === '') throw badRequest('missing secret_id');
  return st.secretIds.ref(name, secretId);
};

const byAccessor: Resolve = async (st, storage, name, fields) => {
  const accessor = fields.get<string>('secret_id_accessor');
  if (accessor === '') throw badRequest('missing secret_id_accessor');
  const ref = await st.secretIds.refForAccessor(storage, name, accessor);
  if (!ref) throw notFound(`failed to find accessor entry for secret_id_accessor: "${accessor}"`);
  return ref;
};

async function requireRole(st: ApproleState, storage: StorageView, name: string): Promise<void> {
  if (!(await st.roles.get(storage, name))) throw notFound(`role "${name}" does not exist`);
}

function lookup(st: ApproleState, resolve: Resolve): Handler {
  return async (req, fields) => {
    const name = fields.get<string>('role_name');
    await requireRole(st, req.storage, name);
    const ref = await resolve(st, req.storage, name, fields);
    const entry = ref && (await st.secretIds.get(req.storage, ref, st.clock.now()));
    return entry ? { data: secretIdData(entry) } : null;
  };
}

function destroy(st: ApproleState, resolve: Resolve): Handler {
  return async (req, fields) => {
    const name = fields.get<string>('role_name');
    await st.roleLock.run(name, async () => {
      await requireRole(st, req.storage, name);
      const ref = await resolve(st, req.storage, name, fields);
      const entry = ref && (await st.secretIds.get(req.storage, ref, st.clock.now()));
      if (ref && entry) await st.secretIds.destroy(req.storage, ref, entry);
    });
    return null;
  };
}

export function pathsSecretIdLookup(st: ApproleState): PathDef[] {
  const idFields = { role_name: ROLE_NAME_FIELD, secret_id: { type: 'string' as const, description: 'Secret ID attached to the role' } };
  const accFields = { role_name: ROLE_NAME_FIELD, secret_id_accessor: { type: 'string' as const, description: 'Accessor of a secret ID of the role' } };
  return [
    { pattern: `role/${ROLE_NAME}/secret-id/lookup`, fields: idFields, operations: { update: lookup(st, bySecretId) }, help: 'Read the properties of a secret ID.' },
    {
      pattern: `role/${ROLE_NAME}/secret-id/destroy`,
      fields: idFields,
      operations: { update: destroy(st, bySecretId), delete: destroy(st, bySecretId) },
      help: 'Invalidate a secret ID.',
    },
    {
      pattern: `role/${ROLE_NAME}/secret-id-accessor/lookup`,
      fields: accFields,
      operations: { update: lookup(st, byAccessor) },
      help: 'Read the properties of a secret ID, by its accessor.',
    },
    {
      pattern: `role/${ROLE_NAME}/secret-id-accessor/destroy`,
      fields: accFields,
      operations: { update: destroy(st, byAccessor), delete: destroy(st, byAccessor) },
      help: 'Invalidate a secret ID, by its accessor.',
    },
  ];
}
