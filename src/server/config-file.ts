// Loads Vault's server configuration format (HCL v1 or JSON, one or more files or a directory):
// storage, listener "tcp", api_addr, TTLs, log_level, log_format. Keys Vault knows but Coffer doesn't use are
// accepted; anything else is an error that names the key and the file, with a suggestion.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseHclDocument, suggest, type HclDocument, type HclObject, type HclValue } from '../hcl/index.js';
import { BOOL_SPELLINGS, weakBool } from '../lib/parse-bool.js';
import { parseDurationSeconds } from './framework/duration.js';
import { parseHostPort, type ListenerConfig, type ServerConfig } from './config.js';

const IGNORED_VAULT_KEYS = new Set([
  'seal',
  'cluster_name',
  'disable_mlock',
  'plugin_directory',
  'plugin_file_uid',
  'plugin_file_permissions',
  'telemetry',
  'log_file',
  'log_rotate_duration',
  'log_rotate_bytes',
  'log_rotate_max_files',
  'default_max_request_duration',
  'raw_storage_endpoint',
  'ui',
  'pid_file',
  'enable_response_header_hostname',
  'enable_response_header_raft_node_id',
  'license_path',
  'service_registration',
  'user_lockout',
  'disable_performance_standby',
  'introspection_endpoint',
  'imprecise_lease_role_tracking',
  'experiments',
  'disable_sealwrap',
  'disable_printable_check',
  'disable_sentinel_trace',
  'cluster_cipher_suites',
  'entropy',
  'replication',
  'reporting',
  'administrative_namespace_path',
]);

const KNOWN_KEYS = new Set([
  'storage',
  'backend',
  'listener',
  'api_addr',
  'ha_storage',
  'cluster_addr',
  'disable_clustering',
  'default_lease_ttl',
  'max_lease_ttl',
  'log_level',
  'log_format',
  'cache_size',
  'disable_cache',
  'max_request_size',
  ...IGNORED_VAULT_KEYS,
]);

const LISTENER_KEYS = new Set([
  'address',
  'tls_cert_file',
  'tls_key_file',
  'tls_disable',
  'max_request_size',
  // accepted and ignored, as Vault has them
  'cluster_address',
  'tls_min_version',
  'tls_max_version',
  'tls_client_ca_file',
  'tls_require_and_verify_client_cert',
  'tls_disable_client_certs',
  'tls_cipher_suites',
  'proxy_protocol_behavior',
  'x_forwarded_for_authorized_addrs',
  'telemetry',
  'http_read_timeout',
  'http_write_timeout',
  'http_idle_timeout',
  'http_read_header_timeout',
  'max_request_duration',
  'unauthenticated_metrics_access',
  'profiling',
  'inflight_requests_logging',
  'custom_response_headers',
  'redact_addresses',
  'redact_cluster_name',
  'redact_version',
]);

function isObject(v: HclValue | undefined): v is HclObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Labeled blocks (`storage "sqlite" { ... }`) in either of HCL1's shapes: a list of objects or an object. */
export function labeledBlocks(v: HclValue | undefined): { label: string; body: HclObject }[] {
  const out: { label: string; body: HclObject }[] = [];
  const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
  for (const item of items) {
    if (!isObject(item)) continue;
    for (const [label, body] of Object.entries(item)) {
      const bodies = Array.isArray(body) ? body : [body];
      for (const b of bodies) if (isObject(b)) out.push({ label, body: b });
    }
  }
  return out;
}

function scalar(file: string, key: string, v: HclValue | undefined): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) {
    if (v.length === 1 && !isObject(v[0])) return scalar(file, key, v[0]);
    throw new Error(`${file}: "${key}" must be a single value`);
  }
  if (isObject(v)) throw new Error(`${file}: "${key}" must be a value, not a block`);
  return String(v);
}

/** As Vault's parseutil.ParseBool: true/false, a number (non-zero is true), a ParseBool string, "" as false. */
function bool(file: string, key: string, v: HclValue | undefined): boolean {
  if (v === undefined) return false;
  const b = weakBool(Array.isArray(v) && v.length === 1 ? v[0] : v);
  if (b === undefined) throw new Error(`${file}: "${key}" must be ${BOOL_SPELLINGS}, not ${JSON.stringify(scalar(file, key, v)).slice(0, 60)}`);
  return b;
}

function duration(file: string, key: string, v: HclValue | undefined): number {
  try {
    return v === undefined ? 0 : parseDurationSeconds(typeof v === 'number' ? v : scalar(file, key, v));
  } catch (e) {
    throw new Error(`${file}: ${key}: ${(e as Error).message}`);
  }
}

