// KV version 2 (Vault's versioned K/V): assembles the paths over one shared store. Order matters:
// the catch-all invalid-path handler must stay last.
// Storage layout (details in storage_keys.ts and list_index.ts): `config`, `salt`, and under
// HMAC(salt, ...) names so the raw database shows no secret path: `metadata/<h>` (one JSON per secret),
// `versions/<h>` (one JSON per version's data), `index/<h>` (per-folder name lists for LIST; values are
// encrypted by the barrier like everything else). A data read is two gets: metadata, then the version.

import type { Backend, BackendContext } from '../../framework/index.js';
import { pathConfig } from './path_config.js';
import { pathData } from './path_data.js';
import { pathsDelete } from './path_delete.js';
import { pathDestroy } from './path_destroy.js';
import { pathInvalid } from './path_invalid.js';
import { pathMetadata } from './path_metadata.js';
import { pathSubkeys } from './path_subkeys.js';
import { createKvStore } from './store.js';

export async function versionedKvBackend(ctx: BackendContext): Promise<Backend> {
  const store = createKvStore(ctx.clock);
  return {
    paths: [
      pathData(store),
      pathMetadata(store),
      pathConfig(store),
      ...pathsDelete(store),
      pathDestroy(store),
      pathSubkeys(store),
      pathInvalid(),
    ],
  };
}
