// The token auth method's API at auth/token/: create, lookup, renew and revoke tokens, by ID, by
// accessor, or self. It drives the core's token store; field names and shapes follow Vault's API.

import type { Core } from '../core/core.js';
import type { Backend, FieldData, FieldSchema, Request, Response } from '../framework/types.js';
import { CofferError, badRequest, permissionDenied } from '../framework/errors.js';
import type { TokenEntry } from './types.js';

const CREATE_FIELDS: Record<string, FieldSchema> = {
  id: { type: 'string' },
  role_name: { type: 'string' },
  policies: { type: 'strings' },
  meta: { type: 'string-map' },
  no_parent: { type: 'bool' },
  no_default_policy: { type: 'bool' },
  renewable: { type: 'bool', default: true },
  ttl: { type: 'duration' },
  lease: { type: 'duration' },
  type: { type: 'string' },
  explicit_max_ttl: { type: 'duration' },
  display_name: { type: 'string' },
  num_uses: { type: 'int' },
  period: { type: 'duration' },
  entity_alias: { type: 'string' },
};

export function tokenLookupData(core: Core, e: TokenEntry, id: string): Record<string, unknown> {
  const now = core.clock.now();
  return {
    accessor: e.accessor,
    creation_time: e.creationTime,
    creation_ttl: e.creationTtl,
    display_name: e.displayName,
    entity_id: e.entityId,
    expire_time: e.expireTime > 0 ? new Date(e.expireTime).toISOString() : null,
    explicit_max_ttl: e.explicitMaxTtl,
    id,
    issue_time: new Date(e.creationTime * 1000).toISOString(),
    meta: Object.keys(e.meta).length > 0 ? e.meta : null,
    num_uses: Math.max(0, e.numUses),
    orphan: e.parentHash === '',
    path: e.path,
    period: e.period > 0 ? e.period : undefined,
    policies: e.policies,
    renewable: e.renewable,
    ttl: e.expireTime > 0 ? Math.max(0, Math.round((e.expireTime - now) / 1000)) : 0,
    type: e.type,
    bound_cidrs: e.boundCidrs.length > 0 ? e.boundCidrs : undefined,
  };
}

function renewalAuth(e: TokenEntry, id: string, core: Core): Response {
  return {
    issuedAuth: {
      client_token: id,
      accessor: e.accessor,
      policies: e.policies,
      token_policies: e.policies,
      metadata: Object.keys(e.meta).length > 0 ? e.meta : null,
      lease_duration: e.expireTime > 0 ? Math.max(0, Math.round((e.expireTime - core.clock.now()) / 1000)) : 0,
      renewable: e.renewable,
      entity_id: e.entityId,
      token_type: e.type,
      orphan: e.parentHash === '',
      mfa_requirement: null,
      num_uses: Math.max(0, e.numUses),
    },
  };
}

