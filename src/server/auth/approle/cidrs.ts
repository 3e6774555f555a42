// CIDR checks for secret IDs: validating a list with an error that names the field, and Vault's rule
// that a secret ID's blocks (cidr_list, token_bound_cidrs) lie inside the role's blocks, if it has any.

import { isIP } from 'node:net';
import { badRequest, parseCidrs } from '../../framework/index.js';

export function validateCidrs(field: string, cidrs: string[]): string[] {
  try {
    parseCidrs(cidrs);
  } catch (e) {
    throw badRequest(`failed to validate CIDR blocks in "${field}": ${(e as Error).message}`);
  }
  return cidrs;
}

function block(cidr: string): { addr: string; bits: number } {
  const [addr = '', bits] = cidr.split('/');
  const full = isIP(addr) === 6 ? 128 : 32;
  return { addr, bits: bits === undefined ? full : Number(bits) };
}

/** True when every block of `inner` is contained in some block of `outer` (or `outer` is empty). */
export function cidrsSubset(outer: string[], inner: string[]): boolean {
  if (outer.length === 0) return true;
  return inner.every((c) => {
    const b = block(c);
    return outer.some((o) => block(o).bits <= b.bits && parseCidrs([o]).check(b.addr, isIP(b.addr) === 6 ? 'ipv6' : 'ipv4'));
  });
}

export function requireSubset(roleField: string, role: string[], field: string, secret: string[]): void {
  if (!cidrsSubset(role, secret)) {
    throw badRequest(`"${field}" [${secret.join(', ')}] must be a subset of the role's "${roleField}" [${role.join(', ')}]`);
  }
}