function parseListener(doc: HclDocument, file: string, body: HclObject): ListenerConfig {
  for (const k of Object.keys(body)) {
    if (!LISTENER_KEYS.has(k)) throw new Error(`${doc.where(body, k)}: unknown key "${k}" in listener "tcp"${suggest(k, LISTENER_KEYS)}`);
  }
  const { host, port } = parseHostPort(scalar(file, 'address', body.address) || '127.0.0.1:8200');
  const tlsDisable = bool(file, 'tls_disable', body.tls_disable);
  const tlsCertFile = scalar(file, 'tls_cert_file', body.tls_cert_file);
  const tlsKeyFile = scalar(file, 'tls_key_file', body.tls_key_file);
  if (!tlsDisable && (!tlsCertFile || !tlsKeyFile)) {
    throw new Error(`${file}: listener "tcp" needs tls_cert_file and tls_key_file, or tls_disable = true`);
  }
  return { host, port, tlsDisable, tlsCertFile, tlsKeyFile };
}

function configFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new Error(`cannot read configuration file ${p}: no such file or directory`);
    }
    if (st.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (/\.(hcl|json)$/.test(f)) out.push(join(p, f));
    } else out.push(p);
  }
  if (out.length === 0) throw new Error(`no .hcl or .json configuration files in ${paths.join(', ')}`);
  return out;
}

/** Reads and merges one or more config files or directories (later files win, as in Vault). */
export function loadServerConfig(paths: string[]): ServerConfig {
  const config: ServerConfig = {
    storage: { type: 'sqlite', config: { path: 'coffer-data/coffer.db' } },
    listeners: [],
    apiAddr: '',
    defaultLeaseTtl: 0,
    maxLeaseTtl: 0,
    logLevel: 'info',
    logFormat: 'standard',
    disableCache: false,
    cacheSize: 131072,
    maxRequestSize: 32 * 1024 * 1024,
  };
  for (const file of configFiles(paths)) {
    const text = readFileSync(file, 'utf8');
    const parsed = parseHclDocument(text, { filename: file });
    const doc = parsed.value;
    for (const key of Object.keys(doc)) {
      if (!KNOWN_KEYS.has(key)) throw new Error(`${parsed.where(doc, key)}: unknown key "${key}"${suggest(key, KNOWN_KEYS)}`);
    }
    const storage = labeledBlocks(doc.storage ?? doc.backend);
    if (storage.length > 1) throw new Error(`${file}: only one storage block is allowed`);
    if (storage[0]) {
      const cfg: Record<string, string> = {};
      for (const [k, v] of Object.entries(storage[0].body)) cfg[k] = scalar(file, `storage.${k}`, v);
      config.storage = { type: storage[0].label, config: cfg };
    }
    const haStorage = labeledBlocks(doc.ha_storage);
    if (haStorage.length > 1) throw new Error(`${file}: only one ha_storage block is allowed`);
    if (haStorage[0]) {
      const cfg: Record<string, string> = {};
      for (const [k, v] of Object.entries(haStorage[0].body)) cfg[k] = scalar(file, `ha_storage.${k}`, v);
      config.haStorage = { type: haStorage[0].label, config: cfg };
    }
    if (doc.cluster_addr !== undefined) config.clusterAddr = scalar(file, 'cluster_addr', doc.cluster_addr);
    if (doc.disable_clustering !== undefined) config.disableClustering = bool(file, 'disable_clustering', doc.disable_clustering);
    for (const l of labeledBlocks(doc.listener)) {
      if (l.label !== 'tcp') throw new Error(`${file}: listener "${l.label}" is not supported: use listener "tcp"`);
      config.listeners.push(parseListener(parsed, file, l.body));
    }
    if (doc.api_addr !== undefined) config.apiAddr = scalar(file, 'api_addr', doc.api_addr);
    if (doc.default_lease_ttl !== undefined) config.defaultLeaseTtl = duration(file, 'default_lease_ttl', doc.default_lease_ttl);
    if (doc.max_lease_ttl !== undefined) config.maxLeaseTtl = duration(file, 'max_lease_ttl', doc.max_lease_ttl);
    if (doc.log_level !== undefined) config.logLevel = scalar(file, 'log_level', doc.log_level).toLowerCase();
    if (doc.log_format !== undefined) config.logFormat = scalar(file, 'log_format', doc.log_format).toLowerCase();
    if (doc.disable_cache !== undefined) config.disableCache = bool(file, 'disable_cache', doc.disable_cache);
    if (doc.cache_size !== undefined) config.cacheSize = Number(scalar(file, 'cache_size', doc.cache_size));
  }
  if (!['trace', 'debug', 'info', 'warn', 'error'].includes(config.logLevel)) {
    throw new Error(`log_level "${config.logLevel}" is not one of trace, debug, info, warn, error`);
  }
  if (!['standard', 'json'].includes(config.logFormat)) throw new Error(`log_format "${config.logFormat}" is not one of standard, json`);
  if (config.listeners.length === 0) throw new Error('no listener configured: add listener "tcp" { address = "127.0.0.1:8200" ... }');
  if (config.maxLeaseTtl > 0 && config.defaultLeaseTtl > config.maxLeaseTtl) throw new Error('default_lease_ttl cannot be larger than max_lease_ttl');
  return config;
}
