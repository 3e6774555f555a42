// Renders a username_template with Vault's template functions (sdk/helpers/template): truncate,
// truncate_sha256, uppercase, lowercase, replace, random, unix_time, unix_time_millis, timestamp,
// uuid, sha256, base64; data .DisplayName and .RoleName. Uses Coffer's Go-template engine.

import { createHash, randomInt, randomUUID } from 'node:crypto';
import { parse, type FuncMap, type TemplateFunction } from '../../../template/index.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function fn(params: TemplateFunction['signature'], f: (...args: never[]) => unknown): TemplateFunction {
  return Object.assign(f as unknown as TemplateFunction, { signature: params });
}

function funcs(now: () => number): FuncMap {
  return {
    truncate: fn({ params: ['int', 'string'] }, (n: number, s: string) => {
      if (n < 0) throw new Error('max length must be >= 0');
      return s.length <= n ? s : s.slice(0, n);
    }),
    truncate_sha256: fn({ params: ['int', 'string'] }, (n: number, s: string) => {
      if (n < 8) throw new Error('max length must be >= 8');
      if (s.length <= n) return s;
      return s.slice(0, n - 8) + createHash('sha256').update(s.slice(n - 8)).digest('hex').slice(0, 8);
    }),
    uppercase: fn({ params: ['string'] }, (s: string) => s.toUpperCase()),
    lowercase: fn({ params: ['string'] }, (s: string) => s.toLowerCase()),
    replace: fn({ params: ['string', 'string', 'string'] }, (find: string, repl: string, s: string) => s.split(find).join(repl)),
    random: fn({ params: ['int'] }, (n: number) => {
      if (n < 1) throw new Error('random length must be >= 1');
      let out = '';
      for (let i = 0; i < n; i++) out += BASE62[randomInt(BASE62.length)];
      return out;
    }),
    unix_time: fn({ params: [] }, () => String(Math.floor(now() / 1000))),
    unix_time_millis: fn({ params: [] }, () => String(now())),
    // Go layouts are not translated: every layout gives RFC 3339 in UTC.
    timestamp: fn({ params: ['string'] }, () => new Date(now()).toISOString()),
    uuid: fn({ params: [] }, () => randomUUID()),
    sha256: fn({ params: ['string'] }, (s: string) => createHash('sha256').update(s).digest('hex')),
    base64: fn({ params: ['string'] }, (s: string) => Buffer.from(s).toString('base64')),
  };
}

export function renderUsername(template: string, data: { displayName: string; roleName: string }, now: () => number): string {
  let out: string;
  try {
    out = parse(template, { name: 'username', funcs: funcs(now) }).execute({ DisplayName: data.displayName, RoleName: data.roleName }, { missingKey: 'error' });
  } catch (e) {
    throw new Error(`unable to generate username: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.trim() === '') throw new Error('unable to generate username: the username_template rendered an empty name');
  return out.trim();
}

/** Checks a username_template parses (on config write). */
export function checkUsernameTemplate(template: string): void {
  try {
    parse(template, { name: 'username', funcs: funcs(() => Date.now()) });
  } catch (e) {
    throw new Error(`unable to initialize username template: ${e instanceof Error ? e.message : String(e)}`);
  }
}
