// regexMatch / regexReplaceAll: Go RE2 patterns run on JS RegExp (common syntax
// translated: (?P<name>), leading (?i)(?s)(?m) flags, \A, \z), with Go's $1 / ${name}
// replacement expansion (regexp.Regexp.Expand).

function compile(pattern: string): RegExp {
  let src = pattern.replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$(?![\\s\\S])');
  let flags = 'g';
  const lead = /^\(\?([ims]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1]) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  try {
    return new RegExp(src, flags + 'u');
  } catch {
    try {
      return new RegExp(src, flags);
    } catch (e) {
      throw new Error(`error parsing regexp: ${(e as Error).message}`);
    }
  }
}

export function regexMatch(pattern: string, s: string): boolean {
  const re = compile(pattern);
  return re.test(s);
}

/** Go's template expansion: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, groups: readonly (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
  let out = '';
  let t = template;
  for (;;) {
    const i = t.indexOf('$');
    if (i < 0) break;
    out += t.slice(0, i);
    t = t.slice(i + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    let str = t;
    let brace = false;
    if (str.startsWith('{')) {
      brace = true;
      str = str.slice(1);
    }
    const m = /^[\p{L}\p{Nd}_]+/u.exec(str);
    if (!m || (brace && str[m[0].length] !== '}')) {
      out += '$';
      continue;
    }
    const name = m[0];
    t = str.slice(name.length + (brace ? 1 : 0));
    let num = /^[0-9]+$/.test(name) && name.length <= 8 ? Number(name) : -1;
    if (name.length > 1 && name[0] === '0') num = -1;
    if (num >= 0) out += groups[num] ?? '';
    else out += named?.[name] ?? '';
  }
  return out + t;
}

export function regexReplaceAll(pattern: string, replacement: string, s: string): string {
  const re = compile(pattern);
  return s.replace(re, (...args: unknown[]) => {
    const hasNamed = typeof args[args.length - 1] === 'object' && args[args.length - 1] !== null;
    const named = hasNamed ? (args[args.length - 1] as Record<string, string | undefined>) : undefined;
    const groups = args.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
    return expand(replacement, groups, named);
  });
}
