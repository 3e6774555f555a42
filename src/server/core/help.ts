// `GET /v1/<path>?help=1`: the help of the backend serving a path (Vault's HelpOperation). As in
// Vault a valid token is needed, but no policy grants or refuses help; while sealed there are no
// mounts to describe (503).

import { notFound, permissionDenied, sealed } from '../framework/errors.js';
import { pathHelp, rootHelp, type HelpResponse } from '../framework/help.js';
import { matchPath } from '../framework/router.js';
import { VERSION } from '../version.js';
import type { Core } from './core.js';

export async function helpFor(core: Core, path: string, clientToken: string | undefined): Promise<HelpResponse> {
  if (core.barrier.isSealed) throw sealed();
  const entry = clientToken ? await core.tokens.lookup(clientToken) : null;
  if (!entry) throw permissionDenied(clientToken ? 'invalid token' : 'missing client token');
  const m = core.route(path);
  if (!m) throw notFound(`no handler for route "${path}". route entry not found.`);
  const rel = path === m.entry.path.slice(0, -1) ? '' : path.slice(m.entry.path.length);
  const defs = m.paths.map((p) => p.def);
  if (rel === '') return rootHelp(defs, m.entry.type, m.entry.path, VERSION);
  const match = matchPath(m.paths, rel);
  if (!match) throw notFound('unsupported path');
  return pathHelp(match.def, rel, m.entry.path, VERSION);
}
