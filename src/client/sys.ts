// sys/ helpers: init, seal and unseal, seal status and health, secrets engine and auth method
// mounts, ACL policies, capabilities, leases, and the KV preflight (sys/internal/ui/mounts).

import type { Client } from './client.js';
import { isRecord, type VaultResponse } from './types.js';

export interface InitOptions {
  secret_shares: number;
  secret_threshold: number;
  [field: string]: unknown;
}

export interface InitResponse {
  keys: string[];
  keys_base64: string[];
  root_token: string;
}

export interface SealStatus {
  type: string;
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  nonce: string;
  version: string;
  build_date?: string;
  migration: boolean;
  recovery_seal: boolean;
  storage_type?: string;
  cluster_name?: string;
  cluster_id?: string;
}

export interface HealthResponse {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  performance_standby: boolean;
  replication_performance_mode: string;
  replication_dr_mode: string;
  server_time_utc: number;
  version: string;
  enterprise?: boolean;
  cluster_name?: string;
  cluster_id?: string;
}

export interface HealthQuery {
  standbyok?: boolean;
  perfstandbyok?: boolean;
  activecode?: number;
  standbycode?: number;
  sealedcode?: number;
  uninitcode?: number;
  drsecondarycode?: number;
  performancestandbycode?: number;
}

export interface MountConfigOutput {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache: boolean;
  listing_visibility?: string;
}

export interface MountOutput {
  accessor: string;
  config: MountConfigOutput;
  description: string;
  external_entropy_access: boolean;
  local: boolean;
  options: Record<string, string> | null;
  plugin_version: string;
  seal_wrap: boolean;
  type: string;
  uuid: string;
}

export interface MountInput {
  type: string;
  description?: string;
  config?: { default_lease_ttl?: string | number; max_lease_ttl?: string | number; force_no_cache?: boolean; listing_visibility?: string };
  options?: Record<string, string>;
  local?: boolean;
  seal_wrap?: boolean;
}

export interface TuneInput {
  default_lease_ttl?: string | number;
  max_lease_ttl?: string | number;
  description?: string;
  options?: Record<string, string>;
  listing_visibility?: string;
  force_no_cache?: boolean;
  audit_non_hmac_request_keys?: string[];
  audit_non_hmac_response_keys?: string[];
  passthrough_request_headers?: string[];
}

export interface TuneOutput {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache: boolean;
  description: string;
  options: Record<string, string> | null;
  listing_visibility?: string;
}

export interface UiMountOutput extends MountOutput {
  /** The mount's path, with a trailing slash. */
  path: string;
}

export interface Policy {
  name: string;
  policy: string;
}

export interface LeaseInfo {
  id: string;
  issue_time: string | null;
  expire_time: string | null;
  last_renewal: string | null;
  renewable: boolean;
  ttl: number;
}

const trim = (p: string): string => p.replace(/^\/+|\/+$/g, '');

/** The mount table from `data` (Vault also copies it next to the envelope fields; those copies are ignored). */
function mountTable(res: VaultResponse<Record<string, MountOutput>> | null): Record<string, MountOutput> {
  return res?.data ?? {};
}

function body<T>(v: unknown, what: string): T {
  if (!isRecord(v)) throw new Error(`the server returned no JSON object for ${what}`);
  // sys/init, sys/unseal, sys/seal-status and sys/health answer with a bare object, not an envelope.
  return v as T;
}

class Mounts {
  constructor(private readonly client: Client) {}
  async list(): Promise<Record<string, MountOutput>> {
    return mountTable(await this.client.read<Record<string, MountOutput>>('sys/mounts'));
  }
  async enable(path: string, input: MountInput): Promise<void> {
    await this.client.request('POST', `sys/mounts/${trim(path)}`, { body: input });
  }
  async disable(path: string): Promise<void> {
    await this.client.delete(`sys/mounts/${trim(path)}`);
  }
  async readTune(path: string): Promise<TuneOutput> {
    const res = await this.client.request<TuneOutput>('GET', `sys/mounts/${trim(path)}/tune`);
    if (!res?.data) throw new Error(`the server returned no tune data for sys/mounts/${trim(path)}`);
    return res.data;
  }
  async tune(path: string, input: TuneInput): Promise<void> {
    await this.client.request('POST', `sys/mounts/${trim(path)}/tune`, { body: input });
  }
}

class AuthMounts {
  constructor(private readonly client: Client) {}
  async list(): Promise<Record<string, MountOutput>> {
    return mountTable(await this.client.read<Record<string, MountOutput>>('sys/auth'));
  }
  async enable(path: string, input: MountInput): Promise<void> {
    await this.client.request('POST', `sys/auth/${trim(path)}`, { body: input });
  }
  async disable(path: string): Promise<void> {
    await this.client.delete(`sys/auth/${trim(path)}`);
  }
}

