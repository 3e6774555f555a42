// Number conversion with Go's rules: strconv.ParseInt(s, 0, 64) (0x hex, leading-0 octal, range checked)
// and strconv.ParseFloat(s, 64) for the texts HCL's scanner produces.
// Integers beyond 2^53 are returned as the nearest double (what JSON.parse makes of Go's output);
// integers beyond the int64 range are errors, as in Go.

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/** Go's ParseInt(s, 0, 64): a number, or 'syntax' / 'range' where Go returns an error. */
export function parseGoInt(s: string): number | 'syntax' | 'range' {
  if (/^-?[1-9][0-9]{0,14}$/.test(s)) return Number(s); // fast path: plain decimal, exact as a double
  let i = 0;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    i = 1;
  }
  const body = s.slice(i);
  if (body === '') return 'syntax';
  let base = 10;
  let digits = body;
  if (body[0] === '0') {
    const p = body.length >= 3 ? body[1].toLowerCase() : '';
    if (p === 'b' || p === 'o' || p === 'x') {
      base = p === 'b' ? 2 : p === 'o' ? 8 : 16;
      digits = body.slice(2);
    } else {
      base = 8;
      digits = body.slice(1);
    }
  }
  let value = 0n;
  let underscores = false;
  const big = BigInt(base);
  for (const ch of digits) {
    if (ch === '_') {
      underscores = true;
      continue;
    }
    const d = parseInt(ch, 36);
    if (Number.isNaN(d) || d >= base) return 'syntax';
    value = value * big + BigInt(d);
  }
  if (underscores && !underscoreOK(body)) return 'syntax';
  if (neg) value = -value;
  if (value > MAX_INT64 || value < MIN_INT64) return 'range';
  return value === 0n ? 0 : Number(value);
}

/** Go's underscoreOK: underscores only between digits (or right after a base prefix). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0';
    hex = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-f]/i.test(c))) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** Go's ParseFloat(s, 64) for decimal texts: a number, or 'syntax' / 'range' where Go returns an error. */
export function parseGoFloat(s: string): number | 'syntax' | 'range' {
  if (!DECIMAL_FLOAT.test(s)) return 'syntax';
  const v = Number(s);
  return Number.isFinite(v) ? v : 'range';
}
