// Go-flag style parsing as Vault's CLI does it: `-name=value`, `-name value`, `--name=value`,
// boolean flags without a value, flags before positional arguments, `--` ends flags.

export interface FlagSpec {
  type: 'string' | 'bool' | 'strings';
  default?: string | boolean;
  usage: string;
}

export interface ParsedFlags {
  values: Record<string, string | boolean | string[]>;
  args: string[];
}

export class UsageError extends Error {}

export function parseFlags(argv: string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const values: ParsedFlags['values'] = {};
  for (const [name, s] of Object.entries(specs)) {
    if (s.type === 'strings') values[name] = [];
    else if (s.default !== undefined) values[name] = s.default;
  }
  const args: string[] = [];
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
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = specs[name];
    if (!spec) throw new UsageError(`flag provided but not defined: -${name}`);
    if (spec.type === 'bool') {
      if (eq < 0) values[name] = true;
      else {
        const v = body.slice(eq + 1).toLowerCase();
        if (!['true', 'false', '1', '0', 't', 'f'].includes(v)) throw new UsageError(`invalid boolean value "${v}" for -${name}`);
        values[name] = v === 'true' || v === '1' || v === 't';
      }
      continue;
    }
    let v: string;
    if (eq >= 0) v = body.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`flag needs an argument: -${name}`);
      v = argv[++i]!;
    }
    if (spec.type === 'strings') (values[name] as string[]).push(v);
    else values[name] = v;
  }
  args.push(...argv.slice(i));
  return { values, args };
}

export function usageText(specs: Record<string, FlagSpec>): string {
  return Object.entries(specs)
    .map(([n, s]) => `  -${n}${s.type === 'bool' ? '' : '=<string>'}\n      ${s.usage}${s.default !== undefined && s.default !== '' ? ` (default: ${String(s.default)})` : ''}`)
    .join('\n\n');
}
