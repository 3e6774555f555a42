// The `versions` field of delete/undelete/destroy (Vault's TypeCommaIntSlice): a list of integers,
// a comma-separated string, or one number.

import { badRequest, type FieldData } from '../../../framework/index.js';

export function versionsField(fields: FieldData): number[] {
  const raw = fields.get<string[]>('versions');
  return raw.map((s) => {
    if (!/^[+-]?\d+$/.test(s)) throw badRequest('error converting input for field "versions": expected a list of integers');
    return parseInt(s, 10);
  });
}
