// typed(): attaches Go-like parameter types to a helper so the executor checks
// arguments the way Go checks a typed template function.

import type { ParamType, TemplateFunction, TemplateValue } from '../types.js';
import { RAW_VALUES } from '../value.js';

/** Arguments arrive already checked against `params`, so the cast to the helper's own types is safe. */
export function typed<F extends (...args: never[]) => unknown>(params: readonly ParamType[], fn: F, variadic?: ParamType): TemplateFunction {
  const wrapper = (...args: TemplateValue[]): unknown => fn(...(args as never[]));
  const signature = variadic === undefined ? { params } : { params, variadic };
  return Object.assign(wrapper, { signature });
}

/** Like typed(), but float constants arrive as GoFloat (for helpers that care, e.g. math). */
export function typedRaw<F extends (...args: never[]) => unknown>(params: readonly ParamType[], fn: F): TemplateFunction {
  return Object.assign(typed(params, fn), { [RAW_VALUES]: true });
}

/** Error messages in Go's "prefix: cause" style (github.com/pkg/errors Wrap). */
export function wrap(prefix: string, e: unknown): Error {
  return new Error(`${prefix}: ${e instanceof Error ? e.message : String(e)}`);
}
