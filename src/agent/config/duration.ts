// Durations as Vault's config accepts them: a number of seconds (5 or "5"), or Go duration
// syntax ("1m30s", "250ms", "1h"), plus a "d" unit for days as Vault's parseutil allows.

const UNIT_MS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds; throws a plain Error with a human message on bad input. */
export function parseDurationMs(v: string | number): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new Error(`invalid duration ${v}: use a non-negative number of seconds or a string such as "30s"`);
    return v * 1000;
  }
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/y;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    end = re.lastIndex;
  }
  if (s === '' || end !== s.length) throw new Error(`invalid duration ${JSON.stringify(v)}: use seconds or a duration such as "30s", "5m" or "1h"`);
  return total;
}
