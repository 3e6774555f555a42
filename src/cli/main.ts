// The `coffer` command: dispatches to the command groups (server now; client commands, agent and
// injector as they land).

import { serverCommand, SERVER_USAGE } from './server-command.js';

const USAGE = `Usage: coffer <command> [args]

Commands:
    server    Start a Coffer server (coffer server -dev to try it)

Run "coffer <command> -h" for a command's options.`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return cmd ? 0 : 1;
  }
  switch (cmd) {
    case 'server':
      if (rest.includes('-h') || rest.includes('--help') || rest.includes('-help')) {
        process.stdout.write(`${SERVER_USAGE}\n`);
        return 0;
      }
      return serverCommand(rest);
    default:
      process.stderr.write(`Unknown command "${cmd}"\n\n${USAGE}\n`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`Error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
