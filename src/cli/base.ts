// What every client command shares: its help text (usage, an example, the flags by group), flag
// parsing, the client built from flags and environment, the output format, and Vault's exit codes:
// 0 success, 1 a local error (bad flag, wrong arguments, failed validation), 2 a remote error (the
// server refused, or could not be reached). `-h`/`-help` anywhere before `--` prints the help, exit 0.

import { clientSettings, DETAILED_FLAG, FIELD_FLAG, FORMAT_FLAG, HTTP_FLAGS, LocalError, outputFormat, type Env, type Format } from './config.js';
import { parseFlags, usageText, UsageError, type FlagSpec, type FlagValue } from './flags.js';
import { ApiError, CliClient, ConnectionError } from './http.js';
import { processUi, type Ui } from './output.js';
import { readStdin } from './args.js';

export interface CommandSpec {
  /** Words after `coffer`, e.g. "kv get". */
  name: string;
  synopsis: string;
  /** The help body after the Usage line: what it does and at least one `$ coffer ...` example. */
  help: string;
  /** The Usage line's arguments, e.g. "[options] KEY [DATA]". */
  args: string;
  flags?: Record<string, FlagSpec>;
  /** Flag groups besides the command's own (default: http and format). */
  sets?: Array<'http' | 'format' | 'field' | 'detailed'>;
  /** Exit code of a usage or local error (default 1); a CI gate whose 1 means "found something" says 2. */
  errorExitCode?: number;
  run(c: Context): Promise<number>;
}

/** A failure with its exit code and message (printed to stderr). */
export class Exit extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Wrong arguments: the message, then the usage line and example. Exit 1. */
export class ArgsError extends Error {}

export interface Context {
  flags: Record<string, FlagValue>;
  args: string[];
  ui: Ui;
  env: Env;
  format: Format;
  /** -field, '' when not given. */
  field: string;
  client(): CliClient;
  stdin(): Promise<string>;
  /** Runs an API call; a refusal or an unreachable server becomes exit 2 with "<what>: <reason>". */
  remote<T>(what: string, fn: () => Promise<T>): Promise<T>;
  str(name: string): string;
  bool(name: string): boolean;
  /** Whether the user gave this flag. */
  given(name: string): boolean;
}

export interface Io {
  ui: Ui;
  env: Env;
  stdin: () => Promise<string>;
}

export const defaultIo = (): Io => ({ ui: processUi, env: process.env, stdin: readStdin });

const SETS: Record<string, [string, Record<string, FlagSpec>]> = {
  http: ['HTTP Options', HTTP_FLAGS],
  format: ['Output Options', FORMAT_FLAG],
  field: ['Output Options', FIELD_FLAG],
  detailed: ['Output Options', DETAILED_FLAG],
};

function groups(spec: CommandSpec): Array<[string, Record<string, FlagSpec>]> {
  const out = new Map<string, Record<string, FlagSpec>>();
  for (const s of spec.sets ?? ['http', 'format']) {
    const [title, flags] = SETS[s]!;
    out.set(title, { ...out.get(title), ...flags });
  }
  if (spec.flags && Object.keys(spec.flags).length > 0) out.set('Command Options', spec.flags);
  return [...out.entries()];
}

export function allFlags(spec: CommandSpec): Record<string, FlagSpec> {
  return Object.assign({}, ...groups(spec).map(([, f]) => f)) as Record<string, FlagSpec>;
}

export function usageLine(spec: CommandSpec): string {
  return `Usage: coffer ${spec.name} ${spec.args}`.trimEnd();
}

export function helpText(spec: CommandSpec): string {
  const parts = [usageLine(spec), '', spec.help.replace(/^\n+|\s+$/g, '')];
  for (const [title, flags] of groups(spec)) parts.push('', `${title}:`, '', usageText(flags));
  return parts.join('\n');
}

export function isHelpArg(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '-h' || a === '-help' || a === '--help') return true;
  }
  return false;
}

/** "Not enough arguments (expected 1, got 0)" / "Too many arguments (...)" as Vault words them. */
export function expectArgs(args: string[], min: number, max = min): void {
  const expected = min === max ? String(min) : max === Infinity ? `at least ${min}` : `${min}-${max}`;
  if (args.length < min) throw new ArgsError(`Not enough arguments (expected ${expected}, got ${args.length})`);
  if (args.length > max) throw new ArgsError(`Too many arguments (expected ${expected}, got ${args.length})`);
}

