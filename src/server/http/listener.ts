// Coffer's HTTP listener (plain TCP or TLS) that accepts Vault's `LIST` method.
//
// Why this mechanism: node 20's parser (llhttp 9) rejects any method outside its fixed table
// with HPE_INVALID_METHOD, and no http.Server option changes that (insecureHTTPParser loosens
// header/body rules, not methods). Putting our own framer in front of every connection costs
// node's native read path (its parser reads the socket in C++; measured in bench/kv: about a
// fifth of the server's CPU per KV read). So each connection starts on node's own parser,
// untouched (listener-native.ts), and only when node reports something it cannot serve (a
// LIST, an Upgrade or CONNECT request, or a malformed head, through its documented
// 'clientError', 'upgrade' and 'connect' events) is the rest of that connection handed, after
// the responses already owed on it, to a Duplex (listener-socket.ts) given to node's
// http.Server with its documented `emit('connection', duplex)`. Its input passes through a
// small HTTP/1.1 framer (listener-framer.ts) that finds where each request starts
// (Content-Length and chunked bodies, trailers, pipelining, any TCP split) and there rewrites
// `LIST` to the same-length `LOCK` in place; a client's genuine LOCK gets an internal marker
// header that clients cannot forge (the framer strips theirs), so the two never mix
// (list-method.ts). Everything else (parsing, keep-alive, 100-continue, timeouts, limits)
// stays node's own, so the handler sees exactly what plain node:http gives it; only `upgrade`
// header lines are removed (no upgrades are served; see listener-framer.ts). Cost, measured by
// bench/list-method/run.ts: next to nothing for connections that never send LIST; a JS stream
// hop for those that do.
//
// Limits: HTTP/1.x only (no HTTP/2, upgrades or CONNECT). The framer's 64 KiB head limit sits
// above node's own maxHeaderSize (16 KiB by default, answered 431 by node).
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { FramedSocket } from './listener-socket.js';
import { dropClientMarker, takeMark } from './list-method.js';
import type { FramingError } from './listener-framer.js';
import { NativeConnection, type HandOver, type ParseError } from './listener-native.js';
import type { ResponseQueue } from './response-queue.js';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface ListenerOptions {
  /** PEM certificate chain and key; omit for plain HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Sees `req.method === 'LIST'` for LIST requests, otherwise plain node:http objects. */
  handler: RequestHandler;
}

export interface Listener {
  /** The socket server that accepts connections (a tls.Server when `tls` is set). */
  readonly server: net.Server;
  /**
   * node's HTTP server behind it: set timeouts and limits here (headersTimeout, requestTimeout,
   * keepAliveTimeout, maxHeadersCount...). Serve requests through `handler` only: a 'request'
   * or 'checkContinue' listener added here would see LIST as LOCK.
   */
  readonly http: http.Server;
  listen(port: number, host: string): Promise<{ port: number }>;
  /**
   * Stops accepting; ends idle connections and those whose request the client is still sending
   * (nothing has been done for it yet, and a stalled client would hold the close up for ever);
   * lets requests being served finish, then ends their connections. Resolves when every
   * connection is closed (a stalled TLS handshake can hold it up to tls.Server's handshakeTimeout).
   */
  close(): Promise<void>;
  /** Ends every connection now, whatever it is doing (after close(), once its grace period is over). */
  destroyConnections(): void;
}

