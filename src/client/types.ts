// Shapes shared by the client's modules: Vault's response envelope, the auth block, wrap info,
// and the raw answer of one API call.

import type { IncomingHttpHeaders } from 'node:http';

export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

/** The `auth` block of a login, token create or token renew response. */
export interface AuthInfo {
  client_token: string;
  accessor: string;
  policies: string[] | null;
  token_policies: string[] | null;
  identity_policies?: string[] | null;
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id?: string;
  token_type?: string;
  orphan?: boolean;
  num_uses?: number;
}

/** Vault's JSON envelope. `data` is typed by the caller: the client does not validate its fields. */
export interface VaultResponse<T = Record<string, unknown>> {
  request_id: string;
  lease_id: string;
  renewable: boolean;
  lease_duration: number;
  data: T | null;
  wrap_info: WrapInfo | null;
  warnings: string[] | null;
  auth: AuthInfo | null;
  mount_type?: string;
}

/** One answer as received: status, headers, the text, and the JSON body (null when empty or not JSON). */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: unknown;
}

export type QueryValue = string | number | boolean | ReadonlyArray<string | number> | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

export interface RequestOptions {
  /** JSON-encoded as the request body. */
  body?: unknown;
  query?: Query;
  headers?: Readonly<Record<string, string>>;
  /** Asks the server to wrap the response (`X-Vault-Wrap-TTL`), e.g. "5m" or 300. */
  wrapTtl?: string | number;
  /** Overrides the client's token for this call; null sends no token. */
  token?: string | null;
  /** Overrides the client's timeout for this call. */
  timeoutMs?: number;
  /** Overrides the client's retry count for this call. */
  retries?: number;
  signal?: AbortSignal;
  /** Statuses returned as answers instead of thrown (besides 2xx). */
  acceptStatus?: readonly number[];
  /** Content-Type of the body (default application/json). */
  contentType?: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
