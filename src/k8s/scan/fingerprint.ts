// A fingerprint names a secret value without showing it: two findings with the same fingerprint hold
// the same value (so a leaked value can be traced across files), and nothing of the value is printed.

import { createHash } from 'node:crypto';

export function fingerprint(value: string | Uint8Array): string {
  return `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 12)}`;
}
