// Turns a parsed JSON body into Vault's envelope, checking the envelope's own fields; the `data`
// payload is handed to the caller's type unchecked (its shape depends on the path).

import type { AuthInfo, VaultResponse, WrapInfo } from './types.js';
import { isRecord } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strings = (v: unknown): string[] | null => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : null);

function stringMap(v: unknown): Record<string, string> | null {
  if (!isRecord(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function authInfo(v: unknown): AuthInfo | null {
  if (!isRecord(v)) return null;
  const out: AuthInfo = {
    client_token: str(v.client_token),
    accessor: str(v.accessor),
    policies: strings(v.policies),
    token_policies: strings(v.token_policies),
    metadata: stringMap(v.metadata),
    lease_duration: num(v.lease_duration),
    renewable: v.renewable === true,
  };
  if ('identity_policies' in v) out.identity_policies = strings(v.identity_policies);
  if (typeof v.entity_id === 'string') out.entity_id = v.entity_id;
  if (typeof v.token_type === 'string') out.token_type = v.token_type;
  if (typeof v.orphan === 'boolean') out.orphan = v.orphan;
  if (typeof v.num_uses === 'number') out.num_uses = v.num_uses;
  return out;
}

function wrapInfo(v: unknown): WrapInfo | null {
  if (!isRecord(v)) return null;
  const out: WrapInfo = {
    token: str(v.token),
    accessor: str(v.accessor),
    ttl: num(v.ttl),
    creation_time: str(v.creation_time),
    creation_path: str(v.creation_path),
  };
  if (typeof v.wrapped_accessor === 'string') out.wrapped_accessor = v.wrapped_accessor;
  return out;
}

/** Null when the body is not a JSON object. */
export function parseEnvelope<T>(body: unknown): VaultResponse<T> | null {
  if (!isRecord(body)) return null;
  const out: VaultResponse<T> = {
    request_id: str(body.request_id),
    lease_id: str(body.lease_id),
    renewable: body.renewable === true,
    lease_duration: num(body.lease_duration),
    // The payload's shape is defined by the path the caller asked for; it is not validated here.
    data: body.data === undefined || body.data === null ? null : (body.data as T),
    wrap_info: wrapInfo(body.wrap_info),
    warnings: strings(body.warnings),
    auth: authInfo(body.auth),
  };
  if (typeof body.mount_type === 'string') out.mount_type = body.mount_type;
  return out;
}

/** The server's messages from an error body (`{"errors": [...]}`), or a short excerpt of a non-JSON body. */
export function errorMessages(body: unknown, text: string): string[] {
  if (isRecord(body) && Array.isArray(body.errors)) return body.errors.filter((x): x is string => typeof x === 'string');
  const t = text.trim();
  if (t === '' || body !== null) return [];
  return [t.length > 200 ? `${t.slice(0, 200)}...` : t];
}