export function tokenBackend(core: Core): Backend {
  async function create(req: Request, f: FieldData, orphanPath: boolean): Promise<Response> {
    const parent = req.token;
    if (!parent) throw permissionDenied();
    const parentEntry = await core.tokens.lookup(parent.id);
    if (!parentEntry) throw permissionDenied();
    const isRoot = parent.isRoot;
    if (f.get<string>('role_name')) throw badRequest('token roles are not supported yet: create the token without role_name');
    const type = f.get<string>('type');
    if (type && type !== 'service' && type !== 'default') throw badRequest(`token type "${type}" is not supported: only "service" tokens are`);
    let policies = f.has('policies') ? f.get<string[]>('policies').map((p) => p.trim().toLowerCase()).filter((p) => p) : [];
    if (!f.has('policies') || policies.length === 0) policies = parent.policies.filter((p) => !(p === 'default' && f.get<boolean>('no_default_policy')));
    if (!isRoot) {
      if (policies.includes('root')) throw badRequest('root tokens may not be created from a non-root token');
      const notHeld = policies.filter((p) => p !== 'default' && !parent.policies.includes(p));
      if (notHeld.length > 0) throw badRequest(`child policies must be subset of parent: token lacks ${notHeld.join(', ')}`);
    }
    const noParent = orphanPath || f.get<boolean>('no_parent');
    // As Vault's handleCreateCommon: root, or sudo on the path being called, for what outlives or
    // outranks the parent (an orphan through no_parent, a periodic token renewable for ever).
    const hasSudo = async (): Promise<boolean> =>
      isRoot || (await core.policies.acl(parent.policies)).allowOperation({ path: `auth/token/${req.path}`, operation: 'update', isRootPath: true }).allowed;
    if (f.get<boolean>('no_parent') && !orphanPath && !(await hasSudo())) throw badRequest('root or sudo privileges required to create orphan token');
    const id = f.get<string>('id');
    if (id && !isRoot) throw badRequest('root or sudo privileges required to specify token id');
    const numUses = f.get<number>('num_uses');
    if (numUses < 0) throw badRequest('number of uses cannot be negative');
    const ttl = f.get<number>('ttl') || f.get<number>('lease');
    const explicitMaxTtl = f.get<number>('explicit_max_ttl');
    const period = f.get<number>('period');
    if (ttl < 0 || explicitMaxTtl < 0 || period < 0) throw badRequest('ttl, explicit_max_ttl and period must not be negative');
    if (period > 0 && !(await hasSudo())) throw badRequest('root or sudo privileges required to create periodic token');
    const displayName = f.get<string>('display_name');
    const tokenMount = core.findMount('auth', 'auth/token/')!;
    const auth = await core.issueToken({
      policies,
      noDefaultPolicy: f.get<boolean>('no_default_policy'),
      path: `auth/token/${req.path}`,
      authMount: tokenMount,
      meta: f.get<Record<string, string>>('meta'),
      displayName: displayName ? `token-${displayName.replace(/^token-/, '')}` : 'token',
      ttl: ttl === 0 && isRoot && explicitMaxTtl === 0 && period === 0 && policies.includes('root') ? 0 : ttl,
      maxTtl: 0,
      explicitMaxTtl,
      period,
      numUses,
      renewable: f.get<boolean>('renewable'),
      parentHash: noParent ? '' : parentEntry.idHash,
      boundCidrs: [],
      id: id || undefined,
    });
    return { issuedAuth: { ...auth } };
  }

  async function findByToken(token: string): Promise<TokenEntry> {
    const e = token ? await core.tokens.lookup(token) : null;
    if (!e) throw badRequest('bad token');
    return e;
  }

  /** Vault's auth/token/lookup answers an unknown token with 403 "bad token" (token_store.go handleLookup). */
  async function findForLookup(token: string): Promise<TokenEntry> {
    const e = token ? await core.tokens.lookup(token) : null;
    if (!e) throw new CofferError(403, 'bad token');
    return e;
  }

  async function findByAccessor(accessor: string): Promise<TokenEntry> {
    const e = accessor ? await core.tokens.lookupAccessor(accessor) : null;
    if (!e) throw badRequest('invalid accessor');
    return e;
  }

  const tokenField = { token: { type: 'string' } } satisfies Record<string, FieldSchema>;
  const accessorField = { accessor: { type: 'string' } } satisfies Record<string, FieldSchema>;
  const incrementField = { increment: { type: 'duration' } } satisfies Record<string, FieldSchema>;

  return {
    paths: [
      { pattern: 'create', fields: CREATE_FIELDS, operations: { update: (r, f) => create(r, f, false) } },
      { pattern: 'create-orphan', fields: CREATE_FIELDS, operations: { update: (r, f) => create(r, f, true) } },
      {
        pattern: 'lookup-self',
        operations: {
          read: async (r) => ({ data: tokenLookupData(core, await findByToken(r.clientToken ?? ''), r.clientToken ?? '') }),
        },
      },
      {
        pattern: 'lookup(?:/(?<token>.+))?',
        fields: tokenField,
        operations: {
          read: async (r, f) => {
            const t = f.get<string>('token') || r.clientToken || '';
            return { data: tokenLookupData(core, await findForLookup(t), t) };
          },
          update: async (r, f) => {
            const t = f.get<string>('token') || r.clientToken || '';
            return { data: tokenLookupData(core, await findForLookup(t), t) };
          },
        },
      },
      {
        pattern: 'lookup-accessor(?:/(?<accessor>.+))?',
        fields: accessorField,
        operations: { update: async (_r, f) => ({ data: tokenLookupData(core, await findByAccessor(f.get<string>('accessor')), '') }) },
      },
      {
        pattern: 'renew-self',
        fields: incrementField,
        operations: {
          update: async (r, f) => {
            const e = await findByToken(r.clientToken ?? '');
            return renewalAuth(await core.renewToken(e, f.get<number>('increment')), r.clientToken ?? '', core);
          },
        },
      },
      {
        pattern: 'renew(?:/(?<token>.+))?',
        fields: { ...tokenField, ...incrementField },
        operations: {
          update: async (_r, f) => {
            const t = f.get<string>('token');
            if (!t) throw badRequest('missing token');
            return renewalAuth(await core.renewToken(await findByToken(t), f.get<number>('increment')), t, core);
          },
        },
      },
      {
        pattern: 'renew-accessor',
        fields: { ...accessorField, ...incrementField },
        operations: {
          update: async (_r, f) => {
            const e = await core.renewToken(await findByAccessor(f.get<string>('accessor')), f.get<number>('increment'));
            return renewalAuth(e, '', core);
          },
        },
      },
      {
        pattern: 'revoke-self',
        operations: {
          update: async (r) => {
            await core.tokens.revokeTree((await findByToken(r.clientToken ?? '')).idHash);
            return null;
          },
        },
      },
      {
        pattern: 'revoke-accessor(?:/(?<accessor>.+))?',
        fields: accessorField,
        operations: {
          update: async (_r, f) => {
            await core.tokens.revokeTree((await findByAccessor(f.get<string>('accessor'))).idHash);
            return null;
          },
        },
      },
      {
        pattern: 'revoke-orphan(?:/(?<token>.+))?',
        fields: tokenField,
        sudo: true,
        operations: {
          update: async (_r, f) => {
            await core.tokens.revokeOrphan((await findByToken(f.get<string>('token'))).idHash);
            return null;
          },
        },
      },
      {
        pattern: 'revoke(?:/(?<token>.+))?',
        fields: tokenField,
        operations: {
          update: async (_r, f) => {
            // Like Vault (revokeCommon), revoking a token that does not exist (any more) succeeds.
            const t = f.get<string>('token');
            if (!t) throw badRequest('missing token ID');
            const e = await core.tokens.lookup(t);
            if (e) await core.tokens.revokeTree(e.idHash);
            return null;
          },
        },
      },
      {
        pattern: 'accessors/?',
        sudo: true,
        operations: { list: async () => ({ data: { keys: await core.tokens.listAccessors() } }) },
      },
    ],
  };
}