class Policies {
  constructor(private readonly client: Client) {}
  /** ACL policy names. */
  async list(): Promise<string[]> {
    return (await this.client.list('sys/policies/acl'))?.data?.keys ?? [];
  }
  /** null when there is no such policy. */
  async read(name: string): Promise<Policy | null> {
    return (await this.client.read<Policy>(`sys/policies/acl/${trim(name)}`))?.data ?? null;
  }
  /** Writes an HCL (or JSON) policy; returns the server's warnings, if any. */
  async write(name: string, policy: string): Promise<string[]> {
    const res = await this.client.request('PUT', `sys/policies/acl/${trim(name)}`, { body: { policy } });
    return res?.warnings ?? [];
  }
  async delete(name: string): Promise<void> {
    await this.client.delete(`sys/policies/acl/${trim(name)}`);
  }
}

class Leases {
  constructor(private readonly client: Client) {}
  async lookup(leaseId: string): Promise<LeaseInfo> {
    const res = await this.client.request<LeaseInfo>('PUT', 'sys/leases/lookup', { body: { lease_id: leaseId } });
    if (!res?.data) throw new Error('the server returned no lease data');
    return res.data;
  }
  /** The envelope carries the new `lease_duration` and `renewable`. */
  async renew(leaseId: string, increment?: number): Promise<VaultResponse<null>> {
    const res = await this.client.request<null>('PUT', 'sys/leases/renew', { body: increment === undefined ? { lease_id: leaseId } : { lease_id: leaseId, increment } });
    if (!res) throw new Error('the server returned no answer to a lease renewal');
    return res;
  }
  async revoke(leaseId: string): Promise<void> {
    await this.client.request('PUT', 'sys/leases/revoke', { body: { lease_id: leaseId } });
  }
}

export class SysApi {
  readonly mounts: Mounts;
  readonly auth: AuthMounts;
  readonly policies: Policies;
  readonly leases: Leases;

  constructor(private readonly client: Client) {
    this.mounts = new Mounts(client);
    this.auth = new AuthMounts(client);
    this.policies = new Policies(client);
    this.leases = new Leases(client);
  }

  async init(options: InitOptions): Promise<InitResponse> {
    const res = await this.client.rawRequest('PUT', 'sys/init', { body: options, token: null });
    return body<InitResponse>(res.body, 'sys/init');
  }

  async unseal(key: string, options: { reset?: boolean; migrate?: boolean } = {}): Promise<SealStatus> {
    const res = await this.client.rawRequest('PUT', 'sys/unseal', { body: { key, ...options }, token: null });
    return body<SealStatus>(res.body, 'sys/unseal');
  }

  async seal(): Promise<void> {
    await this.client.rawRequest('PUT', 'sys/seal');
  }

  async sealStatus(): Promise<SealStatus> {
    const res = await this.client.rawRequest('GET', 'sys/seal-status', { token: null });
    return body<SealStatus>(res.body, 'sys/seal-status');
  }

  /**
   * Never throws for the statuses health reports with (200, 429 standby, 472 DR secondary,
   * 473 performance standby, 501 not initialized, 503 sealed), and does not retry them. The body
   * is null when the server answered 204 with none (a `*code=204` override).
   */
  async health(query: HealthQuery = {}): Promise<{ status: number; body: HealthResponse | null }> {
    const res = await this.client.rawRequest('GET', 'sys/health', {
      query: { ...query },
      token: null,
      acceptStatus: [429, 472, 473, 501, 503],
    });
    // A status override of 204 (e.g. `sealedcode=204`, common in liveness probes) has no body.
    if (res.status === 204) return { status: 204, body: null };
    return { status: res.status, body: body<HealthResponse>(res.body, 'sys/health') };
  }

  /** Capabilities of `token` (or of the client's own token) on each path: { path: ["read", ...] }. */
  async capabilities(paths: string | string[], token?: string): Promise<Record<string, string[]>> {
    if (token === undefined) return this.capabilitiesSelf(paths);
    const list = Array.isArray(paths) ? paths : [paths];
    const res = await this.client.request<Record<string, string[]>>('POST', 'sys/capabilities', { body: { token, paths: list } });
    return pick(res?.data ?? {}, list);
  }

  async capabilitiesSelf(paths: string | string[]): Promise<Record<string, string[]>> {
    const list = Array.isArray(paths) ? paths : [paths];
    const res = await this.client.request<Record<string, string[]>>('POST', 'sys/capabilities-self', { body: { paths: list } });
    return pick(res?.data ?? {}, list);
  }

  /** The mount holding `path` (KV preflight): its type, options (KV `version`) and path. */
  async internalUiMount(path: string): Promise<UiMountOutput> {
    const res = await this.client.request<UiMountOutput>('GET', `sys/internal/ui/mounts/${trim(path)}`);
    if (!res?.data) throw new Error(`the server returned no mount data for ${trim(path)}`);
    return res.data;
  }
}

function pick(data: Record<string, string[]>, paths: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of paths) out[p] = Array.isArray(data[p]) ? data[p] : [];
  if (paths.length === 1 && out[paths[0]!]!.length === 0 && Array.isArray(data.capabilities)) out[paths[0]!] = data.capabilities;
  return out;
}
