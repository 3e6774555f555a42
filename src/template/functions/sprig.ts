// A cheap subset of Sprig (Masterminds/sprig v3) as consul-template exposes it, with
// the sprig_ prefix: strings, defaults, lists/dicts, JSON, base64, sha256.

import { createHash } from 'node:crypto';
import { sprint, sprintf } from '../fmt.js';
import type { FuncMap } from '../types.js';
import { goTrimSpace, isGoSpace, isTrue, kindOf } from '../value.js';
import { base64DecodeBytes, base64Encode } from './encoding.js';
import { marshal, marshalIndent } from './json.js';
import { goReplaceAll, goSplit, goTitle, goToLower, goToUpper, goTrim } from './strings.js';
import { typed } from './typed.js';

/** sprig's strval: strings as is, anything else as fmt's %v. */
function strval(v: unknown): string {
  return typeof v === 'string' ? v : sprint([v]);
}

/** sprig's empty: the zero value of its type (nil, "", 0, false, empty list/map). */
function empty(v: unknown): boolean {
  return kindOf(v) === 'func' ? false : !isTrue(v);
}

function strslice(v: unknown): string[] {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return (v as unknown[]).filter((e) => e !== null && e !== undefined).map(strval);
  return [strval(v)];
}

function indent(spaces: number, v: string): string {
  const pad = ' '.repeat(Math.max(spaces, 0));
  return pad + v.split('\n').join('\n' + pad);
}

function safeJSON(f: () => string): string {
  try {
    return f();
  } catch {
    return '';
  }
}

export function sprigFunctions(options: { env: NodeJS.ProcessEnv }): FuncMap {
  const { env } = options;
  return {
    sprig_b64enc: typed(['string'], base64Encode),
    sprig_b64dec: typed(['string'], (s: string) => {
      try {
        return base64DecodeBytes(s).toString('utf8');
      } catch (e) {
        return (e as Error).message;
      }
    }),
    sprig_upper: typed(['string'], goToUpper),
    sprig_lower: typed(['string'], goToLower),
    sprig_title: typed(['string'], goTitle),
    sprig_trim: typed(['string'], goTrimSpace),
    sprig_trimAll: typed(['string', 'string'], (cut: string, s: string) => goTrim(s, cut)),
    sprig_trimPrefix: typed(['string', 'string'], (p: string, s: string) => (s.startsWith(p) ? s.slice(p.length) : s)),
    sprig_trimSuffix: typed(['string', 'string'], (p: string, s: string) => (p !== '' && s.endsWith(p) ? s.slice(0, s.length - p.length) : s)),
    sprig_nospace: typed(['string'], (s: string) => [...s].filter((c) => !isGoSpace(c.codePointAt(0) ?? 0)).join('')),
    sprig_contains: typed(['string', 'string'], (sub: string, s: string) => s.includes(sub)),
    sprig_hasPrefix: typed(['string', 'string'], (p: string, s: string) => s.startsWith(p)),
    sprig_hasSuffix: typed(['string', 'string'], (p: string, s: string) => s.endsWith(p)),
    sprig_repeat: typed(['int', 'string'], (count: number, s: string) => {
      if (count < 0) throw new Error('strings: negative Repeat count');
      return s.repeat(count);
    }),
    sprig_replace: typed(['string', 'string', 'string'], (from: string, to: string, s: string) => goReplaceAll(s, from, to)),
    sprig_trunc: typed(['int', 'string'], (c: number, s: string) => {
      const b = Buffer.from(s, 'utf8');
      if (c < 0 && b.length + c > 0) return b.subarray(b.length + c).toString('utf8');
      if (c >= 0 && b.length > c) return b.subarray(0, c).toString('utf8');
      return s;
    }),
    sprig_indent: typed(['int', 'string'], indent),
    sprig_nindent: typed(['int', 'string'], (n: number, s: string) => '\n' + indent(n, s)),
    sprig_quote: typed([], (...v: unknown[]) => v.filter((s) => s !== null).map((s) => sprintf('%q', [strval(s)])).join(' '), 'any'),
    sprig_squote: typed([], (...v: unknown[]) => v.filter((s) => s !== null).map((s) => sprintf("'%v'", [s])).join(' '), 'any'),
    sprig_cat: typed(
      [],
      (...v: unknown[]) => {
        const items = v.filter((s) => s !== null);
        return sprintf(goTrimSpace('%v '.repeat(items.length)), items);
      },
      'any',
    ),
    sprig_toString: typed(['any'], strval),
    sprig_default: typed(['any'], (d: unknown, ...given: unknown[]) => (given.length === 0 || empty(given[0]) ? d : given[0]), 'any'),
    sprig_empty: typed(['any'], empty),
    sprig_coalesce: typed([], (...v: unknown[]) => v.find((x) => !empty(x)) ?? null, 'any'),
    sprig_ternary: typed(['any', 'any', 'bool'], (vt: unknown, vf: unknown, c: boolean) => (c ? vt : vf)),
    sprig_list: typed([], (...v: unknown[]) => v, 'any'),
    sprig_dict: typed(
      [],
      (...v: unknown[]) => {
        const d: Record<string, unknown> = {};
        for (let i = 0; i < v.length; i += 2) d[strval(v[i])] = i + 1 < v.length ? v[i + 1] : '';
        return d;
      },
      'any',
    ),
    sprig_hasKey: typed(['map', 'string'], (m: Record<string, unknown> | null, k: string) => m !== null && Object.prototype.hasOwnProperty.call(m, k)),
    sprig_join: typed(['string', 'any'], (sep: string, v: unknown) => strslice(v).join(sep)),
    sprig_splitList: typed(['string', 'string'], (sep: string, s: string) => goSplit(s, sep)),
    sprig_toJson: typed(['any'], (v: unknown) => safeJSON(() => marshal(v))),
    sprig_toPrettyJson: typed(['any'], (v: unknown) => safeJSON(() => marshalIndent(v, '  '))),
    sprig_toRawJson: typed(['any'], (v: unknown) => marshal(v, false)),
    sprig_sha256sum: typed(['string'], (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')),
    sprig_env: typed(['string'], (s: string) => env[s] ?? ''),
  };
}
