// The check-and-set rule of KV v2 writes and patches: `options.cas` must equal the current version
// (0 = the key must not exist yet), and is mandatory when the mount or the key sets cas_required.

import { badRequest, type FieldData } from '../../framework/index.js';
import { weakInt } from './lib/weak_decode.js';
import type { KeyMetadata, KvConfig } from './types.js';

export function checkAndSet(fields: FieldData, config: KvConfig, meta: KeyMetadata): void {
  const options = fields.has('options') ? fields.get<Record<string, unknown>>('options') : {};
  if (Object.prototype.hasOwnProperty.call(options, 'cas')) {
    const cas = weakInt(options.cas);
    if (cas === undefined) throw badRequest('error parsing check-and-set parameter');
    if (cas !== meta.current_version) throw badRequest('check-and-set parameter did not match the current version');
  } else if (config.cas_required || meta.cas_required) {
    throw badRequest('check-and-set parameter required for this call');
  }
}
