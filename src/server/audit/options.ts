// Validates an audit device's type and options (Vault's file device: file_path, format, prefix,
// hmac_accessor, log_raw, elide_list_responses, mode) into a DeviceConfig. Every error is a 400
// that names the option at fault and says what would be accepted.

import { BOOL_SPELLINGS, parseBool } from '../../lib/parse-bool.js';
import { badRequest } from '../framework/errors.js';
import type { DeviceConfig, SinkTarget } from './types.js';

export const SUPPORTED_TYPES = ['file'] as const;

const KNOWN_OPTIONS = ['file_path', 'path', 'format', 'prefix', 'hmac_accessor', 'log_raw', 'elide_list_responses', 'mode'];

export function checkType(type: string): void {
  if ((SUPPORTED_TYPES as readonly string[]).includes(type)) return;
  if (type === 'socket' || type === 'syslog') {
    throw badRequest(`audit device type "${type}" is not supported by Coffer; use "file" (file_path=/path/to/log, stdout or discard)`);
  }
  throw badRequest(`unknown audit device type "${type}": supported types are ${SUPPORTED_TYPES.map((t) => `"${t}"`).join(', ')}`);
}

/** Go's strconv.ParseBool, which Vault uses for these options. */
function boolOption(name: string, raw: string): boolean {
  const b = parseBool(raw);
  if (b === undefined) throw badRequest(`invalid value for option "${name}": ${JSON.stringify(raw)} is not a boolean (use ${BOOL_SPELLINGS})`);
  return b;
}

function parseMode(raw: string): number {
  if (!/^[0-7]{1,4}$/.test(raw.trim())) {
    throw badRequest(`invalid value for option "mode": ${JSON.stringify(raw)} is not an octal file mode such as "0600"`);
  }
  const mode = parseInt(raw.trim(), 8);
  if ((mode & 0o111) !== 0) {
    throw badRequest(`invalid value for option "mode": ${JSON.stringify(raw)} has executable bits; audit log files can't be executable (e.g. use "0600")`);
  }
  if ((mode & 0o7000) !== 0) {
    throw badRequest(`invalid value for option "mode": ${JSON.stringify(raw)} sets setuid/setgid/sticky bits; use plain permissions such as "0600"`);
  }
  return mode;
}

function parseTarget(options: Record<string, string>): SinkTarget {
  // Checked whatever the target, so a bad mode is reported even with stdout or discard.
  const mode = options.mode === undefined ? 0o600 : parseMode(options.mode);
  // "path" is the option's old name, still accepted by Vault.
  const raw = options.file_path ?? options.path;
  if (raw === undefined || raw.trim() === '') {
    throw badRequest('missing required option "file_path": give a file path, "stdout" or "discard"');
  }
  const p = raw.trim();
  if (p.toLowerCase() === 'stdout') return { kind: 'stdout' };
  if (p.toLowerCase() === 'discard') return { kind: 'discard' };
  if (p.includes('\0')) throw badRequest('invalid value for option "file_path": it contains a NUL byte');
  return { kind: 'file', path: p, mode };
}

/**
 * Options arrive from JSON: like Vault's weak decoding into map[string]string, numbers and booleans
 * are taken as their string form; anything else is a 400 naming the option.
 */
export function normalizeOptions(options: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(options ?? {})) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw badRequest(`invalid value for option "${k}": options are strings, e.g. "${k}": "value"`);
  }
  return out;
}

export function parseDeviceOptions(options: Record<string, string>): DeviceConfig {
  for (const k of Object.keys(options)) {
    if (!KNOWN_OPTIONS.includes(k)) {
      throw badRequest(`unknown option "${k}" for the file audit device: valid options are ${KNOWN_OPTIONS.filter((o) => o !== 'path').join(', ')}`);
    }
  }
  const format = options.format ?? 'json';
  if (format === 'jsonx') throw badRequest('invalid value for option "format": "jsonx" is not supported by Coffer; use "json"');
  if (format !== 'json') throw badRequest(`invalid value for option "format": ${JSON.stringify(format)} is not a format; use "json"`);
  return {
    target: parseTarget(options),
    hmacAccessor: options.hmac_accessor === undefined ? true : boolOption('hmac_accessor', options.hmac_accessor),
    logRaw: options.log_raw === undefined ? false : boolOption('log_raw', options.log_raw),
    elideListResponses: options.elide_list_responses === undefined ? false : boolOption('elide_list_responses', options.elide_list_responses),
    prefix: options.prefix ?? '',
  };
}
