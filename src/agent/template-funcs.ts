// The functions agent templates can call: consul-template's helpers (from coffer/template) plus
// the Vault ones, `secret` (read, or write with "k=v" arguments) and `secrets` (list). Template
// execution is synchronous, so these answer from what has been fetched and record what is
// missing (consul-template's two-pass scheme; see render.ts). `function_denylist` removes names.

import { consulTemplateFunctions, type FuncMap, type TemplateFunction, type TemplateValue } from '../template/index.js';

/** What `secret`/`secrets` read from: the fetched value, or null (and the need is recorded). */
export interface SecretLookup {
  secret(path: string, data: Readonly<Record<string, string>> | undefined): TemplateValue | null;
  secrets(path: string): readonly string[] | null;
}

/** Where a template's `secret`/`secrets` look, swapped by the renderer before each pass. */
export interface LookupSlot {
  current: SecretLookup;
}

export const NOTHING_FETCHED: SecretLookup = { secret: () => null, secrets: () => null };

let helpers: FuncMap | undefined;

function withSignature(fn: (...args: TemplateValue[]) => unknown, params: readonly ('string' | 'any')[], variadic?: 'string'): TemplateFunction {
  return Object.assign(fn, { signature: variadic === undefined ? { params } : { params, variadic } });
}

/** `"k=v"` arguments of a write-style `secret` call. */
function parseWriteArgs(path: string, args: readonly TemplateValue[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const a of args) {
    const s = String(a);
    const eq = s.indexOf('=');
    if (eq <= 0) throw new Error(`secret ${JSON.stringify(path)}: invalid argument ${JSON.stringify(s)}: write arguments look like "key=value"`);
    data[s.slice(0, eq)] = s.slice(eq + 1);
  }
  return data;
}

/** Built once per template (execution then copies no function map). */
export function agentFunctions(slot: LookupSlot, denylist: readonly string[] = []): FuncMap {
  helpers ??= consulTemplateFunctions();
  const funcs: Record<string, TemplateFunction> = {
    ...helpers,
    secret: withSignature(
      (path: TemplateValue, ...rest: TemplateValue[]) => {
        const p = String(path);
        if (p.trim() === '') throw new Error('secret: the path is empty');
        return slot.current.secret(p, rest.length > 0 ? parseWriteArgs(p, rest) : undefined);
      },
      ['string'],
      'string',
    ),
    secrets: withSignature(
      (path: TemplateValue) => {
        const p = String(path);
        if (p.trim() === '') throw new Error('secrets: the path is empty');
        return slot.current.secrets(p);
      },
      ['string'],
    ),
  };
  for (const name of denylist) delete funcs[name];
  return funcs;
}

/** For parsing only: the same names, answering nothing. */
export function parseOnlyFunctions(denylist: readonly string[] = []): FuncMap {
  return agentFunctions({ current: NOTHING_FETCHED }, denylist);
}
