// Turns offsets in the source text into 1-based line/column positions (columns count code points, as Go does).

import type { HclPosition } from './types.js';

/** Maps string offsets to line/column; built once per document, on first use. */
export interface LineIndex {
  position(offset: number): HclPosition;
}

export function lineIndex(text: string): LineIndex {
  let starts: number[] | undefined;
  const build = (): number[] => {
    const out = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) out.push(i + 1);
    return out;
  };
  return {
    position(offset: number): HclPosition {
      starts ??= build();
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      const start = starts[lo];
      const end = Math.min(offset, text.length);
      let column = 1;
      for (let i = start; i < end; i++) {
        const c = text.charCodeAt(i);
        if (c < 0xdc00 || c > 0xdfff) column++; // a low surrogate belongs to the code point before it
      }
      return { line: lo + 1, column };
    },
  };
}
