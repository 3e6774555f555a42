// Reads the API proxy's stanzas: `listener "tcp" { ... }`, `api_proxy { use_auto_auth_token }`
// (and Vault's older `cache { use_auto_auth_token }`), and Coffer's `readiness { file, address }`.

import type { HclObject } from '../../hcl/index.js';
import { bool, checkKeys, ConfigError, fail, labeledBlocks, nonEmptyStr, str, type Site } from './read.js';
import type { ApiProxyConfig, ListenerConfig, ReadinessConfig } from './types.js';

export function readListeners(site: Site, doc: HclObject): ListenerConfig[] {
  const out: ListenerConfig[] = [];
  for (const { label, body, where: at } of labeledBlocks(site, doc, 'listener', 'listener', 'type')) {
    const what = `listener "${label}"`;
    if (label !== 'tcp') throw new ConfigError(`${at}: ${what} is not supported by Coffer's agent: use listener "tcp"`);
    checkKeys(site, body, what, {
      supported: ['type', 'address', 'tls_disable', 'tls_cert_file', 'tls_key_file', 'require_request_header'],
      ignored: ['tls_min_version', 'tls_max_version', 'tls_cipher_suites', 'proxy_protocol_behavior', 'x_forwarded_for_authorized_addrs'],
      unsupported: {
        role: 'every Coffer agent listener is a "default" listener',
        agent_api: "Coffer's agent has no agent API (/agent/v1/quit); stop it with a signal",
        tls_client_ca_file: 'client certificates are not checked',
        tls_require_and_verify_client_cert: 'client certificates are not checked',
      },
    });
    const l: ListenerConfig = {
      type: 'tcp',
      address: str(site, body, 'address', what) ?? '127.0.0.1:8200',
      tlsDisable: bool(site, body, 'tls_disable', what) ?? false,
      requireRequestHeader: bool(site, body, 'require_request_header', what) ?? false,
      where: at,
    };
    const cert = nonEmptyStr(site, body, 'tls_cert_file', what);
    const key = nonEmptyStr(site, body, 'tls_key_file', what);
    if (cert) l.tlsCertFile = cert;
    if (key) l.tlsKeyFile = key;
    if (!l.tlsDisable && (!cert || !key)) {
      throw new ConfigError(`${at}: ${what} needs tls_cert_file and tls_key_file, or tls_disable = true (plain HTTP, for a listener on localhost inside the pod)`);
    }
    out.push(l);
  }
  return out;
}

function useAutoAuthToken(site: Site, body: HclObject, what: string): boolean | 'force' {
  const v = str(site, body, 'use_auto_auth_token', what);
  if (v !== undefined && v.toLowerCase() === 'force') return 'force';
  return bool(site, body, 'use_auto_auth_token', what) ?? false;
}

export function readApiProxy(site: Site, body: HclObject, at: string): ApiProxyConfig {
  const what = 'api_proxy';
  checkKeys(site, body, what, { supported: ['use_auto_auth_token'], ignored: ['enforce_consistency', 'when_inconsistent'] });
  return { useAutoAuthToken: useAutoAuthToken(site, body, what), where: at };
}

/** Vault's deprecated `cache { use_auto_auth_token = true }`: Coffer proxies without caching. */
export function readCache(site: Site, body: HclObject, at: string): ApiProxyConfig | undefined {
  const what = 'cache';
  checkKeys(site, body, what, {
    supported: ['use_auto_auth_token'],
    ignored: ['enforce_consistency', 'when_inconsistent', 'cache_static_secrets', 'disable_caching_dynamic_secrets', 'static_secret_token_capability_refresh_interval'],
    unsupported: { persist: 'Coffer does not persist a lease cache' },
  });
  site.warnings.push(`${at}: cache: Coffer's agent does not cache; requests are proxied (use api_proxy { use_auto_auth_token = true } instead)`);
  if (body.use_auto_auth_token === undefined) return undefined;
  return { useAutoAuthToken: useAutoAuthToken(site, body, what), where: at };
}

export function readReadiness(site: Site, body: HclObject, at: string): ReadinessConfig {
  const what = 'readiness';
  checkKeys(site, body, what, { supported: ['file', 'address'] });
  const r: ReadinessConfig = { where: at };
  const file = nonEmptyStr(site, body, 'file', what);
  const address = nonEmptyStr(site, body, 'address', what);
  if (file) r.file = file;
  if (address) r.address = address;
  if (!file && !address) fail(site, body, Object.keys(body)[0] ?? 'file', 'readiness needs file = "/path/ready" and/or address = "127.0.0.1:8201"');
  return r;
}
