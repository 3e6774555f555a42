// Cubbyhole: a token's private KV v1-style store (read, write any fields, delete, list).
// Contract with the core: the storage view this backend receives, both `ctx.storage` and each
// `req.storage`, is already scoped to the calling token (e.g. a sub-view under a salted hash of the
// token's accessor), and the core clears that view when the token is revoked or expires. The backend
// therefore stores plainly under the request path and never looks at the token. Unlike KV v1, reads
// report no TTL.

import type { BackendFactory } from '../../framework/index.js';
import { passthroughPath } from '../kv/passthrough.js';

export const cubbyholeBackendFactory: BackendFactory = async () => ({
  paths: [
    passthroughPath({
      help: 'Pass-through secret storage to a token-specific cubbyhole in the storage backend, allowing you to read/write arbitrary data into secret storage.',
    }),
  ],
});
