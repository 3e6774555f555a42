// Vault's duration fields: a number of seconds, a numeric string, or a Go duration ("1h30m", "90s",
// "500ms", with Vault's extra "d" for days). Returns whole seconds; throws on anything else.

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

const GO_DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h|d))+$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/g;

export function parseDurationSeconds(input: unknown): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new Error(`invalid duration ${input}`);
    return Math.trunc(input);
  }
  if (typeof input !== 'string') throw new Error('duration must be a number of seconds or a string such as "1h30m"');
  const s = input.trim();
  if (s === '') return 0;
  if (/^[+-]?\d+$/.test(s)) return parseInt(s, 10);
  if (!GO_DURATION.test(s)) throw new Error(`invalid duration "${input}" (use seconds or a string such as "90s", "1h30m", "7d")`);
  let total = 0;
  for (const m of s.matchAll(PART)) total += parseFloat(m[1]!) * UNIT_SECONDS[m[2]!]!;
  return Math.trunc(s.startsWith('-') ? -total : total);
}

/** Formats seconds as Go's time.Duration String() does ("1h0m0s", "30s", "0s"). */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return '0s';
  const neg = seconds < 0;
  let s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${s}s`;
  return neg ? `-${out}` : out;
}