function remoteMessage(e: unknown): string | undefined {
  if (e instanceof ApiError || e instanceof ConnectionError) return e.message;
  return undefined;
}

export async function runCommand(spec: CommandSpec, argv: string[], io: Io = defaultIo()): Promise<number> {
  const { ui } = io;
  if (isHelpArg(argv)) {
    ui.out(helpText(spec));
    return 0;
  }
  const shortHelp = (): string => `${usageLine(spec)}\n\n${spec.help.replace(/^\n+|\s+$/g, '')}\n\nRun "coffer ${spec.name} -h" for all the options.`;
  try {
    const parsed = parseFlags(argv, allFlags(spec));
    if (parsed.lateFlags.length > 0) {
      ui.err(`Command flags must be provided before positional arguments. The following arguments will not be parsed as flags: [${parsed.lateFlags.join(',')}]`);
    }
    // A command that declares its own -format flag (k8s scan: text|json|sarif) reads it itself.
    const format = spec.flags?.format ? 'table' : outputFormat(parsed.values, io.env);
    let client: CliClient | undefined;
    const ctx: Context = {
      flags: parsed.values,
      args: parsed.args,
      ui,
      env: io.env,
      format,
      field: typeof parsed.values.field === 'string' ? parsed.values.field : '',
      client: () => (client ??= new CliClient(clientSettings(parsed.values, io.env), io.env)),
      stdin: io.stdin,
      async remote<T>(what: string, fn: () => Promise<T>): Promise<T> {
        try {
          return await fn();
        } catch (e) {
          const m = remoteMessage(e);
          if (m !== undefined) throw new Exit(2, `${what}: ${m}`);
          throw e;
        }
      },
      str: (n) => {
        const v = parsed.values[n];
        return typeof v === 'string' ? v : '';
      },
      bool: (n) => parsed.values[n] === true,
      given: (n) => parsed.set.has(n),
    };
    try {
      return await spec.run(ctx);
    } finally {
      client?.close();
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ArgsError) {
      ui.err(`${e.message}\n\n${shortHelp()}`);
      return spec.errorExitCode ?? 1;
    }
    if (e instanceof Exit) {
      if (e.message) ui.err(e.message);
      return e.code;
    }
    if (e instanceof LocalError) {
      ui.err(e.message);
      return spec.errorExitCode ?? 1;
    }
    const m = remoteMessage(e);
    if (m !== undefined) {
      ui.err(m);
      return 2;
    }
    throw e;
  }
}

/** A group of subcommands (`coffer kv ...`): dispatches, or lists them. */
export interface Group {
  name: string;
  synopsis: string;
  help: string;
  commands: CommandSpec[];
}

export function groupHelp(g: Group): string {
  const prefix = `${g.name} `;
  const names = g.commands.map((c) => c.name.slice(prefix.length));
  const width = Math.max(...names.map((n) => n.length));
  const lines = g.commands.map((c, i) => `    ${names[i]!.padEnd(width)}    ${c.synopsis}`);
  return `Usage: coffer ${g.name} <subcommand> [options] [args]\n\n${g.help.replace(/^\n+|\s+$/g, '')}\n\nSubcommands:\n${lines.join('\n')}`;
}

export async function runGroup(g: Group, argv: string[], io: Io = defaultIo()): Promise<number> {
  const commands = [...g.commands].sort((a, b) => b.name.length - a.name.length);
  for (const c of commands) {
    const words = c.name.split(' ').slice(g.name.split(' ').length);
    if (words.every((w, i) => argv[i] === w)) return runCommand(c, argv.slice(words.length), io);
  }
  const first = argv[0];
  // A nested group (`coffer kv metadata`): its own list of subcommands.
  const nested = first === undefined ? [] : g.commands.filter((c) => c.name.startsWith(`${g.name} ${first} `));
  if (nested.length > 0) return runGroup({ name: `${g.name} ${first}`, synopsis: '', help: `Subcommands of "coffer ${g.name} ${first}".`, commands: nested }, argv.slice(1), io);
  if (first === undefined || first === '-h' || first === '-help' || first === '--help') {
    if (first === undefined) io.ui.err(groupHelp(g));
    else io.ui.out(groupHelp(g));
    return first === undefined ? 1 : 0;
  }
  io.ui.err(`Unknown subcommand "${g.name} ${first}"\n\n${groupHelp(g)}`);
  return 1;
}
