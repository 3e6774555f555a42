// Issuing a secret ID (generated or custom): Vault's handleRoleSecretIDCommon. The request may narrow
// the role's settings (num_uses, ttl, cidr_list, token_bound_cidrs) but never widen them. The TTL is
// capped by the mount's max lease TTL. Only the salted HMAC of the secret ID is stored.

import { randomUUID } from 'node:crypto';
import { badRequest, notFound, type FieldData, type FieldSchema, type Response, type StorageView } from '../../framework/index.js';
import { requireSubset, validateCidrs } from './cidrs.js';
import { parseMetadata } from './metadata.js';
import { MAX_NAME_BYTES, ROLE_NAME_FIELD } from './role_fields.js';
import type { ApproleState } from './state.js';
import type { RoleEntry, SecretIdEntry } from './types.js';

export const ISSUE_FIELDS: Record<string, FieldSchema> = {
  role_name: ROLE_NAME_FIELD,
  metadata: { type: 'raw', description: 'JSON object of strings (or "k=v,...") set on tokens issued with this secret ID' },
  cidr_list: { type: 'strings', description: 'CIDR blocks this secret ID may be used from; within the role\'s secret_id_bound_cidrs' },
  token_bound_cidrs: { type: 'strings', description: "CIDR blocks for tokens issued with this secret ID; within the role's token_bound_cidrs" },
  num_uses: { type: 'int', description: "Uses of this secret ID (0: unlimited); at most the role's secret_id_num_uses" },
  ttl: { type: 'duration', description: "Lifetime of this secret ID (0: no expiry); at most the role's secret_id_ttl" },
};

function usesFor(role: RoleEntry, fields: FieldData): number {
  if (!fields.has('num_uses')) return role.secretIdNumUses;
  const n = fields.get<number>('num_uses');
  if (n < 0) throw badRequest('num_uses cannot be negative');
  if (role.secretIdNumUses > 0 && (n === 0 || n > role.secretIdNumUses)) throw badRequest("num_uses cannot be higher than the role's secret_id_num_uses");
  return n;
}

function ttlFor(role: RoleEntry, fields: FieldData, maxLeaseTtl: number): number {
  let ttl = role.secretIdTtl;
  if (fields.has('ttl')) {
    ttl = fields.get<number>('ttl');
    if (ttl < 0) throw badRequest('ttl cannot be negative');
    if (role.secretIdTtl > 0 && (ttl === 0 || ttl > role.secretIdTtl)) throw badRequest("ttl cannot be longer than the role's secret_id_ttl");
  }
  return ttl > maxLeaseTtl ? maxLeaseTtl : ttl;
}

export async function issueSecretId(st: ApproleState, storage: StorageView, fields: FieldData, custom?: string): Promise<Response> {
  const name = fields.get<string>('role_name');
  const secretId = custom ?? randomUUID();
  if (secretId === '') throw badRequest('missing secret_id');
  if (Buffer.byteLength(secretId) > MAX_NAME_BYTES) throw badRequest(`"secret_id" is longer than maximum of ${MAX_NAME_BYTES} bytes`);
  return st.roleLock.run(name, async () => {
    const role = await st.roles.get(storage, name);
    if (!role) throw notFound(`role "${name}" does not exist`);
    if (!role.bindSecretId) throw badRequest('bind_secret_id is not set on the role');
    const cidrList = validateCidrs('cidr_list', fields.get<string[]>('cidr_list'));
    requireSubset('secret_id_bound_cidrs', role.secretIdBoundCidrs, 'cidr_list', cidrList);
    const tokenBoundCidrs = validateCidrs('token_bound_cidrs', fields.get<string[]>('token_bound_cidrs'));
    requireSubset('token_bound_cidrs', role.token.boundCidrs, 'token_bound_cidrs', tokenBoundCidrs);
    const numUses = usesFor(role, fields);
    const ttl = ttlFor(role, fields, st.system.maxLeaseTtl());
    const metadata = parseMetadata(fields.raw.metadata);

    const ref = await st.secretIds.ref(name, secretId);
    const now = st.clock.now();
    if (await st.secretIds.get(storage, ref, now)) throw badRequest('SecretID is already registered');
    const entry: SecretIdEntry = {
      accessor: randomUUID(),
      numUses,
      ttl,
      creationTime: now,
      expirationTime: ttl > 0 ? now + ttl * 1000 : 0,
      lastUpdatedTime: now,
      metadata,
      cidrList,
      tokenBoundCidrs,
    };
    await st.secretIds.create(storage, ref, entry);
    return { data: { secret_id: secretId, secret_id_accessor: entry.accessor, secret_id_ttl: ttl, secret_id_num_uses: numUses } };
  });
}
