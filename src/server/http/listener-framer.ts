// Incremental HTTP/1.1 request framer: finds where each request on a connection starts, so the
// listener can rewrite a leading `LIST` to `LOCK` and mark a genuine `LOCK` (see list-method.ts)
// before node's parser (llhttp) sees them.
//
// Written by hand because no library frames *requests* incrementally and also rewrites them; it
// does only framing, node still parses everything. The rule that keeps it safe: for every head
// it forwards, llhttp in strict mode either rejects it or frames it exactly as we do. So the
// framer is stricter than llhttp wherever framing could differ, and answers those requests
// itself: bare LF or CR, obs-fold, a header line without a colon, duplicate or non-digit
// Content-Length, Content-Length with Transfer-Encoding, more than one Transfer-Encoding or one
// whose last coding is not `chunked`, CONNECT/PRI. It strips `Upgrade` header lines, because
// node (with no 'upgrade' listener) answers such a request normally but then drops the rest of
// the TCP chunk, which would let the parser resynchronise at a point we did not choose.
//
// Bodies are never buffered: Content-Length and chunked bodies (with extensions and trailers)
// are counted and passed through as slices of the input. Only a head split across TCP reads is
// held (at most MAX_HEAD_BYTES). LIST is rewritten in the input buffer itself; output is the
// input chunk, uncopied, unless a head was split across reads or needs a line added or removed.
import { LOCK_MARKER_LINE, MARKER_HEADER } from './list-method.js';

/** Largest request head (request line + headers) the framer holds; node's own limit is lower. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** Largest chunk-size line (size + extensions) and trailer section. */
const MAX_CHUNK_LINE_BYTES = 64 * 1024;
const MAX_TRAILER_BYTES = 64 * 1024;
const MAX_METHOD_BYTES = 20;
/** 13 hex digits stay below 2^53. */
const MAX_CHUNK_SIZE_DIGITS = 13;
const MAX_CONTENT_LENGTH_DIGITS = 15;

const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const BARE_LF = 'malformed request: a line ends with LF alone; HTTP/1.1 lines end with CRLF';
const BARE_CR = 'malformed request: a CR inside a line; HTTP/1.1 lines end with CRLF';
const CR = 13;
const LF = 10;
const SP = 32;
const HT = 9;
const COLON = 58;
const SEMICOLON = 59;

/** A request the framer will not forward. */
export interface FramingError {
  readonly status: number;
  readonly message: string;
  /**
   * True when the parser sits between two requests (the error is in a head), so a synthetic
   * request can be queued behind earlier ones; false inside a body, where only closing is left.
   */
  readonly atBoundary: boolean;
}

class FramingFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const enum Mode {
  Start, // between requests: skipping CR/LF, waiting for a method
  Head, // inside a request head
  Length, // inside a Content-Length body
  ChunkSize, // inside a chunk-size line: hex digits
  ChunkExt, // inside a chunk-size line: extensions, up to CR
  ChunkSizeLf, // after the chunk-size line's CR
  ChunkData, // inside chunk data
  ChunkDataCr, // after chunk data, expecting CR
  ChunkDataLf, // after chunk data, expecting LF
  Trailer, // inside the trailer section (after the last chunk)
  TrailerLf, // after a CR in the trailer section
  Dead, // after an error: nothing more is accepted
}

export class RequestFramer {
  private mode = Mode.Start;
  // head state
  private readonly held: Buffer[] = [];
  private heldBytes = 0;
  private lastHeldByte = -1;
  private lineBytes = 0;
  private methodBytes = 0;
  private methodDone = false;
  private heads = 0;
  // body state
  private remaining = 0;
  private chunkDigits = 0;
  private lineLength = 0;
  private trailerBytes = 0;

  /** True while part of a request head is held waiting for more bytes. */
  get headPending(): boolean {
    return this.mode === Mode.Head;
  }

