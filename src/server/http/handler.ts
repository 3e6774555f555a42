// Vault's HTTP API over the core: `/v1/<path>`, methods to operations (GET, LIST or GET ?list=true,
// PUT/POST, PATCH, DELETE), the token headers, X-Vault-Wrap-TTL, JSON bodies with a size limit, and
// Vault's response envelope or `{"errors": [...]}` with Vault's status codes.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { validateRequestPath, type Core } from '../core/core.js';
import type { CoreRequest, CoreResponse } from '../core/types.js';
import type { Operation } from '../framework/types.js';
import { CofferError, isCofferError } from '../framework/errors.js';
import { parseDurationSeconds } from '../framework/duration.js';
import { helpFor } from '../core/help.js';
import type { Logger } from '../framework/types.js';
import { setOwn } from '../framework/own-property.js';
import { checkRateLimit } from '../quotas/request-check.js';
import { BOOL_SPELLINGS, parseBool } from '../../lib/parse-bool.js';
import { decodeUtf8, InvalidUtf8 } from '../../lib/utf8.js';
import { isFencedWriteError } from '../ha/types.js';
import { forwardToActive } from '../ha/forward.js';

export interface HandlerOptions {
  core: Core;
  logger: Logger;
  /** bytes; Vault's default max_request_size is 32 MiB */
  maxRequestSize?: number;
}

const JSON_TYPE = 'application/json';

/** Paths every HA node answers itself, about itself: never forwarded to the active node. */
const NODE_LOCAL_PATHS = new Set(['sys/health', 'sys/leader', 'sys/seal-status', 'sys/unseal', 'sys/init', 'sys/seal', 'sys/ha-status', 'sys/metrics']);

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      reject(new BodyTooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
    });
  });
}

class BadListParam extends Error {}

/** `?list=` as Vault reads it: strconv.ParseBool of the first value; absent or empty means no. */
function listRequested(query: URLSearchParams): boolean {
  const raw = query.get('list');
  if (raw === null || raw === '') return false;
  const b = parseBool(raw);
  if (b === undefined) throw new BadListParam(`invalid value for the "list" query parameter: ${JSON.stringify(raw.slice(0, 40))} is not a boolean; use ${BOOL_SPELLINGS}`);
  return b;
}

function operationFor(method: string, query: URLSearchParams): Operation | null {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return listRequested(query) ? 'list' : 'read';
    case 'LIST':
      return 'list';
    case 'PUT':
    case 'POST':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return null;
  }
}

function send(res: ServerResponse, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
  if (status === 204) {
    res.writeHead(204, extraHeaders);
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...extraHeaders });
  res.end(res.req.method === 'HEAD' ? undefined : text);
}

function sendError(res: ServerResponse, status: number, messages: string[], headers?: Record<string, string>): void {
  send(res, status, { errors: messages }, headers);
}

function envelope(out: CoreResponse, requestId: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    request_id: requestId,
    lease_id: out.leaseId,
    renewable: out.renewable,
    lease_duration: out.leaseDuration,
    data: out.data,
    wrap_info: out.wrapInfo,
    warnings: out.warnings,
    auth: out.auth,
    mount_type: out.mountType,
  };
  if (out.wrapInfo) {
    body.data = null;
    body.auth = null;
  }
  if (out.topLevelData && out.data) {
    for (const [k, v] of Object.entries(out.data)) if (!(k in body)) body[k] = v;
  }
  return body;
}

/** Splits `/v1/a/b%20c` into the path `a/b c`; null when the URL is not under /v1/ or is badly escaped. */
function apiPath(pathname: string): string | null | undefined {
  if (!pathname.startsWith('/v1/')) return undefined;
  try {
    return decodeURIComponent(pathname.slice(4));
  } catch {
    return null;
  }
}

function queryData(query: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of query) {
    if (k === 'list') continue;
    const prev = Object.hasOwn(out, k) ? out[k] : undefined;
    setOwn(out, k, prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]);
  }
  return out;
}

