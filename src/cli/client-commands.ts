// The client commands (everything but `server` and `agent`), which speak Vault's CLI language
// (`coffer kv get secret/foo` is `vault kv get secret/foo`), and the top-level usage text. main.ts
// loads this module only when one of them runs, so the agent and server start without it.

import { runCommand, runGroup, type CommandSpec, type Group } from './base.js';
import { auditGroup } from './audit.js';
import { authGroup } from './auth.js';
import { GENERIC_COMMANDS } from './generic.js';
import { k8sGroup } from './k8s.js';
import { kvGroup } from './kv.js';
import { leaseGroup } from './lease.js';
import { loginCommand } from './login.js';
import { operatorGroup } from './operator.js';
import { pathHelpCommand } from './path-help.js';
import { policyGroup } from './policy.js';
import { printGroup } from './print.js';
import { secretsGroup } from './secrets.js';
import { statusCommand } from './status.js';
import { tokenGroup } from './token.js';
import { unwrapCommand } from './unwrap.js';

const COMMANDS: Record<string, CommandSpec> = Object.fromEntries([...GENERIC_COMMANDS, loginCommand, statusCommand, unwrapCommand, pathHelpCommand].map((c) => [c.name, c]));
const GROUPS: Record<string, Group> = Object.fromEntries([kvGroup, policyGroup, secretsGroup, authGroup, tokenGroup, operatorGroup, auditGroup, leaseGroup, printGroup, k8sGroup].map((g) => [g.name, g]));

const line = (name: string, synopsis: string): string => `    ${name.padEnd(10)} ${synopsis}`;

export const USAGE = `Usage: coffer <command> [args]

Common commands:
${['read', 'write', 'delete', 'list', 'login', 'server', 'status', 'unwrap'].map((n) => line(n, n === 'server' ? 'Start a Coffer server' : COMMANDS[n]!.synopsis)).join('\n')}
${line('agent', 'Start a Coffer agent (auto-auth, templates, exec)')}

Other commands:
${[...Object.values(GROUPS).map((g) => [g.name, g.synopsis] as const), ...(['patch', 'path-help'] as const).map((n) => [n, COMMANDS[n]!.synopsis] as const)]
  .sort(([a], [b]) => a.localeCompare(b))
  .map(([n, s]) => line(n, s))
  .join('\n')}

Run "coffer <command> -h" for a command's options. The client commands read
VAULT_ADDR, VAULT_TOKEN (else ~/.vault-token), VAULT_CACERT and VAULT_FORMAT.`;

/** Runs a client command; null when `cmd` is not one. */
export async function runClientCommand(cmd: string, rest: string[]): Promise<number | null> {
  const command = COMMANDS[cmd];
  if (command) return runCommand(command, rest);
  const group = GROUPS[cmd];
  if (group) return runGroup(group, rest);
  return null;
}
