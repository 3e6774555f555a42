// The server's logger: pino, with Vault's two output formats. "standard" (the default) is hclog's
// line, `2024-01-01T00:00:00.000Z [INFO]  core: vault is unsealed: key=value ...`; "json" is hclog's
// JSON object (`@level`, `@message`, `@module`, `@timestamp`, then the fields). pino always builds
// the JSON; for "standard" a small destination reformats each line before it is written, so there is
// no pretty-printer dependency. Callers never pass a token, key or secret value as a field.

import { pino } from 'pino';
import type { Logger } from './framework/types.js';

export type LogFormat = 'standard' | 'json';
export const LOG_FORMATS: readonly LogFormat[] = ['standard', 'json'];

export function isLogFormat(s: string): s is LogFormat {
  return (LOG_FORMATS as readonly string[]).includes(s);
}

/** A pino logger that the core can give a module name (`core`, `expiration`) with `child`. */
export type ServerLogger = Logger & { child(bindings: Record<string, unknown>): ServerLogger };

export interface LoggerOptions {
  level: string;
  format: LogFormat;
  /** Where lines go; stderr unless a test gives its own sink. */
  write?: (line: string) => void;
}

const LABELS: Record<string, string> = { trace: '[TRACE]', debug: '[DEBUG]', info: '[INFO] ', warn: '[WARN] ', error: '[ERROR]', fatal: '[ERROR]' };
const OWN_KEYS = new Set(['@level', '@message', '@module', '@timestamp']);

/** One value as hclog prints it: bare when it has no space, quote or `=`; quoted otherwise. */
function formatValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s !== '' && /^[^\s"=]*$/.test(s) ? s : JSON.stringify(s);
}

/** A pino JSON line -> hclog's standard line. Multi-line values go below, each line prefixed `  | `. */
export function standardLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const level = String(rec['@level'] ?? 'info');
  const module = typeof rec['@module'] === 'string' ? `${rec['@module']}: ` : '';
  let line = `${String(rec['@timestamp'] ?? new Date().toISOString())} ${LABELS[level] ?? '[INFO] '} ${module}${String(rec['@message'] ?? '')}`;
  const inline: string[] = [];
  const below: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (OWN_KEYS.has(k) || v === undefined) continue;
    if (typeof v === 'string' && v.includes('\n')) below.push(`  ${k}=\n${v.split('\n').map((l) => `  | ${l}`).join('\n')}`);
    else inline.push(`${k}=${formatValue(v)}`);
  }
  if (inline.length > 0) line += `: ${inline.join(' ')}`;
  if (below.length > 0) line += `\n${below.join('\n')}`;
  return `${line}\n`;
}

export function createServerLogger(opts: LoggerOptions): ServerLogger {
  const raw = opts.write ?? defaultWriter();
  const write = opts.format === 'json' ? raw : (line: string) => raw(standardLine(line));
  return pino(
    {
      level: opts.level,
      base: undefined,
      messageKey: '@message',
      timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ '@level': label }) },
    },
    { write },
  ) as unknown as ServerLogger;
}

/** Synchronous writes to stderr, so the last lines before an exit are not lost. */
function defaultWriter(): (line: string) => void {
  const dest = pino.destination({ dest: 2, sync: true });
  return (line) => void dest.write(line);
}

/** Stderr that holds lines until open() (the server's banner comes first, as in Vault), then writes through. */
export function gatedStderr(): { write(line: string): void; open(): void } {
  const write = defaultWriter();
  let held: string[] | null = [];
  return {
    write: (line) => (held ? held.push(line) : write(line)),
    open: () => {
      const lines = held ?? [];
      held = null;
      for (const l of lines) write(l);
    },
  };
}