/**
 * X-Vault-Wrap-TTL in whole seconds, or the error to answer with. As Vault: a negative TTL is refused
 * and zero means "do not wrap". Unlike Vault, a TTL between 0 and 1 s ("500ms") is refused rather
 * than truncated to 0, which would silently hand back the plaintext to a client that asked to wrap.
 */
export function parseWrapTtl(header: string): number | string {
  const text = header.trim();
  let seconds: number;
  try {
    seconds = parseDurationSeconds(text);
  } catch {
    return 'invalid X-Vault-Wrap-TTL header: use seconds or a duration such as "5m"';
  }
  const nonZero = /[1-9]/.test(text);
  if (text.startsWith('-') && nonZero) return 'requested wrap ttl cannot be negative';
  if (seconds === 0 && nonZero) return 'requested wrap ttl must be at least one second';
  return Math.max(0, seconds);
}

function clientToken(req: IncomingMessage): string | undefined {
  const t = req.headers['x-vault-token'];
  if (typeof t === 'string' && t !== '') return t;
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim();
  return undefined;
}

export function createApiHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = opts.maxRequestSize ?? 32 * 1024 * 1024;
  const { core, logger } = opts;
  return (req, res) => {
    const started = process.hrtime.bigint();
    handle(req, res)
      .catch((e: unknown) => {
        logger.error({ err: e instanceof Error ? e.stack : String(e) }, 'unhandled error in HTTP handler');
        if (!res.headersSent) sendError(res, 500, ['internal error']);
        else res.destroy();
      })
      .finally(() => {
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        core.metrics.observeRequest(req.method ?? '', res.statusCode, seconds);
      });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The path is taken from the raw request target, never through URL normalization, which
    // would silently resolve `..` and `.` segments before we could refuse them.
    const rawTarget = req.url ?? '/';
    const q = rawTarget.indexOf('?');
    const rawPath = q >= 0 ? rawTarget.slice(0, q) : rawTarget;
    const query = new URLSearchParams(q >= 0 ? rawTarget.slice(q + 1) : '');
    const path = apiPath(rawPath);
    if (path === undefined) {
      sendError(res, 404, []);
      req.resume();
      return;
    }
    if (path === null) {
      sendError(res, 400, ['invalid percent-encoding in request path']);
      req.resume();
      return;
    }
    try {
      validateRequestPath(path);
    } catch (e) {
      sendError(res, (e as CofferError).status, [(e as CofferError).message]);
      req.resume();
      return;
    }
    // As Vault: any non-empty `help` query parameter asks for the path's help instead.
    if (query.get('help')) {
      req.resume();
      try {
        send(res, 200, await helpFor(core, path, clientToken(req)));
      } catch (e) {
        if (!isCofferError(e)) throw e;
        sendError(res, e.status, [e.message]);
      }
      return;
    }
    let operation: Operation | null;
    try {
      operation = operationFor(req.method ?? '', query);
    } catch (e) {
      if (!(e instanceof BadListParam)) throw e;
      sendError(res, 400, [e.message]);
      req.resume();
      return;
    }
    if (!operation) {
      sendError(res, 405, [`unsupported method ${req.method ?? ''}`]);
      req.resume();
      return;
    }

    // HA: a node that is not active serves reads itself and forwards everything else to the active.
    const ha = core.haHooks?.control;
    const forward = async (body: Buffer): Promise<void> =>
      forwardToActive(req, res, body, { control: ha!, onForwarded: (outcome) => core.metrics.haForwarded(outcome) });
    if (ha && !core.isSealed && !NODE_LOCAL_PATHS.has(path)) {
      if (!ha.isActive()) await core.haHooks!.control.pendingActivation()?.catch(() => undefined);
      if (!ha.isActive() && !((operation === 'read' || operation === 'list') && core.isStandby)) {
        let body: Buffer;
        try {
          body = await readBody(req, limit);
        } catch (e) {
          if (e instanceof BodyTooLarge) {
            res.setHeader('Connection', 'close');
            sendError(res, 413, [`request body is larger than the limit of ${limit} bytes`]);
          } else sendError(res, 400, ['failed to read request body']);
          return;
        }
        return forward(body);
      }
    }

    let rawBody: Buffer = Buffer.alloc(0);
    let data: Record<string, unknown> = q >= 0 ? queryData(query) : {};
    if (operation !== 'read' || req.headers['content-length'] || req.headers['transfer-encoding']) {
      let raw: Buffer;
      try {
        raw = await readBody(req, limit);
        rawBody = raw;
      } catch (e) {
        if (e instanceof BodyTooLarge) {
          res.setHeader('Connection', 'close');
          sendError(res, 413, [`request body is larger than the limit of ${limit} bytes`]);
        } else sendError(res, 400, ['failed to read request body']);
        return;
      }
      let text: string;
      try {
        text = decodeUtf8(raw).trim();
      } catch (e) {
        if (!(e instanceof InvalidUtf8)) throw e;
        sendError(res, 400, [`failed to parse JSON input: the body is not valid UTF-8: ${e.message}; send the JSON body UTF-8 encoded (binary values base64-encoded)`]);
        return;
      }
      if (text !== '') {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (e) {
          sendError(res, 400, [`failed to parse JSON input: ${(e as Error).message}`]);
          return;
        }
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
          sendError(res, 400, ['failed to parse JSON input: the body must be a JSON object']);
          return;
        }
        data = operation === 'read' || operation === 'list' ? { ...data, ...(parsed as Record<string, unknown>) } : (parsed as Record<string, unknown>);
      }
    }

    let wrapTtl: number | undefined;
    const wrapHeader = req.headers['x-vault-wrap-ttl'];
    if (typeof wrapHeader === 'string' && wrapHeader !== '') {
      const parsed = parseWrapTtl(wrapHeader);
      if (typeof parsed === 'string') {
        sendError(res, 400, [parsed]);
        return;
      }
      wrapTtl = parsed;
    }

    const requestId = randomUUID();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (typeof v === 'string' && k !== 'x-vault-token' && k !== 'authorization') headers[k] = v;
    }
    const coreReq: CoreRequest = {
      operation,
      // As Vault's HTTP layer does, a LIST always names a folder.
      path: operation === 'list' && !path.endsWith('/') ? `${path}/` : path,
      data,
      clientToken: clientToken(req),
      remoteAddr: req.socket.remoteAddress ?? '',
      headers,
      wrapTtl,
      requestId,
    };

    // Rate-limit quotas, before the core (as Vault's HTTP layer does); see quotas/request-check.ts.
    const quota = await checkRateLimit(core, coreReq);
    for (const [k, v] of Object.entries(quota.headers)) res.setHeader(k, v);
    if (!quota.allowed) return sendError(res, 429, [quota.message ?? 'rate limit quota exceeded']);

    let out: CoreResponse;
    try {
      out = await core.handle(coreReq);
    } catch (e) {
      // A write on a node that is not (or no longer) the active one: the active node answers instead.
      if (ha && isFencedWriteError(e)) {
        ha.writeRefused();
        return forward(rawBody);
      }
      if (isCofferError(e)) {
        const err: CofferError = e;
        // Vault answers an empty LIST or a missing secret with 404 and no messages.
        sendError(res, err.status, err.message === '' || (operation === 'list' && err.status === 404) ? [] : [err.message], err.headers);
        return;
      }
      throw e;
    }

    if (out.raw) {
      res.writeHead(out.raw.status, { 'Content-Type': out.raw.contentType, ...out.raw.headers });
      res.end(out.raw.body);
      return;
    }
    if (out.bareBody) {
      send(res, out.status, out.data ?? {});
      return;
    }
    if (out.status === 204) {
      send(res, 204, null);
      return;
    }
    if (out.status === 404 && out.data === null && !out.wrapInfo) {
      sendError(res, 404, []);
      return;
    }
    send(res, out.status, envelope(out, requestId));
  }
}