  /** Counts request heads begun; lets a caller tell one pending head from the next. */
  get headCount(): number {
    return this.heads;
  }

  /**
   * Feeds the next bytes from the client. Appends, in order, the bytes node's parser must see
   * to `out`. Returns the error that stops this connection, or null. After an error every
   * further call returns null and forwards nothing.
   */
  feed(chunk: Buffer, out: Buffer[]): FramingError | null {
    if (this.mode === Mode.Dead) return null;
    const n = chunk.length;
    let pos = 0;
    let emitFrom = 0; // chunk[emitFrom, pos) is forwarded as it is
    let headFrom = 0; // where the current head starts in this chunk
    try {
      while (pos < n) {
        switch (this.mode) {
          case Mode.Start: {
            const c = chunk[pos];
            if (c === CR || c === LF) {
              // Empty lines between requests (RFC 9112 2.2): dropped, llhttp never sees them.
              if (pos > emitFrom) out.push(chunk.subarray(emitFrom, pos));
              while (pos < n && (chunk[pos] === CR || chunk[pos] === LF)) pos++;
              emitFrom = pos;
              break;
            }
            this.beginHead();
            headFrom = pos;
            break;
          }
          case Mode.Head: {
            const end = this.scanHead(chunk, pos);
            if (end < 0) {
              if (headFrom > emitFrom) out.push(chunk.subarray(emitFrom, headFrom));
              this.hold(chunk.subarray(pos));
              pos = n;
              emitFrom = n;
              break;
            }
            const wasHeld = this.heldBytes > 0;
            const head = wasHeld ? this.takeHeld(chunk.subarray(0, end)) : chunk;
            const replaced = this.parseHead(head, wasHeld ? 0 : headFrom);
            if (replaced !== null || wasHeld) {
              if (headFrom > emitFrom) out.push(chunk.subarray(emitFrom, headFrom));
              out.push(replaced ?? head);
              emitFrom = end;
            }
            pos = end;
            break;
          }
          case Mode.Length:
          case Mode.ChunkData: {
            const take = Math.min(this.remaining, n - pos);
            pos += take;
            this.remaining -= take;
            if (this.remaining === 0) this.mode = this.mode === Mode.Length ? Mode.Start : Mode.ChunkDataCr;
            break;
          }
          default:
            pos = this.scanChunked(chunk, pos);
        }
      }
    } catch (err) {
      if (!(err instanceof FramingFailure)) throw err;
      const atBoundary = this.mode === Mode.Head;
      if (atBoundary) {
        if (headFrom > emitFrom) out.push(chunk.subarray(emitFrom, headFrom));
      } else if (pos > emitFrom) {
        out.push(chunk.subarray(emitFrom, pos));
      }
      this.die();
      return { status: err.status, message: err.message, atBoundary };
    }
    if (pos > emitFrom) out.push(emitFrom === 0 && pos === n ? chunk : chunk.subarray(emitFrom, pos));
    return null;
  }

  /** Stops the framer, e.g. when the head timeout fires; drops any held bytes. */
  die(): void {
    this.mode = Mode.Dead;
    this.held.length = 0;
    this.heldBytes = 0;
  }

  private beginHead(): void {
    this.mode = Mode.Head;
    this.heads++;
    this.lineBytes = 0;
    this.lastHeldByte = -1;
    this.methodBytes = 0;
    this.methodDone = false;
  }

  private hold(part: Buffer): void {
    this.heldBytes += part.length;
    if (this.heldBytes > MAX_HEAD_BYTES) {
      throw new FramingFailure(431, `request head is larger than ${MAX_HEAD_BYTES} bytes`);
    }
    this.held.push(part);
    this.lastHeldByte = part[part.length - 1];
  }

  private takeHeld(last: Buffer): Buffer {
    this.held.push(last);
    const head = Buffer.concat(this.held, this.heldBytes + last.length);
    this.held.length = 0;
    this.heldBytes = 0;
    return head;
  }

