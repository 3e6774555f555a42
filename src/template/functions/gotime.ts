// Go's time.Format layouts ("2006-01-02T15:04:05Z07:00") for a UTC time.

const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function startsWithLowerCase(s: string): boolean {
  return s.length > 0 && s[0] >= 'a' && s[0] <= 'z';
}

function isDigitAt(s: string, i: number): boolean {
  return i < s.length && s[i] >= '0' && s[i] <= '9';
}

type Std =
  | 'LongMonth' | 'Month' | 'NumMonth' | 'ZeroMonth'
  | 'LongWeekDay' | 'WeekDay'
  | 'Day' | 'UnderDay' | 'ZeroDay' | 'UnderYearDay' | 'ZeroYearDay'
  | 'Hour' | 'Hour12' | 'ZeroHour12' | 'Minute' | 'ZeroMinute' | 'Second' | 'ZeroSecond'
  | 'LongYear' | 'Year' | 'PM' | 'pm' | 'TZ'
  | 'ISO8601TZ' | 'ISO8601SecondsTZ' | 'ISO8601ShortTZ' | 'ISO8601ColonTZ' | 'ISO8601ColonSecondsTZ'
  | 'NumTZ' | 'NumSecondsTz' | 'NumShortTZ' | 'NumColonTZ' | 'NumColonSecondsTZ'
  | { frac: '0' | '9'; digits: number; sep: string };

/** time.nextStdChunk: the literal prefix, the standard element, and the rest. */
function nextStdChunk(layout: string): [string, Std | null, string] {
  for (let i = 0; i < layout.length; i++) {
    const c = layout[i];
    const at = (s: string): boolean => layout.startsWith(s, i);
    const ret = (std: Std, len: number): [string, Std, string] => [layout.slice(0, i), std, layout.slice(i + len)];
    switch (c) {
      case 'J':
        if (at('Jan')) {
          if (at('January')) return ret('LongMonth', 7);
          if (!startsWithLowerCase(layout.slice(i + 3))) return ret('Month', 3);
        }
        break;
      case 'M':
        if (at('Mon')) {
          if (at('Monday')) return ret('LongWeekDay', 6);
          if (!startsWithLowerCase(layout.slice(i + 3))) return ret('WeekDay', 3);
        }
        if (at('MST')) return ret('TZ', 3);
        break;
      case '0': {
        const n = layout[i + 1];
        if (n !== undefined && n >= '1' && n <= '6') {
          const std: Std[] = ['ZeroMonth', 'ZeroDay', 'ZeroHour12', 'ZeroMinute', 'ZeroSecond', 'Year'];
          return ret(std[n.charCodeAt(0) - 49], 2);
        }
        if (layout[i + 1] === '0' && layout[i + 2] === '2') return ret('ZeroYearDay', 3);
        break;
      }
      case '1':
        if (layout[i + 1] === '5') return ret('Hour', 2);
        return ret('NumMonth', 1);
      case '2':
        if (at('2006')) return ret('LongYear', 4);
        return ret('Day', 1);
      case '_':
        if (layout[i + 1] === '2') {
          if (layout.startsWith('2006', i + 1)) return [layout.slice(0, i + 1), 'LongYear', layout.slice(i + 5)];
          return ret('UnderDay', 2);
        }
        if (layout[i + 1] === '_' && layout[i + 2] === '2') return ret('UnderYearDay', 3);
        break;
      case '3':
        return ret('Hour12', 1);
      case '4':
        return ret('Minute', 1);
      case '5':
        return ret('Second', 1);
      case 'P':
        if (layout[i + 1] === 'M') return ret('PM', 2);
        break;
      case 'p':
        if (layout[i + 1] === 'm') return ret('pm', 2);
        break;
      case '-':
        if (at('-070000')) return ret('NumSecondsTz', 7);
        if (at('-07:00:00')) return ret('NumColonSecondsTZ', 9);
        if (at('-0700')) return ret('NumTZ', 5);
        if (at('-07:00')) return ret('NumColonTZ', 6);
        if (at('-07')) return ret('NumShortTZ', 3);
        break;
      case 'Z':
        if (at('Z070000')) return ret('ISO8601SecondsTZ', 7);
        if (at('Z07:00:00')) return ret('ISO8601ColonSecondsTZ', 9);
        if (at('Z0700')) return ret('ISO8601TZ', 5);
        if (at('Z07:00')) return ret('ISO8601ColonTZ', 6);
        if (at('Z07')) return ret('ISO8601ShortTZ', 3);
        break;
      case '.':
      case ',': {
        const ch = layout[i + 1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigitAt(layout, j)) return ret({ frac: ch, digits: j - (i + 1), sep: c }, j - i);
        }
        break;
      }
    }
  }
  return [layout, null, ''];
}

