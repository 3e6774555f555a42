// Where the CLI's settings come from, as in Vault's CLI: flags first, then VAULT_ADDR, VAULT_TOKEN,
// VAULT_CACERT, VAULT_CAPATH, VAULT_SKIP_VERIFY, VAULT_CLIENT_TIMEOUT, VAULT_NAMESPACE, VAULT_WRAP_TTL, VAULT_FORMAT; and the
// token helper: the token kept in ~/.vault-token (mode 0600) when VAULT_TOKEN is not set. The
// shared client (src/client) reads VAULT_ADDR, VAULT_CACERT, VAULT_SKIP_VERIFY, VAULT_CLIENT_TIMEOUT
// and VAULT_MAX_RETRIES itself; this file adds the flags, the token helper and the rest.

import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ADDRESS } from '../client/index.js';
import type { FlagSpec, FlagValue } from './flags.js';


export const HTTP_FLAGS: Record<string, FlagSpec> = {
  address: { type: 'string', default: '', usage: `Address of the Coffer server. The default is ${DEFAULT_ADDRESS}. This can also be specified via the VAULT_ADDR environment variable.` },
  'ca-cert': { type: 'string', default: '', usage: 'Path on the local disk to a single PEM-encoded CA certificate to verify the server\'s SSL certificate. This takes precedence over -ca-path. This can also be specified via the VAULT_CACERT environment variable.' },
  'ca-path': { type: 'string', default: '', usage: 'Path on the local disk to a directory of PEM-encoded CA certificates to verify the server\'s SSL certificate. This can also be specified via the VAULT_CAPATH environment variable.' },
  'tls-skip-verify': { type: 'bool', default: false, usage: 'Disable verification of TLS certificates. Using this option is highly discouraged as it decreases the security of data transmissions to and from the server. This can also be specified via the VAULT_SKIP_VERIFY environment variable.' },
  header: { type: 'map', usage: 'Key-value pair provided as key=value to provide http header added to any request done by the CLI. Trying to add headers starting with \'X-Vault-\' is forbidden and will make the command fail. This can be specified multiple times.' },
  namespace: { type: 'string', default: '', usage: 'The namespace to use for the command (sent as X-Vault-Namespace). This can also be specified via the VAULT_NAMESPACE environment variable.' },
  'wrap-ttl': { type: 'string', default: '', usage: 'Wraps the response in a cubbyhole token with the requested TTL. The response is available via the "coffer unwrap" command. The TTL is specified as a numeric string with suffix like "30s" or "5m". This can also be specified via the VAULT_WRAP_TTL environment variable.' },
  'non-interactive': { type: 'bool', default: false, usage: 'When set true, prevents asking the user for input via the terminal.' },
};

export type Format = 'table' | 'json' | 'yaml';

export const FORMAT_FLAG: Record<string, FlagSpec> = {
  format: { type: 'string', default: '', usage: 'Print the output in the given format. Valid formats are "table", "json" and "yaml". The default is table. This can also be specified via the VAULT_FORMAT environment variable.' },
};

export const FIELD_FLAG: Record<string, FlagSpec> = {
  field: { type: 'string', default: '', usage: 'Print only the field with the given name. Specifying this option will take precedence over other formatting directives. The result will not have a trailing newline making it ideal for piping to other processes.' },
};

export const DETAILED_FLAG: Record<string, FlagSpec> = {
  detailed: { type: 'bool', default: false, usage: 'Print detailed information such as TTLs and replication status about each entry.' },
};

export type Env = Readonly<Record<string, string | undefined>>;

export class LocalError extends Error {}

/** What the flags (and the token helper) add to the shared client's own environment defaults. */
export interface ClientSettings {
  /** -address; unset: the client reads VAULT_ADDR, else its default. */
  address?: string;
  /** VAULT_TOKEN, else the token helper's file. */
  token: string | undefined;
  /** -ca-cert (a file); unset: the client reads VAULT_CACERT. */
  caCert?: string;
  /** -ca-path or VAULT_CAPATH (a directory of PEM files), when no CA file is given. */
  caPath?: string;
  /** -tls-skip-verify; unset: the client reads VAULT_SKIP_VERIFY. */
  tlsSkipVerify?: boolean;
  headers: Record<string, string>;
  wrapTtl?: string;
}

const envOf = (env: Env, k: string): string | undefined => {
  const v = env[k];
  return v === undefined || v === '' ? undefined : v;
};

export function clientSettings(flags: Record<string, FlagValue>, env: Env): ClientSettings {
  const flag = (k: string): string | undefined => {
    const v = flags[k];
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const headers: Record<string, string> = {};
  const given = flags.header;
  if (given && typeof given === 'object' && !Array.isArray(given)) {
    for (const [k, v] of Object.entries(given)) {
      if (k.toLowerCase().startsWith('x-vault-')) throw new LocalError(`Failed to set custom header "${k}": headers starting with X-Vault- are reserved`);
      headers[k] = v;
    }
  }
  const ns = flag('namespace') ?? envOf(env, 'VAULT_NAMESPACE');
  if (ns) headers['X-Vault-Namespace'] = ns;
  const s: ClientSettings = { token: resolveToken(env), headers };
  const address = flag('address');
  if (address) s.address = address;
  if (flags['tls-skip-verify'] === true) s.tlsSkipVerify = true;
  const caCert = flag('ca-cert');
  const caPath = flag('ca-path') ?? (envOf(env, 'VAULT_CACERT') ? undefined : envOf(env, 'VAULT_CAPATH'));
  if (caCert) s.caCert = caCert;
  else if (caPath) s.caPath = caPath;
  const wrap = flag('wrap-ttl') ?? envOf(env, 'VAULT_WRAP_TTL');
  if (wrap) s.wrapTtl = wrap;
  return s;
}

export function outputFormat(flags: Record<string, FlagValue>, env: Env): Format {
  const f = (typeof flags.format === 'string' && flags.format !== '' ? flags.format : envOf(env, 'VAULT_FORMAT') ?? 'table').toLowerCase();
  if (f === 'table' || f === 'json' || f === 'yaml') return f;
  if (f === 'yml') return 'yaml';
  throw new LocalError(`Invalid output format: ${f}`);
}

/** VAULT_TOKEN, else the token helper's file. */
export function resolveToken(env: Env): string | undefined {
  const t = envOf(env, 'VAULT_TOKEN');
  if (t !== undefined) return t.trim();
  return tokenHelper.get();
}

/** Vault's default token helper: one file, ~/.vault-token, readable only by its owner. */
export const tokenHelper = {
  path(): string {
    return join(homedir(), '.vault-token');
  },
  get(): string | undefined {
    try {
      const t = readFileSync(this.path(), 'utf8').trim();
      return t === '' ? undefined : t;
    } catch {
      return undefined;
    }
  },
  store(token: string): void {
    const p = this.path();
    writeFileSync(p, token, { mode: 0o600 });
    chmodSync(p, 0o600);
  },
  erase(): void {
    rmSync(this.path(), { force: true });
  },
};
