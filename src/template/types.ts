// Public types of the template engine: data values, functions, and options.

/** A value templates work with: JSON-like data, plus functions (for `call`). */
export type TemplateValue =
  | null
  | boolean
  | number
  | string
  | readonly TemplateValue[]
  | { readonly [key: string]: TemplateValue }
  | TemplateFunction;

/**
 * A template function. It runs synchronously, may throw to abort execution
 * (Go: a function returning a non-nil error), and may return any JSON-like value;
 * `undefined` and `null` both mean Go's nil.
 */
export type TemplateFunction = ((...args: TemplateValue[]) => unknown) & {
  /** Optional Go-like parameter types, checked the way Go checks a typed func. */
  readonly signature?: FunctionSignature;
};

export type FuncMap = Readonly<Record<string, TemplateFunction>>;

/**
 * Parameter types a function may declare.
 * - `any`: interface{} (a missing value arrives as null)
 * - `string`, `int`, `float64`, `bool`: as in Go (ints are accepted for float64)
 * - `strings`: []string (any list whose elements are all strings)
 * - `list`: []interface{}; `map`: map[string]interface{}
 * - `value`: reflect.Value, raw (builtins only: undefined is Go's invalid value)
 */
export type ParamType = 'any' | 'string' | 'int' | 'float64' | 'bool' | 'strings' | 'list' | 'map' | 'value';

export interface FunctionSignature {
  readonly params: readonly ParamType[];
  /** Element type of a trailing variadic parameter, if any. */
  readonly variadic?: ParamType;
}

/** Go's `missingkey` option: default/invalid print `<no value>`, zero yields nil, error aborts. */
export type MissingKeyMode = 'default' | 'invalid' | 'zero' | 'error';

export interface ParseOptions {
  /** Template name used in error messages (Go: template.New(name)). Default "template". */
  readonly name?: string;
  /** Functions the template may call; only their names matter at parse time. */
  readonly funcs?: FuncMap;
  readonly leftDelim?: string;
  readonly rightDelim?: string;
}

export interface ExecuteOptions {
  /** Functions for this execution; they override the parse-time map by name. */
  readonly funcs?: FuncMap;
  readonly missingKey?: MissingKeyMode;
  /** Execute this associated (`define`d) template instead of the main one. */
  readonly template?: string;
}

export interface RenderOptions extends ParseOptions {
  readonly missingKey?: MissingKeyMode;
}
