// Heredoc values, ported from Go's unindentHeredoc, including its byte arithmetic: <<EOT keeps everything
// up to the closing line (even that line's indentation); <<-EOT strips the closing line's indentation from
// every line, or, if some line is less indented, keeps the text and only trims trailing blanks.

import { decodeUtf8LikeGo } from './unquote.js';

/** The string value of a heredoc token whose text runs from "<<" to the newline after the closing anchor. */
export function heredocValue(token: string): string {
  // Go slices bytes; for ASCII text bytes and UTF-16 units coincide.
  if (/^[\x00-\x7f]*$/.test(token)) return unindent(token, (a, b) => token.slice(a, b), token.length, token.indexOf('\n'));
  const bytes = Buffer.from(token, 'utf8');
  return unindent(token, (a, b) => decodeUtf8LikeGo(bytes.subarray(a, b)), bytes.length, bytes.indexOf(10));
}

/** len and idx (the end of the "<<EOT" line) are in the same units as slice's arguments. */
function unindent(token: string, slice: (from: number, to: number) => string, len: number, idx: number): string {
  if (token.charCodeAt(2) !== 45 /* - */) return slice(idx + 1, len - idx + 1);

  const lines = slice(idx + 1, len - idx + 2).split('\n');
  const prefix = lines[lines.length - 1];
  if (!lines.every((l) => l.startsWith(prefix))) return slice(idx + 1, len - idx + 1).replace(/[ \t]+$/, '');
  return lines.map((l, k) => (k === lines.length - 1 ? '' : l.slice(prefix.length))).join('\n');
}
