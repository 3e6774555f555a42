// The Duplex the listener hands to node's http.Server in place of the real socket
// (`httpServer.emit('connection', duplex)`, which node documents for any Duplex) once a
// connection needs the framer (listener-native.ts says when), starting from what was read so far.
//
// Reading: client bytes go through the RequestFramer; what it returns is pushed to the HTTP
// parser. Writing: responses go straight to the real socket. It forwards what node and
// handlers use from a net.Socket (addresses, setTimeout/'timeout', setNoDelay, setKeepAlive,
// destroySoon, bytesRead/bytesWritten, `encrypted` for TLS), keeps backpressure both ways, and
// ties end/close/error of the two together. `raw` is the real socket (e.g. for
// getPeerCertificate()).
//
// A framing error in a head queues FRAMING_ERROR_REQUEST: node answers it after any earlier
// pipelined responses, then closes. An error inside a body ends the input instead (node
// answers 400 if it can and closes). Either way the rest of the client's bytes are discarded.
// A head left incomplete longer than the server's headersTimeout gets 408 the same way, since
// node cannot time a head it has not been given.
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { RequestFramer, type FramingError } from './listener-framer.js';
import { FRAMING_ERROR_REQUEST } from './list-method.js';
import type { HandOver } from './listener-native.js';
import { ResponseQueue } from './response-queue.js';

type WriteCallback = (error?: Error | null) => void;
type Chunk = Buffer | string;

export class FramedSocket extends Duplex {
  /** The answer owed for the framing error that stopped this connection, if any. */
  framingError: FramingError | null = null;
  /** Responses of dispatched requests not yet closed (kept by the listener). */
  readonly responses = new ResponseQueue();
  declare readonly encrypted?: true;

  private readonly framer = new RequestFramer();
  private readonly out: Buffer[] = [];
  private dead = false;
  private drainCallback: WriteCallback | null = null;
  private headTimer: NodeJS.Timeout | null = null;
  private timedHead = -1;
  private timedSince = 0;

  constructor(
    readonly raw: Socket,
    private readonly headersTimeout: () => number,
    start: HandOver = { data: [], error: null },
  ) {
    super({
      allowHalfOpen: true,
      decodeStrings: false,
      readableHighWaterMark: raw.readableHighWaterMark,
      writableHighWaterMark: raw.writableHighWaterMark,
    });
    if (raw instanceof TLSSocket) Object.defineProperty(this, 'encrypted', { value: true, enumerable: true });
    raw.on('data', (chunk: Buffer) => this.onRawData(chunk));
    raw.on('end', () => this.onRawEnd());
    raw.on('drain', () => {
      const callback = this.drainCallback;
      this.drainCallback = null;
      callback?.();
    });
    raw.on('timeout', () => this.emit('timeout'));
    raw.on('error', (error: Error) => this.destroy(error));
    raw.on('close', () => {
      if (!this.destroyed) this.destroy();
    });
    // After an error nothing the client sent is framed: where its next request starts is unknown.
    if (start.error) {
      this.framer.die();
      this.fail(start.error);
    } else for (const chunk of start.data) this.onRawData(chunk);
  }

  get remoteAddress(): string | undefined {
    return this.raw.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.raw.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.raw.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.raw.localAddress;
  }
  get localPort(): number | undefined {
    return this.raw.localPort;
  }
  get bytesRead(): number {
    return this.raw.bytesRead;
  }
  get bytesWritten(): number {
    return this.raw.bytesWritten;
  }
  address(): ReturnType<Socket['address']> {
    return this.raw.address();
  }
  setTimeout(ms: number, callback?: () => void): this {
    this.raw.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.raw.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.raw.setKeepAlive(enable, initialDelay);
    return this;
  }
  /** As net.Socket: end, then destroy once everything is flushed. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  override _read(): void {
    if (this.raw.isPaused()) this.raw.resume();
  }

  override _write(chunk: Chunk, encoding: BufferEncoding, callback: WriteCallback): void {
    if (typeof chunk === 'string' ? this.raw.write(chunk, encoding) : this.raw.write(chunk)) callback();
    else this.drainCallback = callback;
  }

  override _writev(chunks: Array<{ chunk: Chunk; encoding: BufferEncoding }>, callback: WriteCallback): void {
    const raw = this.raw;
    raw.cork();
    for (const { chunk, encoding } of chunks) {
      if (typeof chunk === 'string') raw.write(chunk, encoding);
      else raw.write(chunk);
    }
    raw.uncork();
    if (raw.writableNeedDrain) this.drainCallback = callback;
    else callback();
  }

  override _final(callback: WriteCallback): void {
    this.raw.end(() => callback());
  }

  override _destroy(error: Error | null, callback: WriteCallback): void {
    this.stopHeadTimer();
    const drain = this.drainCallback;
    this.drainCallback = null;
    drain?.(error ?? new Error('socket closed'));
    if (!this.raw.destroyed) this.raw.destroy();
    callback(error);
  }

  private onRawData(chunk: Buffer): void {
    if (this.dead || this.destroyed) return;
    const out = this.out;
    const error = this.framer.feed(chunk, out);
    let more = true;
    for (let i = 0; i < out.length && !this.destroyed; i++) more = this.push(out[i]);
    out.length = 0;
    if (error !== null) this.fail(error);
    else this.watchHead();
    if (!more && !this.dead && !this.destroyed) this.raw.pause();
  }

  private onRawEnd(): void {
    if (this.dead || this.destroyed) return;
    // A partly received head is dropped: the client can no longer complete it.
    this.dead = true;
    this.framer.die();
    this.stopHeadTimer();
    this.push(null);
  }

  private fail(error: FramingError): void {
    this.dead = true;
    this.stopHeadTimer();
    if (this.destroyed) return;
    if (error.atBoundary) {
      this.framingError = error;
      this.push(FRAMING_ERROR_REQUEST);
    } else {
      this.push(null);
    }
    // Discard whatever else the client sends until node closes the connection.
    if (this.raw.isPaused()) this.raw.resume();
  }

  /** Arms a timer while a head is held; the timer re-checks lazily instead of being reset per read. */
  private watchHead(): void {
    if (!this.framer.headPending) return;
    const head = this.framer.headCount;
    if (head !== this.timedHead) {
      this.timedHead = head;
      this.timedSince = Date.now();
    }
    const limit = this.headersTimeout();
    if (this.headTimer === null && limit > 0) this.armHeadTimer(limit);
  }

  private armHeadTimer(delay: number): void {
    this.headTimer = setTimeout(() => this.onHeadTimer(), delay);
    this.headTimer.unref();
  }

  private onHeadTimer(): void {
    this.headTimer = null;
    if (this.dead || this.destroyed || !this.framer.headPending) return;
    const limit = this.headersTimeout();
    if (limit <= 0) return;
    if (this.framer.headCount === this.timedHead) {
      const left = this.timedSince + limit - Date.now();
      if (left > 0) {
        this.armHeadTimer(left);
        return;
      }
      this.framer.die();
      this.fail({ status: 408, message: `request head not received within ${limit} ms`, atBoundary: true });
    } else {
      this.watchHead();
    }
  }

  private stopHeadTimer(): void {
    if (this.headTimer !== null) {
      clearTimeout(this.headTimer);
      this.headTimer = null;
    }
  }
}
