// LIST paths name a folder: Vault lists `path/` whether or not the client sent the trailing slash,
// and the mount root as "". An empty listing is a 404, as Vault's HTTP layer answers it.

import { notFound, type Response } from '../../../framework/index.js';

export function listPrefix(path: string): string {
  return path === '' || path.endsWith('/') ? path : `${path}/`;
}

export function listResponse(keys: string[]): Response {
  if (keys.length === 0) throw notFound();
  return { data: { keys } };
}
