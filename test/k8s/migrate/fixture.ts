// The migration fixture repository (test/fixtures/migrate/repo) for the tests: its files, the
// options the tests plan with, and every secret value in it (none may ever be printed).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { InputFile, MigrateOptions } from '../../../src/k8s/migrate/index.js';

export const FIXTURE = resolve(import.meta.dirname, '../../../../test/fixtures/migrate/repo');

/** Every value of every Secret in the fixture; none may appear in any output. */
export const VALUES = [
  'db-user-7Qx',
  'Pa55-db-Zk9w!',
  'pk_live_payment_4Hf8Kq2Lm9',
  'search-token-Vb71xQ',
  'web-private-key-material-Tq42',
  'web-certificate-body-Ru63',
  'cert-body-Ingress-99',
  'key-body-Ingress-99',
  'cHVsbC11c2VyOnB1bGwtUGFzcy00NA==',
  'ZGItdXNlci03UXg=',
  'UGE1NS1kYi1aazl3IQ==',
];

export const OPTIONS: MigrateOptions = { mount: 'secret', prefix: '', authPath: 'kubernetes', defaultNamespace: 'default', ttl: '1h' };

export function fixtureFiles(root = FIXTURE): InputFile[] {
  const out: InputFile[] = [];
  const walk = (dir: string): void => {
    for (const n of readdirSync(dir).sort()) {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ path: relative(root, p), content: readFileSync(p, 'utf8') });
    }
  };
  walk(root);
  return out;
}

