// The KV secrets engine: version 1 (passthrough) or 2 (versioned) by the mount's `version` option,
// "1" by default as for Vault's `kv` type (the server maps type `kv-v2` to version "2").

import { badRequest, type BackendFactory } from '../../framework/index.js';
import { versionedKvBackend } from './backend.js';
import { passthroughBackend } from './passthrough.js';

export const kvBackendFactory: BackendFactory = async (ctx) => {
  const version = ctx.options.version ?? '1';
  switch (version) {
    case '':
    case '1':
      return passthroughBackend(ctx.system);
    case '2':
      return versionedKvBackend(ctx);
    default:
      throw badRequest(`unsupported KV version "${version}": use "1" or "2"`);
  }
};
