// TemplateError: parse and execution errors with Go's message format and location.

export type TemplateErrorKind = 'parse' | 'exec';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  readonly kind: TemplateErrorKind;
  /** Name of the template being parsed / executed (Go's template name). */
  readonly templateName: string;
  /** 1-based line of the error, when known. */
  readonly line: number | undefined;
  /** Go's column: 0-based byte offset within the line, when known (exec errors only). */
  readonly column: number | undefined;

  constructor(kind: TemplateErrorKind, message: string, templateName: string, line?: number, column?: number) {
    super(message);
    this.kind = kind;
    this.templateName = templateName;
    this.line = line;
    this.column = column;
  }
}

/** Thrown by builtins and helper functions; the executor wraps it as "error calling NAME: ...". */
export class FuncError extends Error {
  override readonly name = 'FuncError';
}
