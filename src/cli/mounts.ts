// What `secrets` and `auth` share: the mount flags Vault's CLI has for enable and tune, the request
// body they make (only the flags given are sent), and the list tables (simple and -detailed).

import type { Context } from './base.js';
import type { FlagSpec } from './flags.js';
import { isObject, type Json, type JsonObject } from './http.js';
import { goString, outputData, tableOutput } from './output.js';

export const MOUNT_TUNE_FLAGS: Record<string, FlagSpec> = {
  description: { type: 'string', default: '', usage: 'Human-friendly description for the purpose of this mount.' },
  'default-lease-ttl': { type: 'string', default: '', usage: 'The default lease TTL for this mount. If unspecified, this defaults to the server\'s globally configured default lease TTL.' },
  'max-lease-ttl': { type: 'string', default: '', usage: 'The maximum lease TTL for this mount. If unspecified, this defaults to the server\'s globally configured maximum lease TTL.' },
  'audit-non-hmac-request-keys': { type: 'strings', usage: 'Key that will not be HMAC\'d by audit devices in the request data object. To specify multiple values, specify this flag multiple times.' },
  'audit-non-hmac-response-keys': { type: 'strings', usage: 'Key that will not be HMAC\'d by audit devices in the response data object. To specify multiple values, specify this flag multiple times.' },
  'listing-visibility': { type: 'string', default: '', usage: 'Determines the visibility of the mount in the UI-specific listing endpoint ("unauth" or "hidden").' },
  'passthrough-request-headers': { type: 'strings', usage: 'Request header value that will be sent to the plugin. To specify multiple values, specify this flag multiple times.' },
  'allowed-response-headers': { type: 'strings', usage: 'Response header value that plugins will be allowed to set. To specify multiple values, specify this flag multiple times.' },
  options: { type: 'map', usage: 'Key-value pair provided as key=value for the mount options. This can be specified multiple times.' },
  'plugin-version': { type: 'string', default: '', usage: 'Select the semantic version of the plugin to run.' },
};

export const MOUNT_ENABLE_FLAGS: Record<string, FlagSpec> = {
  path: { type: 'string', default: '', usage: 'Place where the mount will be accessible. This must be unique across all mounts. This defaults to the "type" of the mount.' },
  ...MOUNT_TUNE_FLAGS,
  'force-no-cache': { type: 'bool', default: false, usage: 'Force the mount to automatically disable caching.' },
  local: { type: 'bool', default: false, usage: 'Mark the mount as a local-only mount. Local mounts are not replicated nor (if a secrets engine) removed by replication.' },
  'seal-wrap': { type: 'bool', default: false, usage: 'Enable seal wrapping of critical values in the secrets engine.' },
  'external-entropy-access': { type: 'bool', default: false, usage: 'Enable secrets engine to access external entropy source.' },
};

/** Path given by the user (or the type), without slashes at the edges. */
export function mountPath(p: string): string {
  return p.trim().replace(/^\/+|\/+$/g, '');
}

/** The `config` block and top-level fields of an enable or tune request, from the flags given. */
export function mountBody(c: Context, tune: boolean): JsonObject {
  const config: JsonObject = {};
  const body: JsonObject = {};
  const str = (flag: string, key: string, into: JsonObject): void => {
    if (c.given(flag)) into[key] = c.str(flag);
  };
  const list = (flag: string, key: string): void => {
    const v = c.flags[flag];
    if (c.given(flag) && Array.isArray(v)) config[key] = v.flatMap((x) => x.split(',').map((y) => y.trim()).filter(Boolean));
  };
  str('default-lease-ttl', 'default_lease_ttl', tune ? body : config);
  str('max-lease-ttl', 'max_lease_ttl', tune ? body : config);
  str('listing-visibility', 'listing_visibility', tune ? body : config);
  str('description', 'description', body);
  str('plugin-version', 'plugin_version', tune ? body : config);
  list('audit-non-hmac-request-keys', 'audit_non_hmac_request_keys');
  list('audit-non-hmac-response-keys', 'audit_non_hmac_response_keys');
  list('passthrough-request-headers', 'passthrough_request_headers');
  list('allowed-response-headers', 'allowed_response_headers');
  if (c.given('token-type')) (tune ? body : config).token_type = c.str('token-type');
  if (!tune) {
    if (c.given('force-no-cache')) config.force_no_cache = c.bool('force-no-cache');
    if (c.given('local')) body.local = c.bool('local');
    if (c.given('seal-wrap')) body.seal_wrap = c.bool('seal-wrap');
    if (c.given('external-entropy-access')) body.external_entropy_access = c.bool('external-entropy-access');
  }
  if (tune) Object.assign(body, config);
  else if (Object.keys(config).length > 0) body.config = config;
  const options: JsonObject = { ...(c.flags.options as Record<string, string>) };
  if (c.given('version')) options.version = String(c.flags.version);
  if (Object.keys(options).length > 0) body.options = options;
  return body;
}

const s = (v: Json | undefined): string => (v === undefined || v === null ? '' : goString(v));

function ttl(type: string, v: Json | undefined): string {
  if (type === 'system' || type === 'cubbyhole') return '';
  return typeof v === 'number' && v !== 0 ? String(v) : 'system';
}

/** `secrets list` / `auth list`: a table of the mounts (or the data as JSON/YAML). */
export function outputMounts(c: Context, data: JsonObject, kind: 'secrets' | 'auth'): number {
  if (c.format !== 'table') return outputData(c.ui, c.format, data);
  const paths = Object.keys(data).sort();
  const mounts = paths.map((p) => [p, isObject(data[p]) ? data[p] : {}] as const);
  if (!c.bool('detailed')) {
    c.ui.out(tableOutput([['Path', 'Type', 'Accessor', 'Description'], ...mounts.map(([p, m]) => [p, s(m.type), s(m.accessor), s(m.description)])]));
    return 0;
  }
  const head = kind === 'secrets'
    ? ['Path', 'Plugin', 'Accessor', 'Default TTL', 'Max TTL', 'Force No Cache', 'Replication', 'Seal Wrap', 'External Entropy Access', 'Options', 'Description', 'UUID', 'Version']
    : ['Path', 'Plugin', 'Accessor', 'Default TTL', 'Max TTL', 'Token Type', 'Replication', 'Seal Wrap', 'External Entropy Access', 'Options', 'Description', 'UUID', 'Version'];
  const rows = mounts.map(([p, m]) => {
    const cfg = isObject(m.config) ? m.config : {};
    const type = s(m.type);
    const opts = isObject(m.options) ? m.options : {};
    return [
      p,
      type,
      s(m.accessor),
      ttl(type, cfg.default_lease_ttl),
      ttl(type, cfg.max_lease_ttl),
      kind === 'secrets' ? s(cfg.force_no_cache ?? false) : s(cfg.token_type),
      m.local === true ? 'local' : 'replicated',
      s(m.seal_wrap ?? false),
      s(m.external_entropy_access ?? false),
      goString(opts),
      s(m.description),
      s(m.uuid),
      s(m.running_plugin_version ?? m.plugin_version),
    ];
  });
  c.ui.out(tableOutput([head, ...rows]));
  return 0;
}
