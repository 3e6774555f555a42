// How a Vault `LIST` request crosses node's HTTP parser, which rejects unknown methods.
//
// The framer (listener-framer.ts) rewrites `LIST` to `LOCK` in place (same length: no copy,
// the hot path). A client's genuine `LOCK` instead gets an internal marker header
// (`x-coffer-original-method: LOCK`) as its FIRST header line, and the framer strips every
// marker header a client sends, so a marker reaching the parser can only be ours. Hence, at
// the handler: LOCK without our marker was LIST; LOCK with it was LOCK. takeMark() runs before
// the handler, restores the method and removes the marker from rawHeaders/headers. The same
// marker tags the synthetic request the framer injects to get a framing error answered in order.
import type { IncomingMessage } from 'node:http';

export const LIST_METHOD = 'LIST';
/** A same-length method llhttp accepts, with no special meaning in node, that no Vault client sends. */
export const CARRIER_METHOD = 'LOCK';
/** Lower-case, as node reports header names. */
export const MARKER_HEADER = 'x-coffer-original-method';
const MARK_LOCK = CARRIER_METHOD;
const MARK_FRAMING_ERROR = 'framing-error';

/** The header line the framer inserts after the request line of a client's genuine LOCK. */
export const LOCK_MARKER_LINE = Buffer.from(`${MARKER_HEADER}: ${MARK_LOCK}\r\n`, 'latin1');

/**
 * The request the framer feeds the parser after a framing error, so that node answers it after
 * any earlier pipelined responses and then closes the connection.
 */
export const FRAMING_ERROR_REQUEST = Buffer.from(
  `${CARRIER_METHOD} /coffer-framing-error HTTP/1.1\r\n` +
    `${MARKER_HEADER}: ${MARK_FRAMING_ERROR}\r\n` +
    'Host: coffer\r\nConnection: close\r\n\r\n',
  'latin1',
);

export type Mark = 'list' | 'lock' | 'framing-error';

/**
 * Restores what the framer encoded: sets `req.method = 'LIST'` for LIST requests and removes
 * the marker of a genuine LOCK or of a framing error. Returns null for all other methods
 * (one string compare).
 */
export function takeMark(req: IncomingMessage): Mark | null {
  if (req.method !== CARRIER_METHOD) return null;
  const raw = req.rawHeaders;
  if (raw.length < 2 || raw[0].length !== MARKER_HEADER.length || raw[0].toLowerCase() !== MARKER_HEADER) {
    req.method = LIST_METHOD;
    return 'list';
  }
  const value = raw[1];
  raw.splice(0, 2);
  // `headers` may already be built from rawHeaders (node reads `host` before 'request').
  delete req.headers[MARKER_HEADER];
  return value === MARK_FRAMING_ERROR ? 'framing-error' : 'lock';
}

/**
 * On a connection node parses natively no marker is ours: a client's marker header is removed
 * so that the handler never sees one, whichever way the connection is served.
 */
export function dropClientMarker(req: IncomingMessage): void {
  if (req.headers[MARKER_HEADER] === undefined) return;
  delete req.headers[MARKER_HEADER];
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) if (raw[i]!.toLowerCase() === MARKER_HEADER) raw.splice(i, 2);
}
