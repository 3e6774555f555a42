// One enabled audit device: its validated options, its salted hasher and its sink, turned into a
// function per entry type that formats one line and writes it.

import type { CoreRequest, CoreResponse } from '../core/types.js';
import type { TokenEntry } from '../token/types.js';
import { formatRequest, formatResponse, type FormatOptions } from './format.js';
import type { Hasher } from './salt.js';
import type { Sink } from './sink.js';
import type { AuditDeviceRecord, AuditMeta, DeviceConfig } from './types.js';

export interface Device {
  record: AuditDeviceRecord;
  config: DeviceConfig;
  sink: Sink;
  /** HMAC with this device's salt, whatever log_raw says (sys/audit-hash always hashes). */
  hash: Hasher;
  logRequest(time: string, req: CoreRequest, token: TokenEntry | null, error: string | null, meta: AuditMeta): Promise<void>;
  logResponse(
    time: string,
    req: CoreRequest,
    token: TokenEntry | null,
    resp: CoreResponse | null,
    error: string | null,
    meta: AuditMeta,
  ): Promise<void>;
}

/**
 * The request and response lines of one request hash the same token, accessor and request data:
 * each value is hashed once per request. The memo lives as long as the request object does.
 */
function memoPerRequest(hash: Hasher): (req: CoreRequest) => Hasher {
  const memos = new WeakMap<CoreRequest, Map<string, string>>();
  return (req) => {
    let seen = memos.get(req);
    if (!seen) memos.set(req, (seen = new Map()));
    const memo = seen;
    return (v) => {
      let h = memo.get(v);
      if (h === undefined) memo.set(v, (h = hash(v)));
      return h;
    };
  };
}

export function createDevice(record: AuditDeviceRecord, config: DeviceConfig, hash: Hasher, sink: Sink): Device {
  const hasherFor = memoPerRequest(hash);
  const fmt = (req: CoreRequest): FormatOptions => ({
    hash: config.logRaw ? null : hasherFor(req),
    hmacAccessor: config.hmacAccessor,
    elideListResponses: config.elideListResponses,
  });
  const line = (entry: object): Buffer => Buffer.from(`${config.prefix}${JSON.stringify(entry)}\n`, 'utf8');
  if (config.target.kind === 'discard') {
    // Like Vault: nothing is formatted for a device that writes nowhere.
    const nothing = async (): Promise<void> => undefined;
    return { record, config, sink, hash, logRequest: nothing, logResponse: nothing };
  }
  return {
    record,
    config,
    sink,
    hash,
    logRequest: (time, req, token, error, meta) => sink.write(line(formatRequest(fmt(req), time, req, token, error, meta))),
    logResponse: (time, req, token, resp, error, meta) => sink.write(line(formatResponse(fmt(req), time, req, token, resp, error, meta))),
  };
}