export function createListener(options: ListenerOptions): Listener {
  // insecureHTTPParser: false explicitly, so the --insecure-http-parser flag cannot make
  // llhttp lenient and so frame differently from the framer.
  const httpServer = http.createServer({ insecureHTTPParser: false });
  const natives = new Map<net.Socket, NativeConnection>();
  const framed = new Set<FramedSocket>();
  let closing = false;

  /** During a graceful close(), a connection is ended once its last response is closed. */
  const closed = (connection: Connection): void => {
    if (connection.responses.size === 0 && closing) connection.destroySoon();
  };

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket: net.Socket | FramedSocket = req.socket;
    if (socket instanceof FramedSocket) {
      // Only the framer encodes LIST as a marked LOCK; on a native connection LOCK is LOCK.
      if (takeMark(req) === 'framing-error') {
        answerFramingError(res, socket.framingError);
        return;
      }
      socket.responses.add(res, () => closed(socket));
    } else {
      dropClientMarker(req);
      const native = natives.get(socket);
      if (native) {
        native.track(res, () => closed(native));
      }
    }
    if (closing) res.setHeader('Connection', 'close');
    options.handler(req, res);
  });

  // What node's parser does not serve itself goes to the framer (see listener-native.ts).
  httpServer.on('clientError', (err: ParseError, socket: net.Socket | FramedSocket) => {
    const native = socket instanceof FramedSocket ? undefined : natives.get(socket);
    // A handed-over socket belongs to its FramedSocket (node's old parser may still time out).
    if (native && !native.native) return;
    const responses = socket instanceof FramedSocket ? socket.responses : native?.responses;
    // The newest dispatched request still reading its body: the error is inside that body.
    const newest = responses?.newest?.req;
    if (native?.onParseError(err, newest !== undefined && !newest.complete)) return;
    answerClientError(socket, err, responses?.oldest);
  });
  httpServer.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const native = natives.get(socket);
    if (native) native.onUpgrade(req, head);
    else socket.destroy();
  });
  httpServer.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
    const native = natives.get(socket);
    if (native) native.onConnect();
    else socket.destroy();
  });

  const startFramed = (raw: net.Socket, handOver: HandOver): void => {
    const socket = new FramedSocket(raw, () => httpServer.headersTimeout, handOver);
    framed.add(socket);
    socket.once('close', () => framed.delete(socket));
    httpServer.emit('connection', socket);
  };

  const accept = (raw: net.Socket): void => {
    raw.setNoDelay(true);
    const native = new NativeConnection(raw, () => httpServer.emit('connection', raw), startFramed);
    natives.set(raw, native);
    raw.once('close', () => natives.delete(raw));
  };

  const server: net.Server = options.tls
    ? tls.createServer(
        { cert: options.tls.cert, key: options.tls.key, allowHalfOpen: true, ALPNProtocols: ['http/1.1'] },
        accept,
      )
    : net.createServer({ allowHalfOpen: true, noDelay: true }, accept);

  const close = (): Promise<void> =>
    new Promise((resolve) => {
      closing = true;
      server.close(() => {
        httpServer.close(); // stops node's timeout checks
        resolve();
      });
      // The last response queued on each busy connection says `Connection: close`...
      // ...and idle ones are ended now (after flushing, unlike http.Server.closeIdleConnections).
      // A connection handed to the framer is ended through its FramedSocket.
      for (const connection of [...framed, ...natives.values()]) {
        const last = connection.responses.newest;
        if (last) {
          if (!last.req.complete) connection.raw.destroy();
          else if (!last.headersSent) last.setHeader('Connection', 'close');
        } else if (!(connection instanceof NativeConnection) || connection.native) connection.destroySoon();
      }
    });

  const destroyConnections = (): void => {
    for (const connection of [...framed, ...natives.values()]) connection.raw.destroy();
  };

  return {
    server,
    http: httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          // node starts its headers/request timeout checks on 'listening'; our http.Server
          // never listens itself, so it is told here.
          httpServer.emit('listening');
          resolve({ port: (server.address() as AddressInfo).port });
        });
      }),
    close,
    destroyConnections,
  };
}

/** The real socket under a request (e.g. TLSSocket for getPeerCertificate()). */
export function peerSocket(req: http.IncomingMessage): net.Socket {
  const socket: net.Socket | FramedSocket = req.socket;
  return socket instanceof FramedSocket ? socket.raw : socket;
}

/** What close() needs of a connection, native or framed. */
interface Connection {
  readonly responses: ResponseQueue;
  /** The TCP (or TLS) socket. */
  readonly raw: net.Socket;
  destroySoon(): void;
}

/**
 * node's own answer to a client error it cannot recover from (what http.Server does without a
 * 'clientError' listener), as JSON: the status, unless a response has started on the
 * connection, then the connection is closed.
 */
function answerClientError(socket: net.Socket | FramedSocket, err: ParseError, current: http.ServerResponse | undefined): void {
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? 413 : 400;
  const message = status === 408 ? 'request not received in time' : `malformed request: ${err.reason ?? err.code ?? 'unreadable'}`;
  if (socket.writable && !current?.headersSent) {
    const body = JSON.stringify({ errors: [message] });
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

function answerFramingError(res: http.ServerResponse, error: FramingError | null): void {
  const body = JSON.stringify({ errors: [error?.message ?? 'malformed request'] });
  res.writeHead(error?.status ?? 400, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}
