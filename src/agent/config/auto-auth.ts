// Reads `auto_auth { method "<type>" { ... } sink "file" { ... } }`: the method's common fields,
// its type-specific `config = { ... }` (checked per type, so a typo in `role` is caught at load),
// and the file sinks.

import type { HclObject } from '../../hcl/index.js';
import { blockWhere, bool, checkKeys, ConfigError, durationMs, fail, fileMode, int, labeledBlocks, nonEmptyStr, objectValue, str, type Site } from './read.js';
import { DEFAULT_MAX_BACKOFF_MS, DEFAULT_MIN_BACKOFF_MS, DEFAULT_SINK_MODE, type AuthMethodType, type AutoAuthConfig, type MethodConfig, type SinkConfig } from './types.js';

interface MethodSpec {
  required: readonly string[];
  optional: readonly string[];
  unsupported?: Readonly<Record<string, string>>;
}

const METHODS: Readonly<Record<AuthMethodType, MethodSpec>> = {
  kubernetes: { required: ['role'], optional: ['token_path'] },
  approle: {
    required: ['role_id_file_path'],
    optional: ['secret_id_file_path', 'remove_secret_id_file_after_reading'],
    unsupported: { secret_id_response_wrapping_path: 'give the agent an unwrapped secret ID file' },
  },
  token_file: { required: ['token_file_path'], optional: [] },
};

const VAULT_ONLY_METHODS = ['alicloud', 'aws', 'azure', 'cert', 'cf', 'gcp', 'jwt', 'kerberos', 'ldap', 'oci', 'pcf'];

function isMethodType(s: string): s is AuthMethodType {
  return Object.prototype.hasOwnProperty.call(METHODS, s);
}

function methodConfig(site: Site, body: HclObject, type: AuthMethodType, what: string, whereMethod: string): Record<string, string | number | boolean> {
  const spec = METHODS[type];
  const cfg = objectValue(site, body, 'config', what) ?? {};
  const cwhat = `${what}.config`;
  checkKeys(site, cfg, cwhat, { supported: [...spec.required, ...spec.optional], unsupported: spec.unsupported });
  const out: Record<string, string | number | boolean> = {};
  for (const k of Object.keys(cfg)) {
    const v = k === 'remove_secret_id_file_after_reading' ? bool(site, cfg, k, cwhat) : nonEmptyStr(site, cfg, k, cwhat);
    if (v !== undefined) out[k] = v;
  }
  for (const k of spec.required) {
    if (out[k] === undefined) {
      const at = Object.keys(cfg).length > 0 ? site.doc.where(cfg, Object.keys(cfg)[0]!) : body.config !== undefined ? site.doc.where(body, 'config') : whereMethod;
      throw new ConfigError(`${at}: ${cwhat}.${k} is required for the ${type} method`);
    }
  }
  return out;
}

