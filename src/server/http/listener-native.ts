// A connection served by node's own HTTP parser, on its native fast path (the parser reads the
// socket in C++), until something arrives that only the framer can handle. Then the rest of the
// connection is handed to a FramedSocket (listener-socket.ts).
//
// What triggers the hand-over, all seen through node's documented server events:
// - 'clientError' HPE_INVALID_METHOD at a LIST: llhttp stops at the `S` (it knows LINK and LOCK,
//   so `LI` is a valid prefix), and err.bytesParsed says where in err.rawPacket (the chunk being
//   parsed). The request restarts as `LI` + the bytes from the `S` on. When `LI` came in an
//   earlier read it is no longer visible; a garbage method such as `UNLIST` is then served as
//   LIST, which frames the stream exactly as LIST would and gives the client nothing it could not
//   ask for by sending LIST.
// - any other parse error in a request head: the framer answers it (400, or 431 for a head over
//   node's limit) in order after earlier pipelined responses, then closes.
// - 'upgrade' (a request with `Connection: upgrade`): node has parsed the head and stopped
//   parsing; the head is rebuilt from req.rawHeaders and the framer serves it as a plain request
//   (it strips Upgrade lines), so no bytes after it are lost. 'connect' (CONNECT) gets 400.
// Requests node already dispatched on this connection are answered first: the hand-over waits
// until their responses are closed, with the socket paused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FramingError } from './listener-framer.js';
import { ResponseQueue } from './response-queue.js';

type Listener = (...args: unknown[]) => void;

/** What a FramedSocket starts with: bytes already read from the client, or an error to answer. */
export interface HandOver {
  data: Buffer[];
  error: FramingError | null;
}

/** The fields of node's parse errors this module reads (documented for 'clientError'). */
export interface ParseError extends Error {
  code?: string;
  reason?: string;
  bytesParsed?: number;
  rawPacket?: Buffer;
}

const S = 0x53;

/** Where a LIST request starts, rebuilt from an HPE_INVALID_METHOD error; null if it was not a LIST. */
export function listRequestStart(err: ParseError): Buffer | null {
  const chunk = err.rawPacket;
  const at = err.bytesParsed;
  if (err.code !== 'HPE_INVALID_METHOD' || !Buffer.isBuffer(chunk) || typeof at !== 'number') return null;
  if (at < 0 || at >= chunk.length || chunk[at] !== S) return null;
  const seen = chunk.toString('latin1', Math.max(0, at - 2), at);
  if (!'LI'.endsWith(seen)) return null;
  return Buffer.concat([Buffer.from('LI', 'latin1'), chunk.subarray(at)]);
}

/** The bytes of a request head node has parsed, for the framer to parse again. */
export function rebuildHead(req: IncomingMessage): Buffer {
  const lines = [`${req.method ?? ''} ${req.url ?? ''} HTTP/${req.httpVersion}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) lines.push(`${raw[i]}: ${raw[i + 1]}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

const EVENTS = ['data', 'end', 'timeout', 'drain'] as const;

export class NativeConnection {
  /** Responses of dispatched requests not yet closed (kept by the listener). */
  readonly responses = new ResponseQueue();
  private readonly nodeListeners: Array<[string, Listener]> = [];
  private pending: HandOver | null = null;
  private handedOver = false;

  /**
   * `emitConnection` must emit `raw` on node's http.Server; `start` receives the socket when it
   * is handed over and must put a FramedSocket on it.
   */
  constructor(
    readonly raw: Socket,
    emitConnection: () => void,
    private readonly start: (raw: Socket, handOver: HandOver) => void,
  ) {
    const before = new Map(EVENTS.map((e) => [e, raw.listeners(e)]));
    emitConnection();
    for (const event of EVENTS) {
      for (const l of raw.listeners(event)) if (!before.get(event)!.includes(l)) this.nodeListeners.push([event, l as Listener]);
    }
  }

  /** True while node's parser still serves this connection. */
  get native(): boolean {
    return this.pending === null && !this.handedOver;
  }

  /** Ends the connection once what is written is flushed. */
  destroySoon(): void {
    this.raw.destroySoon();
  }

  /** Called for each request node dispatches on this connection. */
  track(res: ServerResponse, onClosed: () => void): void {
    this.responses.add(res, () => {
      onClosed();
      if (this.responses.size === 0 && this.pending) this.finishHandOver();
    });
  }

  /**
   * A parse error from node on this connection. Returns false when the error is inside a body
   * (or not a parse error), which the caller answers as node would; true when handed over.
   */
  onParseError(err: ParseError, inBody: boolean): boolean {
    if (!this.native || inBody || typeof err.code !== 'string' || !err.code.startsWith('HPE_')) return false;
    const list = listRequestStart(err);
    if (list) this.handOver({ data: [list], error: null });
    else {
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      this.handOver({ data: [], error: { status, message: `malformed request: ${err.reason ?? err.code}`, atBoundary: true } });
    }
    return true;
  }

  /** node's 'upgrade' event for this connection: serve the request as a plain one. */
  onUpgrade(req: IncomingMessage, head: Buffer): void {
    this.handOver({ data: [rebuildHead(req), head], error: null });
  }

  /** node's 'connect' event for this connection. */
  onConnect(): void {
    this.handOver({ data: [], error: { status: 400, message: 'CONNECT and PRI requests are not supported; speak HTTP/1.1', atBoundary: true } });
  }

  private handOver(handOver: HandOver): void {
    if (!this.native) return;
    this.pending = handOver;
    const raw = this.raw;
    // A 'data' listener takes the socket off node's native parser (node unconsumes it); the
    // socket is paused right away, so what the client sends next waits in the socket.
    const early = (chunk: Buffer): void => {
      if (!handOver.error) handOver.data.push(chunk);
    };
    raw.on('data', early);
    raw.pause();
    this.stopEarly = () => raw.removeListener('data', early);
    for (const [event, l] of this.nodeListeners) if (event === 'data' || event === 'end') raw.removeListener(event, l);
    if (this.responses.size === 0) this.finishHandOver();
  }

  private stopEarly: () => void = () => undefined;

  private finishHandOver(): void {
    const handOver = this.pending!;
    this.pending = null;
    this.handedOver = true;
    this.stopEarly();
    for (const [event, l] of this.nodeListeners) this.raw.removeListener(event, l);
    if (this.raw.destroyed) return;
    // node set its keep-alive timeout after the last response; the new connection sets its own.
    this.raw.setTimeout(0);
    this.start(this.raw, handOver);
  }
}