  /**
   * Scans head bytes from `from`. Returns the index just past the blank line ending the head,
   * or -1 if the head continues past this chunk (the bytes from `from` are then to be held).
   */
  private scanHead(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let i = from;
    if (this.heldBytes === 0 && this.methodBytes === 0) {
      // Fast path, a head wholly inside this read: one native search for its end. parseHead()
      // still rejects a bare LF or CR anywhere before it, as the byte-wise scan below would.
      const end = chunk.indexOf(HEAD_END, from);
      if (end !== -1 && end + 4 - from <= MAX_HEAD_BYTES) {
        this.scanMethod(chunk, from, end);
        return end + 4;
      }
    }
    if (!this.methodDone) {
      i = this.scanMethod(chunk, from, n);
      if (!this.methodDone) {
        this.lineBytes += i - from;
        return -1;
      }
    }
    let lineFrom = from;
    for (;;) {
      const lf = chunk.indexOf(LF, i);
      if (lf === -1) {
        this.lineBytes += n - lineFrom;
        if (this.heldBytes + (n - from) > MAX_HEAD_BYTES) {
          throw new FramingFailure(431, `request head is larger than ${MAX_HEAD_BYTES} bytes`);
        }
        return -1;
      }
      const before = lf > from ? chunk[lf - 1] : this.lastHeldByte;
      if (before !== CR) {
        throw new FramingFailure(400, BARE_LF);
      }
      const length = this.lineBytes + (lf - lineFrom); // bytes before the LF, CR included
      this.lineBytes = 0;
      lineFrom = i = lf + 1;
      if (this.heldBytes + (i - from) > MAX_HEAD_BYTES) {
        throw new FramingFailure(431, `request head is larger than ${MAX_HEAD_BYTES} bytes`);
      }
      if (length === 1) return i;
    }
  }

  /**
   * Validates method bytes from `from` (before `end`) as they arrive, so binary garbage is refused
   * at once. Returns the index after the space that ends the method, or `end` if it goes on.
   */
  private scanMethod(chunk: Buffer, from: number, end: number): number {
    for (let i = from; i < end; i++) {
      const c = chunk[i];
      if (c === SP && this.methodBytes > 0) {
        this.methodDone = true;
        return i + 1;
      }
      if (!((c >= 65 && c <= 90) || c === 45) || this.methodBytes >= MAX_METHOD_BYTES) {
        throw new FramingFailure(400, 'malformed request: expected an HTTP method such as GET or LIST');
      }
      this.methodBytes++;
    }
    if (end < chunk.length) throw new FramingFailure(400, 'malformed request: expected an HTTP method such as GET or LIST');
    return end;
  }

