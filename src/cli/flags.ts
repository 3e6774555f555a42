// Go-flag style parsing as Vault's CLI does it: `-name=value`, `-name value`, `--name=value`,
// boolean flags without a value, flags before positional arguments, `--` ends flags. Typed values:
// strings, booleans, integers, repeatable strings (`-policy=a -policy=b`) and repeatable
// key=value maps (`-metadata=team=web`).

import { parseBool } from '../lib/parse-bool.js';

export interface FlagSpec {
  type: 'string' | 'bool' | 'strings' | 'int' | 'map';
  default?: string | boolean | number;
  usage: string;
  /** Other names for the same flag (`-f` for `-force`). */
  aliases?: string[];
}

export type FlagValue = string | boolean | number | string[] | Record<string, string>;

export interface ParsedFlags {
  values: Record<string, FlagValue>;
  args: string[];
  /** Names of the flags the user gave (canonical names), to tell "unset" from "set to the default". */
  set: Set<string>;
  /** Arguments after the first positional one that look like flags (they are kept as arguments, as Go does). */
  lateFlags: string[];
}

export class UsageError extends Error {}


export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const values: ParsedFlags['values'] = {};
  const byName = new Map<string, string>();
  for (const [name, s] of Object.entries(specs)) {
    byName.set(name, name);
    for (const a of s.aliases ?? []) byName.set(a, name);
    if (s.type === 'strings') values[name] = [];
    else if (s.type === 'map') values[name] = {};
    else if (s.default !== undefined) values[name] = s.default;
  }
  const set = new Set<string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const given = eq >= 0 ? body.slice(0, eq) : body;
    const name = byName.get(given);
    const spec = name === undefined ? undefined : specs[name];
    if (name === undefined || !spec) throw new UsageError(`flag provided but not defined: -${given}`);
    set.add(name);
    if (spec.type === 'bool') {
      if (eq < 0) values[name] = true;
      else {
        const v = body.slice(eq + 1);
        const b = parseBool(v); // Go's flag package: strconv.ParseBool
        if (b === undefined) throw new UsageError(`invalid boolean value "${v}" for -${given}: parse error`);
        values[name] = b;
      }
      continue;
    }
    let v: string;
    if (eq >= 0) v = body.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${given}`);
      v = argv[++i]!;
    }
    switch (spec.type) {
      case 'strings':
        (values[name] as string[]).push(v);
        break;
      case 'int': {
        if (!/^[+-]?\d+$/.test(v.trim())) throw new UsageError(`invalid value "${v}" for flag -${given}: parse error`);
        values[name] = Number(v.trim());
        break;
      }
      case 'map': {
        const k = v.indexOf('=');
        if (k <= 0) throw new UsageError(`invalid value for flag -${given}: expected key=value`);
        (values[name] as Record<string, string>)[v.slice(0, k)] = v.slice(k + 1);
        break;
      }
      default:
        values[name] = v;
    }
  }
  const args = argv.slice(i);
  const lateFlags = args.filter((x) => x.length > 1 && x.startsWith('-') && x !== '--' && /^--?[A-Za-z]/.test(x));
  return { values, args, set, lateFlags };
}

const PLACEHOLDER: Record<FlagSpec['type'], string> = { string: '=<string>', bool: '', strings: '=<string>', int: '=<int>', map: '=<key=value>' };

export function usageText(specs: Record<string, FlagSpec>): string {
  return Object.entries(specs)
    .map(([n, s]) => {
      const names = [n, ...(s.aliases ?? [])].map((x) => `-${x}${PLACEHOLDER[s.type]}`).join(', ');
      const def = s.default !== undefined && s.default !== '' && s.type !== 'bool' ? ` The default is ${String(s.default)}.` : '';
      return `  ${names}\n${wrap(`${s.usage}${def}`, 6, 80)}`;
    })
    .join('\n\n');
}

/** Wraps text at `width` columns with every line indented by `indent` spaces. */
export function wrap(text: string, indent: number, width: number): string {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && pad.length + line.length + 1 + word.length > width) {
      lines.push(pad + line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(pad + line);
  return lines.join('\n');
}
