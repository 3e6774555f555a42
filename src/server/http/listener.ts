// Coffer's HTTP listener (plain TCP or TLS) that accepts Vault's `LIST` method.
//
// Why this mechanism: node 20's parser (llhttp 9) rejects any method outside its fixed table
// with HPE_INVALID_METHOD before any JS runs, and no http.Server option changes that
// (insecureHTTPParser loosens header/body rules, not methods; 'clientError' only sees the
// request once the connection is lost). So we accept raw sockets ourselves and give node's
// http.Server, through its documented `emit('connection', duplex)`, a Duplex
// (listener-socket.ts) whose input passes through a small HTTP/1.1 framer
// (listener-framer.ts). The framer finds where each request starts (Content-Length and chunked
// bodies, trailers, pipelining, any TCP split) and there rewrites `LIST` to the same-length
// `LOCK` in place; a client's genuine LOCK gets an internal marker header that clients cannot
// forge (the framer strips theirs), so the two never mix (list-method.ts). Everything else
// (parsing, keep-alive, 100-continue, timeouts, limits) stays node's own, so the handler sees
// exactly what plain node:http gives it; only `upgrade` header lines are removed (no upgrades
// are served; see listener-framer.ts). Cost: a JS stream hop per connection, measured by
// bench/list-method/run.ts.
//
// Limits: HTTP/1.x only (no HTTP/2, upgrades or CONNECT). The framer's 64 KiB head limit sits
// above node's own maxHeaderSize (16 KiB by default, answered 431 by node).
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { FramedSocket } from './listener-socket.js';
import { takeMark } from './list-method.js';

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
   * Stops accepting; ends idle connections; lets in-flight requests finish, then ends theirs.
   * Resolves when every connection is closed (a stalled TLS handshake can hold it up to
   * tls.Server's handshakeTimeout).
   */
  close(): Promise<void>;
}

export function createListener(options: ListenerOptions): Listener {
  // insecureHTTPParser: false explicitly, so the --insecure-http-parser flag cannot make
  // llhttp lenient and so frame differently from the framer.
  const httpServer = http.createServer({ insecureHTTPParser: false });
  const sockets = new Set<FramedSocket>();
  /** Responses not yet closed, with their connection; for a graceful close(). */
  const inFlight = new Map<http.ServerResponse, FramedSocket>();
  let closing = false;

  httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (takeMark(req) === 'framing-error') {
      answerFramingError(req, res);
      return;
    }
    const socket: net.Socket | FramedSocket = req.socket;
    if (socket instanceof FramedSocket) {
      socket.inFlight++;
      inFlight.set(res, socket);
      res.once('close', () => {
        inFlight.delete(res);
        if (--socket.inFlight === 0 && closing) socket.destroySoon();
      });
    }
    if (closing) res.setHeader('Connection', 'close');
    options.handler(req, res);
  });

  const accept = (raw: net.Socket): void => {
    raw.setNoDelay(true);
    const socket = new FramedSocket(raw, () => httpServer.headersTimeout);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    httpServer.emit('connection', socket);
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
      const last = new Map<FramedSocket, http.ServerResponse>();
      for (const [res, socket] of inFlight) last.set(socket, res);
      for (const res of last.values()) if (!res.headersSent) res.setHeader('Connection', 'close');
      // ...and idle ones are ended now (after flushing, unlike http.Server.closeIdleConnections).
      for (const socket of sockets) if (socket.inFlight === 0) socket.destroySoon();
    });

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
  };
}

/** The real socket under a request (e.g. TLSSocket for getPeerCertificate()). */
export function peerSocket(req: http.IncomingMessage): net.Socket {
  const socket: net.Socket | FramedSocket = req.socket;
  return socket instanceof FramedSocket ? socket.raw : socket;
}

function answerFramingError(req: http.IncomingMessage, res: http.ServerResponse): void {
  const socket: net.Socket | FramedSocket = req.socket;
  const error = socket instanceof FramedSocket ? socket.framingError : null;
  const body = JSON.stringify({ errors: [error?.message ?? 'malformed request'] });
  res.writeHead(error?.status ?? 400, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}
