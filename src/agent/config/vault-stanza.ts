// Reads `vault { address, ca_cert, tls_skip_verify, retry { num_retries } }`.

import type { HclObject } from '../../hcl/index.js';
import { bool, checkKeys, fail, int, nonEmptyStr, singleBlock, type Site } from './read.js';
import type { VaultStanza } from './types.js';

export function readVault(site: Site, body: HclObject, at: string): VaultStanza {
  const what = 'vault';
  const tls = 'use ca_cert and a server certificate; client certificates are not supported yet';
  checkKeys(site, body, what, {
    supported: ['address', 'ca_cert', 'tls_skip_verify', 'retry'],
    ignored: ['namespace'],
    unsupported: { ca_path: 'put the CA certificates in one PEM file and use ca_cert', client_cert: tls, client_key: tls, tls_server_name: 'address the server by a name its certificate holds' },
  });
  const v: VaultStanza = { where: at };
  const address = nonEmptyStr(site, body, 'address', what);
  if (address !== undefined) {
    if (!/^https?:\/\/[^/]/.test(address)) fail(site, body, 'address', `vault.address must be a URL such as "https://vault.example.com:8200", not ${JSON.stringify(address)}`);
    v.address = address;
  }
  const ca = nonEmptyStr(site, body, 'ca_cert', what);
  if (ca !== undefined) v.caCert = ca;
  const skip = bool(site, body, 'tls_skip_verify', what);
  if (skip !== undefined) v.tlsSkipVerify = skip;
  const retry = singleBlock(site, body, 'retry', 'vault.retry');
  if (retry) {
    checkKeys(site, retry, 'vault.retry', { supported: ['num_retries'] });
    const n = int(site, retry, 'num_retries', 'vault.retry');
    if (n !== undefined) {
      if (n < -1) fail(site, retry, 'num_retries', 'vault.retry.num_retries must be -1 (no retries), 0 (the default, 12) or more');
      v.numRetries = n;
    }
  }
  return v;
}
