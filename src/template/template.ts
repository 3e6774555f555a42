// parse() and render(): the entry points tying the parser and the executor together.

import { BUILTINS } from './builtins.js';
import { TemplateError } from './errors.js';
import { executeTrees } from './exec.js';
import type { Tree } from './node.js';
import { parseTrees } from './parser.js';
import { quote } from './strconv.js';
import type { ExecuteOptions, FuncMap, MissingKeyMode, ParseOptions, RenderOptions } from './types.js';

/** A parsed template, executable many times. */
export interface Template {
  /** Name of the main template. */
  readonly name: string;
  /** Names of all templates in the set (the main one and every `define`/`block`). */
  readonly names: readonly string[];
  /** Runs the template on data and returns the output; throws TemplateError. */
  execute(data: unknown, options?: ExecuteOptions): string;
}

const DEFAULT_NAME = 'template';

function validMissingKey(mode: MissingKeyMode | undefined): MissingKeyMode {
  const m = mode ?? 'default';
  if (m !== 'default' && m !== 'invalid' && m !== 'zero' && m !== 'error') {
    throw new TypeError(`unrecognized missingKey option: ${String(m)}`);
  }
  return m;
}

function checkFuncNames(funcs: FuncMap): void {
  for (const [name, fn] of Object.entries(funcs)) {
    if (!/^[\p{L}_][\p{L}\p{Nd}_]*$/u.test(name)) throw new TypeError(`function name ${quote(name)} is not a valid identifier`);
    if (typeof fn !== 'function') throw new TypeError(`value for ${name} not a function`);
  }
}

/** Parses a template (Go: template.New(name).Delims(l, r).Funcs(funcs).Parse(text)). */
export function parse(text: string, options: ParseOptions = {}): Template {
  const name = options.name ?? DEFAULT_NAME;
  const parseFuncs: FuncMap = options.funcs ?? {};
  checkFuncNames(parseFuncs);
  const hasFunction = (fn: string): boolean =>
    (Object.prototype.hasOwnProperty.call(parseFuncs, fn) && typeof parseFuncs[fn] === 'function') || BUILTINS.has(fn);
  const set: ReadonlyMap<string, Tree> = parseTrees({
    name,
    text,
    leftDelim: options.leftDelim ?? '',
    rightDelim: options.rightDelim ?? '',
    hasFunction,
  });
  return {
    name,
    names: [...set.keys()].sort(),
    execute(data: unknown, opts: ExecuteOptions = {}): string {
      const funcs: FuncMap = opts.funcs ? { ...parseFuncs, ...opts.funcs } : parseFuncs;
      if (opts.funcs) checkFuncNames(opts.funcs);
      const entry = opts.template ?? name;
      if (opts.template !== undefined && !set.has(entry)) {
        throw new TemplateError('exec', `template: no template ${quote(entry)} associated with template ${quote(name)}`, name);
      }
      return executeTrees({ set, name: entry, data, funcs, missingKey: validMissingKey(opts.missingKey) });
    },
  };
}

/** Parses and executes a template in one call. */
export function render(text: string, data: unknown, options: RenderOptions = {}): string {
  return parse(text, options).execute(data, { missingKey: options.missingKey });
}
