// HclError: every syntax or decoding error the reader reports, with file, line and column.

import type { LineIndex } from './lines.js';

export class HclError extends Error {
  override readonly name = 'HclError';
  readonly filename: string | undefined;
  /** 1-based line of the problem. */
  readonly line: number;
  /** 1-based column (in code points) of the problem. */
  readonly column: number;
  /** The message without the "file:line:column: " prefix. */
  readonly reason: string;

  constructor(reason: string, filename: string | undefined, line: number, column: number) {
    super(`${filename ?? '<input>'}:${line}:${column}: ${reason}`);
    this.filename = filename;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}

/** Where errors are reported: the file name and a way to turn offsets into line/column. */
export interface ErrorSite {
  filename: string | undefined;
  lines: LineIndex;
}

export function errorAt(site: ErrorSite, offset: number, reason: string): HclError {
  const { line, column } = site.lines.position(offset);
  return new HclError(reason, site.filename, line, column);
}
