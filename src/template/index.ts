// coffer/template: Go's text/template, exactly, plus consul-template's helper functions.

export { parse, render, type Template } from './template.js';
export { TemplateError, type TemplateErrorKind } from './errors.js';
export type {
  ExecuteOptions,
  FuncMap,
  FunctionSignature,
  MissingKeyMode,
  ParamType,
  ParseOptions,
  RenderOptions,
  TemplateFunction,
  TemplateValue,
} from './types.js';
export { consulTemplateFunctions, type ConsulTemplateFunctionOptions } from './functions/consul.js';
