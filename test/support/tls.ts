// Makes a throwaway CA and a server certificate for 127.0.0.1/localhost with the openssl CLI, so
// tests run real TLS with verification against a CA (never with verification turned off).

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
}

export function makeTestPki(dir: string, cn = '127.0.0.1'): TestPki {
  const f = (n: string): string => join(dir, n);
  const run = (args: string[]): void => void execFileSync('openssl', args, { stdio: 'pipe' });
  run(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=Coffer Test CA', '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  run(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', `/CN=${cn}`, '-keyout', f('server.key'), '-out', f('server.csr')]);
  writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f('ext.cnf'), '-out', f('server.pem')]);
  return { caFile: f('ca.pem'), certFile: f('server.pem'), keyFile: f('server.key'), ca: readFileSync(f('ca.pem'), 'utf8') };
}
