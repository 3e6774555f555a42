// Where a character of a YAML scalar's value sits in the file: the value of `"a\tb"` or of a block
// scalar is not the file's text, so an offset into the value is mapped back to the source. Plain and
// quoted scalars without escapes map one to one; literal block scalars (`|`, as PEM keys are written)
// map line by line past their indentation; anything else (folded `>`, escapes) falls back to the
// scalar's first character, which is still the right line for a one-line value.

import { LineCounter, Scalar } from 'yaml';

export interface Position {
  line: number;
  column: number;
}

/** 1-based line and column of a file offset. */
export function positionOf(lc: LineCounter, offset: number): Position {
  const p = lc.linePos(offset);
  return { line: p.line, column: p.col };
}

/** A LineCounter for text that was not parsed by `yaml` (env files, files read as plain text). */
export function lineCounterFor(text: string): LineCounter {
  const lc = new LineCounter();
  lc.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lc.addNewLine(i + 1);
  return lc;
}

/** The file offset of character `offset` of a string scalar's value. */
export function sourceOffset(content: string, node: Scalar, offset: number): number {
  const value = String(node.value);
  const [start, end] = node.range ?? [0, 0];
  if (node.type === Scalar.PLAIN && content.slice(start, end) === value) return start + offset;
  if ((node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE) && content.slice(start + 1, end - 1) === value) return start + 1 + offset;
  if (node.type === Scalar.BLOCK_LITERAL) {
    const mapped = blockOffset(content, start, end, value, offset);
    if (mapped !== undefined) return mapped;
  }
  return start;
}

function blockOffset(content: string, start: number, end: number, value: string, offset: number): number | undefined {
  const bodyStart = content.indexOf('\n', start) + 1;
  if (bodyStart === 0) return undefined;
  const sourceLines = content.slice(bodyStart, end).split('\n');
  const first = sourceLines.find((l) => l.trim() !== '');
  if (first === undefined) return undefined;
  const indent = first.length - first.trimStart().length;
  const before = value.slice(0, offset).split('\n');
  const lineIndex = before.length - 1;
  const column = before[lineIndex]!.length;
  const valueLine = value.split('\n')[lineIndex] ?? '';
  const sourceLine = sourceLines[lineIndex];
  if (sourceLine === undefined || sourceLine.slice(indent).replace(/\r$/, '') !== valueLine) return undefined;
  let at = bodyStart;
  for (let i = 0; i < lineIndex; i++) at += sourceLines[i]!.length + 1;
  return at + indent + column;
}