function readMethod(site: Site, aa: HclObject): MethodConfig {
  const list = labeledBlocks(site, aa, 'method', 'auto_auth.method', 'type');
  if (list.length === 0) fail(site, aa, Object.keys(aa)[0] ?? 'method', 'auto_auth needs exactly one method block, e.g. method "kubernetes" { config = { role = "my-role" } }');
  if (list.length > 1) fail(site, aa, 'method', 'auto_auth has more than one method block; only one is allowed');
  const { label, body, where: at } = list[0]!;
  const type = label.toLowerCase();
  const what = `auto_auth.method "${type}"`;
  if (!isMethodType(type)) {
    const known = Object.keys(METHODS).join(', ');
    const msg = VAULT_ONLY_METHODS.includes(type) ? `is not supported by Coffer's agent (supported: ${known})` : `is not a known auth method (supported: ${known})`;
    throw new ConfigError(`${at}: auto_auth.method "${label}" ${msg}`);
  }
  checkKeys(site, body, what, {
    supported: ['type', 'mount_path', 'namespace', 'wrap_ttl', 'min_backoff', 'max_backoff', 'exit_on_err', 'config'],
  });
  let mountPath = (str(site, body, 'mount_path', what) ?? `auth/${type}`).replace(/^\/+|\/+$/g, '');
  if (!mountPath.startsWith('auth/') || mountPath === 'auth/') {
    fail(site, body, 'mount_path', `${what}.mount_path must be the full path of the auth mount, such as "auth/${mountPath || type}"`);
  }
  mountPath = mountPath.replace(/\/+/g, '/');
  const namespace = str(site, body, 'namespace', what);
  if (namespace) site.warnings.push(`${site.doc.where(body, 'namespace')}: ${what}.namespace: Coffer has no namespaces; the setting is ignored`);
  const wrapMs = durationMs(site, body, 'wrap_ttl', what);
  const minBackoffMs = durationMs(site, body, 'min_backoff', what) || DEFAULT_MIN_BACKOFF_MS;
  const maxBackoffMs = durationMs(site, body, 'max_backoff', what) || DEFAULT_MAX_BACKOFF_MS;
  if (minBackoffMs > maxBackoffMs) fail(site, body, body.min_backoff !== undefined ? 'min_backoff' : 'max_backoff', `${what}: min_backoff (${minBackoffMs} ms) is larger than max_backoff (${maxBackoffMs} ms)`);
  const m: MethodConfig = {
    type,
    mountPath,
    minBackoffMs,
    maxBackoffMs,
    config: methodConfig(site, body, type, what, at),
    where: at,
  };
  if (namespace) m.namespace = namespace;
  if (wrapMs) m.wrapTtlSec = Math.ceil(wrapMs / 1000);
  const exitOnErr = bool(site, body, 'exit_on_err', what);
  if (exitOnErr !== undefined) m.exitOnErr = exitOnErr;
  return m;
}

function readSinks(site: Site, aa: HclObject): SinkConfig[] {
  const out: SinkConfig[] = [];
  for (const { label, body, where: at } of labeledBlocks(site, aa, 'sink', 'auto_auth.sink', 'type')) {
    const what = `auto_auth.sink "${label}"`;
    if (label !== 'file') {
      throw new ConfigError(`${at}: ${what}: only "file" sinks exist`);
    }
    const unsupported = 'Coffer writes the plain (or response-wrapped) token only';
    checkKeys(site, body, what, { supported: ['type', 'config', 'wrap_ttl'], unsupported: { dh_type: unsupported, dh_path: unsupported, derive_key: unsupported, aad: unsupported, aad_env_var: unsupported } });
    const cfg = objectValue(site, body, 'config', what);
    if (!cfg) fail(site, body, Object.keys(body)[0] ?? 'config', `${what} needs config = { path = "/home/vault/.vault-token" }`);
    const cwhat = `${what}.config`;
    checkKeys(site, cfg, cwhat, { supported: ['path', 'mode', 'uid', 'gid'] });
    const path = nonEmptyStr(site, cfg, 'path', cwhat);
    if (path === undefined) fail(site, body, 'config', `${cwhat}.path is required`);
    const sink: SinkConfig = { type: 'file', path, mode: fileMode(site, cfg, 'mode', cwhat) ?? DEFAULT_SINK_MODE, where: blockWhere(site, body, 'config', cfg) };
    const uid = int(site, cfg, 'uid', cwhat);
    const gid = int(site, cfg, 'gid', cwhat);
    if (uid !== undefined) sink.uid = uid;
    if (gid !== undefined) sink.gid = gid;
    const wrapMs = durationMs(site, body, 'wrap_ttl', what);
    if (wrapMs) sink.wrapTtlSec = Math.ceil(wrapMs / 1000);
    out.push(sink);
  }
  return out;
}

export function readAutoAuth(site: Site, aa: HclObject, aaWhere: string): AutoAuthConfig {
  checkKeys(site, aa, 'auto_auth', { supported: ['method', 'sink'], ignored: ['enable_reauth_on_new_credentials'] });
  return { method: readMethod(site, aa), sinks: readSinks(site, aa), where: aaWhere };
}
