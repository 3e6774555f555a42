// The agent's logger: one line per event on stderr, hclog-style as Vault's agent prints them
// (`2024-05-01T10:00:00.000Z [INFO]  auth.handler: authentication successful: sink=file`), with
// key=value fields. Written by hand instead of pino: the agent is an init container whose cold
// start is measured in milliseconds, and this is all it needs. Never log a token or secret value.

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };
const LABEL: Record<LogLevel, string> = { trace: '[TRACE]', debug: '[DEBUG]', info: '[INFO] ', warn: '[WARN] ', error: '[ERROR]' };

export type LogFields = Readonly<Record<string, string | number | boolean | undefined>>;

export interface Logger {
  level: LogLevel;
  named(name: string): Logger;
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

export function isLogLevel(s: string): s is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(s);
}

function formatValue(v: string | number | boolean): string {
  const s = String(v);
  return /^[^\s"=]*$/.test(s) && s !== '' ? s : JSON.stringify(s);
}

export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stderr.write(l), name = ''): Logger {
  const state = { level };
  const make = (prefix: string): Logger => {
    const emit = (lvl: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[lvl] < RANK[state.level]) return;
      let line = `${new Date().toISOString()} ${LABEL[lvl]} ${prefix ? `${prefix}: ` : ''}${msg}`;
      if (fields) {
        const parts: string[] = [];
        for (const [k, v] of Object.entries(fields)) if (v !== undefined) parts.push(`${k}=${formatValue(v)}`);
        if (parts.length > 0) line += `: ${parts.join(' ')}`;
      }
      write(`${line}\n`);
    };
    return {
      get level() {
        return state.level;
      },
      set level(l: LogLevel) {
        state.level = l;
      },
      named: (n) => make(prefix ? `${prefix}.${n}` : n),
      trace: (m, f) => emit('trace', m, f),
      debug: (m, f) => emit('debug', m, f),
      info: (m, f) => emit('info', m, f),
      warn: (m, f) => emit('warn', m, f),
      error: (m, f) => emit('error', m, f),
    };
  };
  return make(name);
}
