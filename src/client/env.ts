// Reads the client's defaults from the environment, with the Vault CLI's variable names:
// VAULT_ADDR, VAULT_TOKEN, VAULT_CACERT (a PEM file), VAULT_SKIP_VERIFY, VAULT_MAX_RETRIES,
// VAULT_CLIENT_TIMEOUT. Booleans and durations are parsed as Go parses them.

import { BOOL_SPELLINGS, parseBool as goParseBool } from '../lib/parse-bool.js';

export const DEFAULT_ADDRESS = 'http://127.0.0.1:8200';

export interface EnvConfig {
  address?: string;
  token?: string;
  /** Path of a PEM file (VAULT_CACERT). */
  caCertFile?: string;
  tlsSkipVerify?: boolean;
  retries?: number;
  timeoutMs?: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** An environment variable through Go's strconv.ParseBool. */
export function parseBool(name: string, v: string): boolean {
  const b = goParseBool(v);
  if (b === undefined) throw new Error(`could not parse ${name}=${JSON.stringify(v)}: use ${BOOL_SPELLINGS}`);
  return b;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds: seconds as a bare number ("30"), or Go syntax ("1m30s", "500ms"). */
export function parseDurationMs(name: string, v: string): number {
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  if (s === '' || end !== s.length) throw new Error(`could not parse ${name}=${JSON.stringify(v)}: use seconds or a duration such as "30s" or "1m"`);
  return total;
}

export function configFromEnv(env: Env = process.env): EnvConfig {
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v === '' ? undefined : v;
  };
  const out: EnvConfig = {};
  const addr = get('VAULT_ADDR');
  if (addr) out.address = addr;
  const token = get('VAULT_TOKEN');
  if (token) out.token = token.trim();
  const ca = get('VAULT_CACERT');
  if (ca) out.caCertFile = ca;
  const skip = get('VAULT_SKIP_VERIFY');
  if (skip) out.tlsSkipVerify = parseBool('VAULT_SKIP_VERIFY', skip);
  const retries = get('VAULT_MAX_RETRIES');
  if (retries) {
    if (!/^\d+$/.test(retries)) throw new Error(`could not parse VAULT_MAX_RETRIES=${JSON.stringify(retries)}: use a whole number`);
    out.retries = Number(retries);
  }
  const timeout = get('VAULT_CLIENT_TIMEOUT');
  if (timeout) out.timeoutMs = parseDurationMs('VAULT_CLIENT_TIMEOUT', timeout);
  return out;
}
