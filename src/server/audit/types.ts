// Shapes shared by the audit modules: a device's persisted record, its parsed options, and the
// JSON entry written per request/response (field names and nesting follow Vault's audit log).

/** One enabled audit device as stored in the barrier and listed by sys/audit. */
export interface AuditDeviceRecord {
  /** Normalised with a trailing slash, e.g. "file/". */
  path: string;
  type: string;
  description: string;
  options: Record<string, string>;
  local: boolean;
  /** Names this device's salt in storage; never shown to clients. */
  uuid: string;
}

/** What sys/audit LIST/GET shows for one device. */
export interface AuditDeviceListing {
  type: string;
  description: string;
  options: Record<string, string>;
  local: boolean;
  path: string;
}

/** Where a device writes: a file path, the process's stdout, or nowhere. */
export type SinkTarget = { kind: 'file'; path: string; mode: number } | { kind: 'stdout' } | { kind: 'discard' };

/** A device's options after validation. */
export interface DeviceConfig {
  target: SinkTarget;
  /** Hash accessors too (Vault's hmac_accessor, default true). */
  hmacAccessor: boolean;
  /** Write everything in clear (Vault's log_raw, default false). */
  logRaw: boolean;
  /** Replace list responses' keys/key_info by their counts (elide_list_responses). */
  elideListResponses: boolean;
  /** Written before each JSON object on the line. */
  prefix: string;
}

/** Facts about the mount a request was routed to, when the caller knows them. All optional. */
export interface AuditMeta {
  mountType?: string;
  mountPoint?: string;
  mountAccessor?: string;
  /** The mount's audit_non_hmac_request_keys: values under these keys are logged in clear. */
  nonHmacRequestKeys?: string[];
  /** The mount's audit_non_hmac_response_keys. */
  nonHmacResponseKeys?: string[];
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface EntryAuth {
  client_token?: string;
  accessor?: string;
  display_name?: string;
  policies?: string[];
  token_policies?: string[];
  metadata?: Record<string, string>;
  entity_id?: string;
  num_uses?: number;
  remaining_uses?: number;
  token_type: string;
  token_ttl?: number;
  token_issue_time?: string;
}

export interface EntryRequest {
  id: string;
  operation: string;
  mount_type?: string;
  mount_point?: string;
  mount_accessor?: string;
  client_token?: string;
  client_token_accessor?: string;
  namespace: { id: string };
  path: string;
  data?: JsonObject;
  remote_address?: string;
  wrap_ttl?: number;
}

export interface EntryWrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

export interface EntryResponse {
  mount_type?: string;
  mount_point?: string;
  mount_accessor?: string;
  auth?: EntryAuth;
  secret?: { lease_id: string };
  data?: JsonObject;
  wrap_info?: EntryWrapInfo;
  warnings?: string[];
}

export interface AuditEntry {
  time: string;
  type: 'request' | 'response';
  auth: EntryAuth;
  request: EntryRequest;
  response?: EntryResponse;
  error?: string;
}
