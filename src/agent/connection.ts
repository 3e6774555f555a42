// Where the agent connects, with Vault's precedence for each setting: command-line flag, then
// environment variable (VAULT_ADDR, VAULT_CACERT, VAULT_SKIP_VERIFY), then the `vault` stanza,
// then the default. (Vault's agent does the same: see its setStringFlag.) Retries: the stanza's
// retry.num_retries, where 0 means the default of 12 and -1 means none.

import { BOOL_SPELLINGS, parseBool } from '../lib/parse-bool.js';
import { DEFAULT_ADDRESS } from '../client/index.js';
import { DEFAULT_NUM_RETRIES, type VaultStanza } from './config/index.js';

export interface ConnectionFlags {
  address?: string;
  caCert?: string;
  tlsSkipVerify?: boolean;
}

export interface Connection {
  address: string;
  caCert?: string;
  tlsSkipVerify: boolean;
  /** How often a failing template fetch is retried. */
  numRetries: number;
  /** Where the address came from, for the startup log. */
  addressFrom: 'flag' | 'VAULT_ADDR' | 'config' | 'default';
}

/** An environment variable as Vault reads it (strconv.ParseBool; empty counts as unset, i.e. false). */
function envBool(name: string, v: string): boolean {
  const b = v === '' ? false : parseBool(v);
  if (b === undefined) throw new Error(`${name}=${JSON.stringify(v)} is not a boolean: use ${BOOL_SPELLINGS}`);
  return b;
}

export function resolveConnection(vault: VaultStanza, env: Readonly<Record<string, string | undefined>>, flags: ConnectionFlags = {}): Connection {
  let address: string;
  let addressFrom: Connection['addressFrom'];
  if (flags.address) [address, addressFrom] = [flags.address, 'flag'];
  else if (env.VAULT_ADDR) [address, addressFrom] = [env.VAULT_ADDR, 'VAULT_ADDR'];
  else if (vault.address) [address, addressFrom] = [vault.address, 'config'];
  else [address, addressFrom] = [DEFAULT_ADDRESS, 'default'];
  const c: Connection = {
    address,
    addressFrom,
    tlsSkipVerify: flags.tlsSkipVerify ?? (env.VAULT_SKIP_VERIFY !== undefined ? envBool('VAULT_SKIP_VERIFY', env.VAULT_SKIP_VERIFY) : (vault.tlsSkipVerify ?? false)),
    numRetries: vault.numRetries === undefined || vault.numRetries === 0 ? DEFAULT_NUM_RETRIES : Math.max(0, vault.numRetries),
  };
  const ca = flags.caCert || env.VAULT_CACERT || vault.caCert;
  if (ca) c.caCert = ca;
  return c;
}