function pad(n: number, width: number, fill = '0'): string {
  return String(n).padStart(width, fill);
}

/** time.Time.Format for a Date, in UTC. */
export function formatGoTime(t: Date, layout: string): string {
  let out = '';
  let rest = layout;
  const year = t.getUTCFullYear();
  const month = t.getUTCMonth();
  const day = t.getUTCDate();
  const hour = t.getUTCHours();
  const min = t.getUTCMinutes();
  const sec = t.getUTCSeconds();
  const nanos = t.getUTCMilliseconds() * 1e6;
  const yday = Math.floor((Date.UTC(year, month, day) - Date.UTC(year, 0, 1)) / 86400000) + 1;
  while (rest.length > 0) {
    const [prefix, std, suffix] = nextStdChunk(rest);
    out += prefix;
    if (std === null) break;
    rest = suffix;
    if (typeof std === 'object') {
      let digits = pad(nanos, 9).slice(0, std.digits);
      if (std.frac === '9') {
        digits = pad(nanos, 9).replace(/0+$/, '').slice(0, std.digits);
        if (digits.length > 0) out += std.sep + digits;
      } else {
        out += std.sep + digits;
      }
      continue;
    }
    switch (std) {
      case 'LongMonth':
        out += LONG_MONTHS[month];
        break;
      case 'Month':
        out += LONG_MONTHS[month].slice(0, 3);
        break;
      case 'NumMonth':
        out += String(month + 1);
        break;
      case 'ZeroMonth':
        out += pad(month + 1, 2);
        break;
      case 'LongWeekDay':
        out += LONG_DAYS[t.getUTCDay()];
        break;
      case 'WeekDay':
        out += LONG_DAYS[t.getUTCDay()].slice(0, 3);
        break;
      case 'Day':
        out += String(day);
        break;
      case 'UnderDay':
        out += pad(day, 2, ' ');
        break;
      case 'ZeroDay':
        out += pad(day, 2);
        break;
      case 'UnderYearDay':
        out += pad(yday, 3, ' ');
        break;
      case 'ZeroYearDay':
        out += pad(yday, 3);
        break;
      case 'Hour':
        out += pad(hour, 2);
        break;
      case 'Hour12':
        out += String(hour % 12 === 0 ? 12 : hour % 12);
        break;
      case 'ZeroHour12':
        out += pad(hour % 12 === 0 ? 12 : hour % 12, 2);
        break;
      case 'Minute':
        out += String(min);
        break;
      case 'ZeroMinute':
        out += pad(min, 2);
        break;
      case 'Second':
        out += String(sec);
        break;
      case 'ZeroSecond':
        out += pad(sec, 2);
        break;
      case 'LongYear':
        out += year < 0 ? '-' + pad(-year, 4) : pad(year, 4);
        break;
      case 'Year':
        out += pad(((year % 100) + 100) % 100, 2);
        break;
      case 'PM':
        out += hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += hour >= 12 ? 'pm' : 'am';
        break;
      case 'TZ':
        out += 'UTC';
        break;
      case 'ISO8601TZ':
      case 'ISO8601SecondsTZ':
      case 'ISO8601ShortTZ':
      case 'ISO8601ColonTZ':
      case 'ISO8601ColonSecondsTZ':
        out += 'Z';
        break;
      case 'NumTZ':
        out += '+0000';
        break;
      case 'NumSecondsTz':
        out += '+000000';
        break;
      case 'NumShortTZ':
        out += '+00';
        break;
      case 'NumColonTZ':
        out += '+00:00';
        break;
      case 'NumColonSecondsTZ':
        out += '+00:00:00';
        break;
    }
  }
  return out;
}
