// Checks a client address against CIDR blocks (token_bound_cidrs, secret_id_bound_cidrs).

import { BlockList, isIP } from 'node:net';

export function parseCidrs(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const c of cidrs) {
    const [addr, bits] = c.split('/');
    const family = isIP(addr ?? '');
    if (!family) throw new Error(`invalid CIDR block "${c}"`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else {
      const n = Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > (family === 6 ? 128 : 32)) throw new Error(`invalid CIDR block "${c}"`);
      list.addSubnet(addr!, n, type);
    }
  }
  return list;
}

export function ipInCidrs(ip: string, cidrs: string[]): boolean {
  const addr = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  const family = isIP(addr);
  if (!family) return false;
  return parseCidrs(cidrs).check(addr, family === 6 ? 'ipv6' : 'ipv4');
}
