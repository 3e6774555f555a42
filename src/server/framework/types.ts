// The framework every secrets engine and auth method is written against: a backend is data
// (path patterns, typed fields, operation handlers), never core internals. Mirrors Vault's sdk/framework.

export type Operation = 'create' | 'read' | 'update' | 'patch' | 'delete' | 'list';

/** A backend's private slice of the encrypted barrier: keys are relative to the mount's own prefix. */
export interface StorageView {
  get(key: string): Promise<Buffer | null>;
  put(key: string, value: Buffer): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

export type FieldType =
  | 'string'
  | 'lowercase-string'
  | 'int'
  | 'bool'
  | 'duration' // seconds; accepts numbers, "90", "90s", "1h30m"
  | 'strings' // comma-separated string or array of strings
  | 'map' // any JSON object
  | 'string-map' // object of strings
  | 'raw'; // any JSON value, untouched

export interface FieldSchema {
  type: FieldType;
  description?: string;
  default?: unknown;
  required?: boolean;
}

/** Facts about the token that made a request (absent for unauthenticated paths). */
export interface RequestToken {
  id: string;
  accessor: string;
  policies: string[];
  path: string;
  displayName: string;
  meta: Record<string, string>;
  entityId: string;
  /** seconds; 0 means no expiry */
  ttl: number;
  creationTime: number;
  isRoot: boolean;
}

export interface Request {
  operation: Operation;
  /** Path relative to the mount, without a leading slash. */
  path: string;
  /** Body fields (writes) or query fields (reads and lists), merged as Vault does. */
  data: Record<string, unknown>;
  storage: StorageView;
  /** The mount the request was routed to, e.g. "secret/" or "auth/kubernetes/". */
  mountPoint: string;
  /** The raw client token, when one was sent. */
  clientToken?: string;
  token?: RequestToken;
  requestId: string;
  remoteAddr: string;
  headers: Record<string, string>;
  /** seconds, when the client asked for the response to be wrapped (X-Vault-Wrap-TTL) */
  wrapTtl?: number;
}

export interface WrapInfo {
  token: string;
  accessor: string;
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

/** A secret with a lease, returned by a backend; the core registers the lease. */
export interface LeaseRequest {
  ttl: number;
  maxTtl?: number;
  renewable: boolean;
  /** Stored with the lease and handed back to renew/revoke; never shown to the client. */
  internalData: Record<string, unknown>;
}

/** What an auth method's login returns; the core turns it into a token. */
export interface AuthRequest {
  policies: string[];
  metadata: Record<string, string>;
  /** The method's part of the display name; the core prefixes the mount path, as Vault does. */
  displayName: string;
  /** seconds; 0 means the mount's default */
  ttl: number;
  maxTtl: number;
  period: number;
  explicitMaxTtl: number;
  numUses: number;
  renewable: boolean;
  noDefaultPolicy: boolean;
  boundCidrs: string[];
  alias?: { name: string; metadata?: Record<string, string> };
  /** Stored with the token, handed back on renewal (e.g. the role name). */
  internalData?: Record<string, unknown>;
}

/** A raw HTTP answer for the few endpoints that don't use Vault's JSON envelope (metrics, health). */
export interface RawResponse {
  status: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export interface Response {
  data?: Record<string, unknown> | null;
  secret?: LeaseRequest;
  /** A TTL to report as lease_duration without registering a lease (KV v1's `ttl` key, as in Vault). */
  leaseDuration?: number;
  auth?: AuthRequest;
  /** The auth block of a token that already exists (token create and renew), returned unchanged. */
  issuedAuth?: Record<string, unknown>;
  warnings?: string[];
  /** Envelope lease fields for an existing lease (sys/leases/renew). */
  leaseOverride?: { leaseId: string; leaseDuration: number; renewable: boolean };
  raw?: RawResponse;
  /** A response that is already wrapped (sys/wrapping/rewrap). */
  wrapInfo?: WrapInfo;
  /** HTTP status to use instead of 200/204 (e.g. 429 from sys/health). */
  status?: number;
  /** Some sys/ endpoints repeat data keys at the top level of the body, as Vault does. */
  topLevelData?: boolean;
  /** Answer with `data` alone as the JSON body, no envelope (sys/health, sys/seal-status, sys/init). */
  bareBody?: boolean;
  /**
   * Work done after the response is audited and before it is sent: sys/seal seals here, so that
   * its 204 means sealed (while auditing the response still needs the unsealed core).
   */
  afterAudit?: () => Promise<void>;
}

export interface FieldData {
  /** The value of a declared field: the parsed input, else its default, else the type's zero value. */
  get<T = unknown>(name: string): T;
  /** Whether the client sent the field. */
  has(name: string): boolean;
  /** Every field the client sent, raw. */
  raw: Record<string, unknown>;
}

/** Returns null for "204 No Content". */
export type Handler = (req: Request, fields: FieldData) => Promise<Response | null>;

export interface PathDef {
  /** Regex source matched against the whole relative path; named groups become fields. */
  pattern: string;
  fields?: Record<string, FieldSchema>;
  operations: Partial<Record<Operation, Handler>>;
  /** Decides create vs update for writes (create needs the `create` capability). */
  existenceCheck?: (req: Request, fields: FieldData) => Promise<boolean>;
  /** Reachable without a token (e.g. login). */
  unauthenticated?: boolean;
  /** Requires `sudo` in the caller's policy as well. */
  sudo?: boolean;
  /** Accept fields the schema does not declare (KV data). Otherwise unknown fields are ignored with a warning. */
  allowUnknownFields?: boolean;
  /** Login paths: the name the caller logs in as (Vault's alias lookahead), which user lockout counts by. */
  aliasLookahead?: (fields: FieldData) => string;
  help?: string;
}

export interface Lease {
  leaseId: string;
  path: string;
  issueTime: number;
  expireTime: number;
  internalData: Record<string, unknown>;
}

export interface Backend {
  paths: PathDef[];
  /** Renews a lease this backend issued; returns the new TTL (seconds). */
  renewSecret?: (lease: Lease, increment: number) => Promise<{ ttl: number }>;
  revokeSecret?: (lease: Lease) => Promise<void>;
  /** Auth methods: re-check a login on token renewal; throw to refuse. */
  renewAuth?: (internalData: Record<string, unknown>) => Promise<void>;
  /** Called when the mount is removed or the server seals. */
  cleanup?: () => Promise<void>;
  /** Auth methods with roles: the role a login request names ('' if none), for role-based rate limits. */
  resolveRole?: (storage: StorageView, path: string, data: Record<string, unknown>) => Promise<string>;
}

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export interface SystemView {
  defaultLeaseTtl(): number;
  maxLeaseTtl(): number;
}

export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /** The same logger with fields on every line (pino's child), e.g. `{ '@module': 'expiration' }`. */
  child?(bindings: Record<string, unknown>): Logger;
}

export interface BackendContext {
  storage: StorageView;
  mountPoint: string;
  /** The mount's `options` (e.g. `{ version: "2" }` for KV). */
  options: Record<string, string>;
  system: SystemView;
  clock: Clock;
  logger: Logger;
}

export type BackendFactory = (ctx: BackendContext) => Promise<Backend>;
