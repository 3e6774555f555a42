// The `coffer` command: dispatches to the server and to the client commands, which speak Vault's
// CLI language (`coffer kv get secret/foo` is `vault kv get secret/foo`). Exit codes as Vault's:
// 0 ok, 1 local error (usage, validation), 2 remote error (refused, unreachable).

import { runCommand, runGroup, type CommandSpec, type Group } from './base.js';
import { auditGroup } from './audit.js';
import { authGroup } from './auth.js';
import { GENERIC_COMMANDS } from './generic.js';
import { kvGroup } from './kv.js';
import { leaseGroup } from './lease.js';
import { loginCommand } from './login.js';
import { operatorGroup } from './operator.js';
import { policyGroup } from './policy.js';
import { secretsGroup } from './secrets.js';
import { statusCommand } from './status.js';
import { tokenGroup } from './token.js';

const COMMANDS: Record<string, CommandSpec> = Object.fromEntries([...GENERIC_COMMANDS, loginCommand, statusCommand].map((c) => [c.name, c]));
const GROUPS: Record<string, Group> = Object.fromEntries([kvGroup, policyGroup, secretsGroup, authGroup, tokenGroup, operatorGroup, auditGroup, leaseGroup].map((g) => [g.name, g]));

const line = (name: string, synopsis: string): string => `    ${name.padEnd(10)} ${synopsis}`;

const USAGE = `Usage: coffer <command> [args]

Common commands:
${['read', 'write', 'delete', 'list', 'login', 'server', 'status'].map((n) => line(n, n === 'server' ? 'Start a Coffer server' : COMMANDS[n]!.synopsis)).join('\n')}

Other commands:
${[...Object.values(GROUPS).map((g) => [g.name, g.synopsis] as const), ['patch', COMMANDS.patch!.synopsis] as const]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([n, s]) => line(n, s))
  .join('\n')}

Run "coffer <command> -h" for a command's options. The client commands read
VAULT_ADDR, VAULT_TOKEN (else ~/.vault-token), VAULT_CACERT and VAULT_FORMAT.`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === '-help' || cmd === 'help') {
    if (cmd) process.stdout.write(`${USAGE}\n`);
    else process.stderr.write(`${USAGE}\n`);
    return cmd ? 0 : 1;
  }
  if (cmd === 'server') {
    // Loaded only here: the client commands do not load the server.
    const { serverCommand, SERVER_USAGE } = await import('./server-command.js');
    if (rest.includes('-h') || rest.includes('--help') || rest.includes('-help')) {
      process.stdout.write(`${SERVER_USAGE}\n`);
      return 0;
    }
    return serverCommand(rest);
  }
  const command = COMMANDS[cmd];
  if (command) return runCommand(command, rest);
  const group = GROUPS[cmd];
  if (group) return runGroup(group, rest);
  process.stderr.write(`Unknown command "${cmd}"\n\n${USAGE}\n`);
  return 1;
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
