// Go's strconv.FormatFloat(v, fmt, prec, 64) for the 'e', 'E', 'f', 'g', 'G', 'b', 'x', 'X' formats.
//
// Shortest digits come from JS (both languages print the shortest string that
// round-trips); fixed precision rounds the exact binary value half-to-even, as Go does.

interface Digits {
  /** Decimal digits without leading zeros; "" means zero. */
  d: string;
  /** Position of the decimal point relative to the start of d. */
  dp: number;
}

/** Mantissa (with the implicit bit) and unbiased exponent, as genericFtoa splits a double. */
function decompose(v: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  const bits = view.getBigUint64(0);
  let exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  if (exp === 0) exp = 1;
  else mant |= 1n << 52n;
  return { neg: bits >> 63n === 1n, mant, exp: exp - 1023 };
}

/** The exact decimal expansion of a finite, positive double. */
function exactDigits(v: number): Digits {
  const { mant, exp: e } = decompose(v);
  const exp = e - 52;
  if (mant === 0n) return { d: '', dp: 0 };
  let d: string;
  let dp: number;
  if (exp >= 0) {
    d = (mant << BigInt(exp)).toString();
    dp = d.length;
  } else {
    d = (mant * 5n ** BigInt(-exp)).toString();
    dp = d.length + exp;
  }
  return trim({ d, dp });
}

function trim(x: Digits): Digits {
  let n = x.d.length;
  while (n > 0 && x.d[n - 1] === '0') n--;
  return n === 0 ? { d: '', dp: 0 } : { d: x.d.slice(0, n), dp: x.dp };
}

/** Go's decimal.Round(nd): round to nd digits, half to even (the expansion is exact). */
function round(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  let up: boolean;
  if (x.d[nd] === '5' && nd + 1 === x.d.length) {
    up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  } else {
    up = x.d[nd] >= '5';
  }
  if (!up) return trim({ d: x.d.slice(0, nd), dp: x.dp });
  const digits = x.d.slice(0, nd).split('');
  let i = nd - 1;
  while (i >= 0 && digits[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  digits[i] = String.fromCharCode(digits[i].charCodeAt(0) + 1);
  return trim({ d: digits.slice(0, i + 1).join(''), dp: x.dp });
}

/** Shortest digits that read back as v (v finite and positive). */
function shortestDigits(v: number): Digits {
  const e = v.toExponential();
  const [mant, exp] = e.split('e');
  const d = mant.replace('.', '');
  return trim({ d, dp: Number(exp) + 1 });
}

function fmtE(neg: boolean, x: Digits, prec: number, fmt: string): string {
  let out = neg ? '-' : '';
  out += x.d.length > 0 ? x.d[0] : '0';
  if (prec > 0) {
    out += '.';
    const m = Math.min(x.d.length, prec + 1);
    out += x.d.slice(1, m);
    for (let i = Math.max(m, 1); i <= prec; i++) out += '0';
  }
  out += fmt;
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  out += exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  out += exp < 10 ? '0' + exp : String(exp);
  return out;
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (x.dp > 0) {
    const m = Math.min(x.d.length, x.dp);
    out += x.d.slice(0, m);
    for (let i = m; i < x.dp; i++) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      const j = x.dp + i;
      out += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
  }
  return out;
}

export type FloatFormat = 'e' | 'E' | 'f' | 'g' | 'G' | 'b' | 'x' | 'X';

/** strconv's fmtB: decimal mantissa, 'p', binary exponent. */
function fmtB(v: number): string {
  const { neg, mant, exp } = decompose(v);
  const e = exp - 52;
  return (neg ? '-' : '') + mant.toString() + 'p' + (e >= 0 ? '+' : '') + String(e);
}

const U64 = (x: bigint): bigint => BigInt.asUintN(64, x);

/** strconv's fmtX: hexadecimal mantissa and binary exponent (%x, %X). */
function fmtX(v: number, prec: number, fmt: 'x' | 'X'): string {
  let { neg, mant, exp } = decompose(v);
  if (mant === 0n) exp = 0;
  mant = U64(mant << 8n);
  while (mant !== 0n && (mant & (1n << 60n)) === 0n) {
    mant = U64(mant << 1n);
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = U64(mant << shift) & ((1n << 60n) - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant = U64(mant << (60n - shift));
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = fmt === 'X' ? '0123456789ABCDEF' : '0123456789abcdef';
  let out = (neg ? '-' : '') + '0' + fmt + String((mant >> 60n) & 1n);
  mant = U64(mant << 4n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = U64(mant << 4n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += hex[Number((mant >> 60n) & 15n)];
      mant = U64(mant << 4n);
    }
  }
  out += fmt === 'x' ? 'p' : 'P';
  out += exp < 0 ? '-' : '+';
  const e = Math.abs(exp);
  out += e < 10 ? '0' + e : String(e);
  return out;
}

/** strconv.FormatFloat(v, fmt, prec, 64); prec < 0 means shortest. */
export function formatFloat(v: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (fmt === 'b') return fmtB(v);
  if (fmt === 'x' || fmt === 'X') return fmtX(v, prec, fmt);
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let x: Digits;
  if (abs === 0) {
    x = { d: '', dp: 0 };
  } else if (shortest) {
    x = shortestDigits(abs);
  } else {
    x = exactDigits(abs);
  }
  if (shortest) {
    if (fmt === 'e' || fmt === 'E') prec = Math.max(x.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(x.d.length - x.dp, 0);
    else prec = x.d.length;
  } else {
    switch (fmt) {
      case 'e':
      case 'E':
        x = round(x, prec + 1);
        break;
      case 'f':
        x = round(x, x.dp + prec);
        break;
      default:
        if (prec === 0) prec = 1;
        x = round(x, prec);
    }
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, x, prec, fmt);
    case 'f':
      return fmtF(neg, x, prec);
    default: {
      let eprec = prec;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (exp < -4 || exp >= eprec) {
        if (prec > x.d.length) prec = x.d.length;
        return fmtE(neg, x, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > x.dp) prec = x.d.length;
      return fmtF(neg, x, Math.max(prec - x.dp, 0));
    }
  }
}
