// Builds the JSON object for one audit line, in Vault's audit entry shape. Tokens, accessors
// (when hmac_accessor), every string in request/response data, response auth tokens and wrapping
// tokens go through the device's hasher; with log_raw the hasher is null and all is in clear.

import type { CoreRequest, CoreResponse } from '../core/types.js';
import type { TokenEntry } from '../token/types.js';
import { elideListData, hashData } from './hash-structure.js';
import type { Hasher } from './salt.js';
import type { AuditEntry, AuditMeta, EntryAuth, EntryRequest, EntryResponse, EntryWrapInfo } from './types.js';

export interface FormatOptions {
  /** null = log_raw */
  hash: Hasher | null;
  hmacAccessor: boolean;
  elideListResponses: boolean;
}

const secret = (o: FormatOptions, v: string): string => (o.hash && v !== '' ? o.hash(v) : v);
const accessor = (o: FormatOptions, v: string): string => (o.hmacAccessor ? secret(o, v) : v);

/** Go's time.RFC3339 (whole seconds) for a seconds-since-epoch value. */
function rfc3339Seconds(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function tokenAuth(o: FormatOptions, req: CoreRequest, token: TokenEntry | null): EntryAuth {
  // Vault writes token_type "default" when there is no token (unauthenticated paths, bad tokens).
  if (!token) return { token_type: 'default' };
  const auth: EntryAuth = {
    client_token: req.clientToken ? secret(o, req.clientToken) : undefined,
    accessor: accessor(o, token.accessor),
    display_name: token.displayName,
    policies: [...token.policies],
    token_policies: [...token.policies],
    metadata: { ...token.meta },
    entity_id: token.entityId || undefined,
    remaining_uses: token.numUses > 0 ? token.numUses : undefined,
    token_type: token.type,
    token_ttl: token.creationTtl || undefined,
    token_issue_time: token.creationTime > 0 ? rfc3339Seconds(token.creationTime) : undefined,
  };
  if (Object.keys(auth.metadata ?? {}).length === 0) auth.metadata = undefined;
  return auth;
}

function requestPart(o: FormatOptions, req: CoreRequest, token: TokenEntry | null, meta: AuditMeta): EntryRequest {
  const data = req.data && Object.keys(req.data).length > 0 ? hashData(req.data, o.hash, meta.nonHmacRequestKeys) : undefined;
  return {
    id: req.requestId,
    operation: req.operation,
    mount_type: meta.mountType || undefined,
    mount_point: meta.mountPoint || undefined,
    mount_accessor: meta.mountAccessor || undefined,
    client_token: req.clientToken ? secret(o, req.clientToken) : undefined,
    client_token_accessor: token ? accessor(o, token.accessor) : undefined,
    namespace: { id: 'root' },
    path: req.path,
    data,
    remote_address: req.remoteAddr || undefined,
    wrap_ttl: req.wrapTtl && req.wrapTtl > 0 ? req.wrapTtl : undefined,
  };
}

function responseData(o: FormatOptions, req: CoreRequest, resp: CoreResponse, meta: AuditMeta): EntryResponse['data'] {
  let data: Record<string, unknown> | null = resp.data;
  if (resp.raw) {
    // Vault logs a raw response as these three keys (the body, like all strings, hashed).
    const body = resp.raw.body;
    data = {
      http_content_type: resp.raw.contentType,
      http_raw_body: typeof body === 'string' ? body : body.toString('utf8'),
      http_status_code: resp.raw.status,
    };
  }
  if (!data || Object.keys(data).length === 0) return undefined;
  if (o.elideListResponses && req.operation === 'list') data = elideListData(data);
  return hashData(data, o.hash, meta.nonHmacResponseKeys);
}

function wrapInfoPart(o: FormatOptions, resp: CoreResponse): EntryWrapInfo | undefined {
  const w = resp.wrapInfo;
  if (!w) return undefined;
  return {
    token: secret(o, w.token),
    accessor: accessor(o, w.accessor),
    ttl: w.ttl,
    creation_time: w.creation_time,
    creation_path: w.creation_path,
    wrapped_accessor: w.wrapped_accessor ? accessor(o, w.wrapped_accessor) : undefined,
  };
}

function responseAuth(o: FormatOptions, resp: CoreResponse): EntryAuth | undefined {
  const a = resp.auth;
  if (!a) return undefined;
  return {
    client_token: secret(o, a.client_token),
    accessor: accessor(o, a.accessor),
    policies: [...a.policies],
    token_policies: [...a.token_policies],
    metadata: a.metadata && Object.keys(a.metadata).length > 0 ? { ...a.metadata } : undefined,
    entity_id: a.entity_id || undefined,
    num_uses: a.num_uses > 0 ? a.num_uses : undefined,
    token_type: a.token_type,
    token_ttl: a.lease_duration || undefined,
  };
}

function responsePart(o: FormatOptions, req: CoreRequest, resp: CoreResponse | null, meta: AuditMeta): EntryResponse {
  const mountType = resp?.mountType || meta.mountType || undefined;
  if (!resp) return { mount_type: mountType, mount_point: meta.mountPoint || undefined, mount_accessor: meta.mountAccessor || undefined };
  return {
    mount_type: mountType,
    mount_point: meta.mountPoint || undefined,
    mount_accessor: meta.mountAccessor || undefined,
    auth: responseAuth(o, resp),
    // Lease IDs are logged in clear, as Vault does: they name a lease, they don't grant it.
    secret: resp.leaseId ? { lease_id: resp.leaseId } : undefined,
    data: responseData(o, req, resp, meta),
    wrap_info: wrapInfoPart(o, resp),
    warnings: resp.warnings && resp.warnings.length > 0 ? [...resp.warnings] : undefined,
  };
}

export function formatRequest(
  o: FormatOptions,
  time: string,
  req: CoreRequest,
  token: TokenEntry | null,
  error: string | null,
  meta: AuditMeta,
): AuditEntry {
  return {
    time,
    type: 'request',
    auth: tokenAuth(o, req, token),
    request: requestPart(o, req, token, meta),
    error: error || undefined,
  };
}

export function formatResponse(
  o: FormatOptions,
  time: string,
  req: CoreRequest,
  token: TokenEntry | null,
  resp: CoreResponse | null,
  error: string | null,
  meta: AuditMeta,
): AuditEntry {
  const m: AuditMeta = { ...meta, mountType: meta.mountType || resp?.mountType };
  return {
    time,
    type: 'response',
    // A login has no caller token: like Vault, the entry's auth is then the one just issued.
    auth: !token && resp?.auth ? (responseAuth(o, resp) ?? tokenAuth(o, req, token)) : tokenAuth(o, req, token),
    request: requestPart(o, req, token, m),
    response: responsePart(o, req, resp, m),
    error: error || undefined,
  };
}