  /**
   * Reads the framing headers of the head starting at `head[start]` (it ends at the first
   * CRLFCRLF), rewrites its method in place (LIST becomes LOCK) and enters its body. Returns the
   * bytes to forward instead when lines must be added or removed (null: forward it as it is).
   */
  private parseHead(head: Buffer, start: number): Buffer | null {
    let lf = lineEnd(head, start);
    const method = this.methodBytes;
    const isLock = method === 4 && matches(head, start, 'LOCK', false);
    if ((method === 7 && matches(head, start, 'CONNECT', false)) || (method === 3 && matches(head, start, 'PRI', false))) {
      throw new FramingFailure(400, 'CONNECT and PRI requests are not supported; speak HTTP/1.1');
    }
    const requestLineEnd = lf + 1;
    let contentLength = -1;
    let chunked = false;
    let transferEncodings = 0;
    let strip: number[] | null = null; // [start, end) pairs of header lines to drop

    for (let ls = requestLineEnd; ; ls = lf + 1) {
      const first = head[ls];
      if (first === CR) {
        // The blank line: the head ends at the first CRLFCRLF, so nothing follows it.
        if (head[ls + 1] !== LF) throw new FramingFailure(400, BARE_CR);
        lf = ls + 1;
        break;
      }
      if (first === SP || first === HT) {
        throw new FramingFailure(400, 'malformed request: folded header lines (obs-fold) are not accepted');
      }
      let colon = -1;
      let i = ls;
      for (let c = head[i]; c !== CR; c = head[++i]) {
        if (c === LF) throw new FramingFailure(400, BARE_LF);
        if (c === COLON && colon === -1) colon = i;
      }
      if (head[i + 1] !== LF) throw new FramingFailure(400, BARE_CR);
      lf = i + 1;
      if (colon <= ls) {
        throw new FramingFailure(400, 'malformed request: a header line has no "name:" part');
      }
      const nameLength = colon - ls;
      if (nameLength === 14 && matches(head, ls, 'content-length', true)) {
        if (contentLength !== -1) throw new FramingFailure(400, 'malformed request: more than one Content-Length header');
        contentLength = parseContentLength(head, colon + 1, lf - 1);
      } else if (nameLength === 17 && matches(head, ls, 'transfer-encoding', true)) {
        if (++transferEncodings > 1) {
          throw new FramingFailure(400, 'malformed request: send a single Transfer-Encoding header');
        }
        chunked = endsWithChunked(head.toString('latin1', colon + 1, lf - 1));
      } else if (
        (nameLength === 7 && matches(head, ls, 'upgrade', true)) ||
        (nameLength === MARKER_HEADER.length && matches(head, ls, MARKER_HEADER, true))
      ) {
        (strip ??= []).push(ls, lf + 1);
      }
    }
    if (transferEncodings > 0 && contentLength !== -1) {
      throw new FramingFailure(400, 'malformed request: Content-Length and Transfer-Encoding must not both be sent');
    }
    // No more errors past this point: enter the body.
    if (chunked) {
      this.startChunkLine();
    } else if (contentLength > 0) {
      this.mode = Mode.Length;
      this.remaining = contentLength;
    } else {
      this.mode = Mode.Start;
    }
    if (method === 4 && matches(head, start, 'LIST', false)) {
      head[start + 1] = 0x4f; // LIST -> LOCK
      head[start + 2] = 0x43;
      head[start + 3] = 0x4b;
    }
    if (!isLock && strip === null) return null;

    const parts: Buffer[] = [head.subarray(start, requestLineEnd)];
    if (isLock) parts.push(LOCK_MARKER_LINE);
    let cursor = requestLineEnd;
    if (strip !== null) {
      for (let k = 0; k < strip.length; k += 2) {
        parts.push(head.subarray(cursor, strip[k]));
        cursor = strip[k + 1];
      }
    }
    parts.push(head.subarray(cursor, lf + 1));
    return Buffer.concat(parts);
  }

  private startChunkLine(): void {
    this.mode = Mode.ChunkSize;
    this.remaining = 0;
    this.chunkDigits = 0;
    this.lineLength = 0;
  }

