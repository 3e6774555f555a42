// Loose conversions matching mapstructure.WeakDecode, which Vault uses for `options.cas` and
// custom_metadata values. Each returns undefined when the value cannot be converted.

export function weakInt(v: unknown): number | undefined {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return Number.isFinite(v) ? Math.trunc(v) : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return 0;
    return /^[+-]?\d+$/.test(s) ? parseInt(s, 10) : undefined;
  }
  return undefined;
}

export function weakString(v: unknown): string | undefined {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  return undefined;
}
