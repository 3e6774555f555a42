// KV secrets engine helpers: version 2 (data/, metadata/, delete/, undelete/, destroy/ under the
// mount) and version 1 (plain paths), and kvKind(), which asks sys/internal/ui/mounts which
// version a path's mount runs, as the Vault CLI does before every `vault kv` command.

import type { Client } from './client.js';
import { VaultError } from './errors.js';
import { isRecord } from './types.js';

export interface KvV2VersionMetadata {
  created_time: string;
  custom_metadata: Record<string, string> | null;
  deletion_time: string;
  destroyed: boolean;
  version: number;
}

export interface KvV2Secret<T> {
  /** null when the version is deleted or destroyed. */
  data: T | null;
  metadata: KvV2VersionMetadata;
}

export interface KvV2VersionInfo {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

export interface KvV2Metadata {
  cas_required: boolean;
  created_time: string;
  current_version: number;
  custom_metadata: Record<string, string> | null;
  delete_version_after: string;
  max_versions: number;
  oldest_version: number;
  updated_time: string;
  versions: Record<string, KvV2VersionInfo>;
}

export interface KvV2MetadataInput {
  max_versions?: number;
  cas_required?: boolean;
  delete_version_after?: string;
  custom_metadata?: Record<string, string>;
}

export interface KvKind {
  /** The mount path with a trailing slash ("secret/"); "" when the server has no preflight endpoint. */
  mount: string;
  version: 1 | 2;
}

const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');
const join = (...parts: string[]): string => parts.map(trimSlashes).filter((p) => p !== '').join('/');

function mustData<T>(data: T | null | undefined, what: string): T {
  if (data === null || data === undefined) throw new Error(`the server returned no data for ${what}`);
  return data;
}

export class KvV2 {
  readonly mount: string;

  constructor(
    private readonly client: Client,
    mount = 'secret',
  ) {
    this.mount = trimSlashes(mount);
  }

  /** The latest (or the given) version; null when the secret does not exist. */
  async get<T = Record<string, unknown>>(path: string, options: { version?: number } = {}): Promise<KvV2Secret<T> | null> {
    const res = await this.client.read<KvV2Secret<T>>(join(this.mount, 'data', path), options.version === undefined ? undefined : { version: options.version });
    return res?.data ?? null;
  }

  /** Writes a new version. `cas`: 0 = only if absent, n = only if the current version is n. */
  async put(path: string, data: Record<string, unknown>, options: { cas?: number } = {}): Promise<KvV2VersionMetadata> {
    const body = options.cas === undefined ? { data } : { data, options: { cas: options.cas } };
    const res = await this.client.request<KvV2VersionMetadata>('PUT', join(this.mount, 'data', path), { body });
    return mustData(res?.data, `${this.mount}/data/${trimSlashes(path)}`);
  }

  /** Merges `data` into the current version (JSON merge patch) as a new version. */
  async patch(path: string, data: Record<string, unknown>, options: { cas?: number } = {}): Promise<KvV2VersionMetadata> {
    const body = options.cas === undefined ? { data } : { data, options: { cas: options.cas } };
    const res = await this.client.patch<KvV2VersionMetadata>(join(this.mount, 'data', path), body);
    return mustData(res?.data, `${this.mount}/data/${trimSlashes(path)}`);
  }

  /** Soft-deletes the latest version, or the given versions. */
  async delete(path: string, versions?: number[]): Promise<void> {
    if (versions === undefined) await this.client.delete(join(this.mount, 'data', path));
    else await this.client.request('POST', join(this.mount, 'delete', path), { body: { versions } });
  }

  async undelete(path: string, versions: number[]): Promise<void> {
    await this.client.request('POST', join(this.mount, 'undelete', path), { body: { versions } });
  }

  /** Removes the versions' data for good. */
  async destroy(path: string, versions: number[]): Promise<void> {
    await this.client.request('PUT', join(this.mount, 'destroy', path), { body: { versions } });
  }

  async readMetadata(path: string): Promise<KvV2Metadata | null> {
    const res = await this.client.read<KvV2Metadata>(join(this.mount, 'metadata', path));
    return res?.data ?? null;
  }

  async writeMetadata(path: string, metadata: KvV2MetadataInput): Promise<void> {
    await this.client.request('POST', join(this.mount, 'metadata', path), { body: metadata });
  }

  /** Deletes every version and the metadata of the key. */
  async deleteMetadata(path: string): Promise<void> {
    await this.client.delete(join(this.mount, 'metadata', path));
  }

  /** Keys under a folder (sub-folders end with "/"); [] when there are none. */
  async list(path = ''): Promise<string[]> {
    const res = await this.client.list(`${join(this.mount, 'metadata', path)}/`);
    return res?.data?.keys ?? [];
  }
}

export class KvV1 {
  readonly mount: string;

  constructor(
    private readonly client: Client,
    mount: string,
  ) {
    this.mount = trimSlashes(mount);
  }

  /** The secret's data; null when it does not exist. */
  async get<T = Record<string, unknown>>(path: string): Promise<T | null> {
    const res = await this.client.read<T>(join(this.mount, path));
    return res?.data ?? null;
  }

  async put(path: string, data: Record<string, unknown>): Promise<void> {
    await this.client.write(join(this.mount, path), data);
  }

  async delete(path: string): Promise<void> {
    await this.client.delete(join(this.mount, path));
  }

  async list(path = ''): Promise<string[]> {
    const res = await this.client.list(`${join(this.mount, path)}/`);
    return res?.data?.keys ?? [];
  }
}

export class KvApi {
  constructor(private readonly client: Client) {}

  v2(mount = 'secret'): KvV2 {
    return new KvV2(this.client, mount);
  }

  v1(mount: string): KvV1 {
    return new KvV1(this.client, mount);
  }

  kind(path: string): Promise<KvKind> {
    return kvKind(this.client, path);
  }
}

/**
 * Like the Vault CLI's kvPreflightVersionRequest (command/kv_helpers.go): 404 means a server
 * without the preflight endpoint, so version 1 is assumed; any other error (403 included) is
 * thrown; no `options.version`, or a version other than "2", means version 1.
 */
export async function kvKind(client: Client, path: string): Promise<KvKind> {
  const res = await client.rawRequest('GET', `sys/internal/ui/mounts/${trimSlashes(path)}`, { acceptStatus: [404] });
  if (res.status === 404) return { mount: '', version: 1 };
  const data = isRecord(res.body) ? res.body.data : undefined;
  if (!isRecord(data)) {
    throw new VaultError({ status: res.status, errors: ['no data in the answer of the KV version preflight request'], method: 'GET', path: `sys/internal/ui/mounts/${trimSlashes(path)}`, kind: 'invalid-response' });
  }
  const mount = typeof data.path === 'string' ? data.path : '';
  const options = isRecord(data.options) ? data.options : {};
  return { mount, version: options.version === '2' || options.version === 2 ? 2 : 1 };
}