  /** Steps through chunk-size lines, chunk delimiters and trailers; returns the new position. */
  private scanChunked(chunk: Buffer, from: number): number {
    const n = chunk.length;
    let i = from;
    for (; i < n; i++) {
      const c = chunk[i];
      switch (this.mode) {
        case Mode.ChunkSize: {
          const digit = hexValue(c);
          if (digit >= 0) {
            if (++this.chunkDigits > MAX_CHUNK_SIZE_DIGITS) throw new FramingFailure(400, 'chunk size is too large');
            this.remaining = this.remaining * 16 + digit;
          } else if (this.chunkDigits > 0 && c === SEMICOLON) {
            this.mode = Mode.ChunkExt;
          } else if (this.chunkDigits > 0 && c === CR) {
            this.mode = Mode.ChunkSizeLf;
          } else {
            throw new FramingFailure(400, 'malformed chunked body: bad chunk size line');
          }
          break;
        }
        case Mode.ChunkExt: {
          if (c === CR) this.mode = Mode.ChunkSizeLf;
          else if (c === LF) throw new FramingFailure(400, 'malformed chunked body: bare LF in chunk extension');
          else if (++this.lineLength > MAX_CHUNK_LINE_BYTES) throw new FramingFailure(400, 'chunk extensions are too long');
          break;
        }
        case Mode.ChunkSizeLf: {
          if (c !== LF) throw new FramingFailure(400, 'malformed chunked body: chunk size line must end with CRLF');
          if (this.remaining === 0) {
            this.mode = Mode.Trailer;
            this.lineLength = 0;
            this.trailerBytes = 0;
          } else {
            this.mode = Mode.ChunkData;
            return i + 1;
          }
          break;
        }
        case Mode.ChunkDataCr: {
          if (c !== CR) throw new FramingFailure(400, 'malformed chunked body: chunk data must end with CRLF');
          this.mode = Mode.ChunkDataLf;
          break;
        }
        case Mode.ChunkDataLf: {
          if (c !== LF) throw new FramingFailure(400, 'malformed chunked body: chunk data must end with CRLF');
          this.startChunkLine();
          break;
        }
        case Mode.Trailer: {
          if (c === CR) this.mode = Mode.TrailerLf;
          else if (c === LF) throw new FramingFailure(400, 'malformed chunked body: bare LF in trailer');
          else this.lineLength++;
          if (++this.trailerBytes > MAX_TRAILER_BYTES) throw new FramingFailure(400, 'trailer section is too large');
          break;
        }
        case Mode.TrailerLf: {
          if (c !== LF) throw new FramingFailure(400, 'malformed chunked body: bare CR in trailer');
          if (this.lineLength === 0) {
            this.mode = Mode.Start;
            return i + 1;
          }
          this.mode = Mode.Trailer;
          this.lineLength = 0;
          break;
        }
        default:
          return i; // Start/Head/Length/ChunkData are handled by feed()
      }
    }
    return i;
  }
}

/** Index of the LF ending the line at `start`; throws on a bare CR or LF. The head ends in CRLF. */
function lineEnd(head: Buffer, start: number): number {
  let i = start;
  for (let c = head[i]; c !== CR; c = head[++i]) {
    if (c === LF) throw new FramingFailure(400, BARE_LF);
  }
  if (head[i + 1] !== LF) throw new FramingFailure(400, BARE_CR);
  return i + 1;
}

/** Compares head[at..] with an ASCII word (lower-case), ignoring the case of head's letters if asked. */
function matches(head: Buffer, at: number, word: string, ignoreCase: boolean): boolean {
  for (let k = 0; k < word.length; k++) {
    let c = head[at + k];
    if (ignoreCase && c >= 65 && c <= 90) c |= 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

function parseContentLength(head: Buffer, start: number, end: number): number {
  while (start < end && (head[start] === SP || head[start] === HT)) start++;
  while (end > start && (head[end - 1] === SP || head[end - 1] === HT)) end--;
  const digits = end - start;
  if (digits === 0 || digits > MAX_CONTENT_LENGTH_DIGITS) {
    throw new FramingFailure(400, 'malformed request: Content-Length must be a decimal byte count');
  }
  let value = 0;
  for (let k = start; k < end; k++) {
    const c = head[k];
    if (c < 48 || c > 57) throw new FramingFailure(400, 'malformed request: Content-Length must be a decimal byte count');
    value = value * 10 + (c - 48);
  }
  return value;
}

/** True if the codings end with `chunked` (and name it once); a request body must be chunked last. */
function endsWithChunked(value: string): boolean {
  const codings = value.split(',').map((s) => s.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase());
  const last = codings.length - 1;
  if (codings[last] !== 'chunked' || codings.indexOf('chunked') !== last || codings.includes('')) {
    throw new FramingFailure(400, 'malformed request: Transfer-Encoding must end with "chunked"');
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
