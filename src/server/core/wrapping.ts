// Response wrapping: instead of the response, the client gets a single-use wrapping token whose
// cubbyhole holds the response; `sys/wrapping/unwrap` hands it over once. Vault's X-Vault-Wrap-TTL.
// A wrapping token has exactly one use (as in Vault): whatever uses it first, an unwrap or a read of
// cubbyhole/response by someone who intercepted it, uses it up, so the real recipient's unwrap fails
// and the interception shows.

import type { Core } from './core.js';
import type { CoreRequest, CoreResponse } from './types.js';
import type { TokenEntry } from '../token/types.js';
import { getJson, putJson } from '../framework/json-storage.js';
import { badRequest } from '../framework/errors.js';

export const WRAPPING_POLICY = 'response-wrapping';
const RESPONSE_KEY = 'response';

/** The body stored for later unwrapping: Vault's envelope fields of the original response. */
export interface WrappedBody {
  data: Record<string, unknown> | null;
  auth: CoreResponse['auth'];
  lease_id: string;
  lease_duration: number;
  renewable: boolean;
  warnings: string[] | null;
}

export async function wrapData(core: Core, body: WrappedBody, ttl: number, creationPath: string): Promise<NonNullable<CoreResponse['wrapInfo']>> {
  if (ttl <= 0) throw badRequest('wrap TTL must be greater than zero');
  const tokenMount = core.findMount('auth', 'auth/token/')!;
  const auth = await core.issueToken({
    policies: [WRAPPING_POLICY],
    noDefaultPolicy: true,
    path: creationPath,
    authMount: tokenMount,
    meta: {},
    displayName: 'response-wrapping',
    ttl,
    maxTtl: ttl,
    explicitMaxTtl: ttl,
    period: 0,
    numUses: 1,
    renewable: false,
    parentHash: '',
    boundCidrs: [],
    internalData: { wrapping: true, creationPath },
  });
  const entry = await core.tokens.lookup(auth.client_token);
  if (!entry) throw new Error('wrapping token vanished');
  await putJson(core.cubbyholeView(entry.idHash), RESPONSE_KEY, body);
  return {
    token: auth.client_token,
    accessor: auth.accessor,
    ttl,
    creation_time: new Date(entry.creationTime * 1000).toISOString(),
    creation_path: creationPath,
    ...(body.auth ? { wrapped_accessor: body.auth.accessor } : {}),
  };
}

export async function wrapResponse(core: Core, req: CoreRequest, out: CoreResponse, _token: TokenEntry | null): Promise<CoreResponse> {
  const wrapInfo = await wrapData(
    core,
    { data: out.data, auth: out.auth, lease_id: out.leaseId, lease_duration: out.leaseDuration, renewable: out.renewable, warnings: out.warnings },
    req.wrapTtl ?? 0,
    req.path,
  );
  return { ...out, status: 200, data: null, auth: null, leaseId: '', leaseDuration: 0, renewable: false, wrapInfo, warnings: out.warnings };
}

const INVALID = 'wrapping token is not valid or does not exist';

/** Finds a live, unused wrapping token; throws Vault's error when it is not one. */
export async function wrappingTokenEntry(core: Core, token: string): Promise<TokenEntry> {
  const entry = token ? await core.tokens.lookup(token) : null;
  if (!entry || entry.internalData?.wrapping !== true || entry.numUses < 0) throw badRequest(INVALID);
  return entry;
}

/** Returns the wrapped body and revokes the wrapping token. Claiming its one use is atomic: of racing unwraps, one wins. */
export async function unwrap(core: Core, token: string): Promise<WrappedBody> {
  const entry = await wrappingTokenEntry(core, token);
  const use = await core.tokens.useToken(entry.idHash);
  if (!use.ok) throw badRequest(INVALID);
  let body: WrappedBody | null;
  try {
    body = await getJson<WrappedBody>(core.cubbyholeView(entry.idHash), RESPONSE_KEY);
  } finally {
    await core.tokens.revokeTree(entry.idHash);
  }
  if (!body) throw badRequest(INVALID);
  return body;
}
