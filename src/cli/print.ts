// `coffer print token`: Vault's `print` group. Prints the token the other commands would send:
// VAULT_TOKEN, else the one the token helper keeps in ~/.vault-token; an empty line when neither.

import { expectArgs, type CommandSpec, type Group } from './base.js';
import { resolveToken } from './config.js';

const printTokenCommand: CommandSpec = {
  name: 'print token',
  synopsis: 'Prints the Coffer token currently in use',
  args: '',
  sets: [],
  help: `
  Prints the value of the Coffer token that will be used for commands, after
  taking into account the configured token-helper and the environment.

      $ coffer print token`,
  async run(c) {
    expectArgs(c.args, 0);
    c.ui.out(resolveToken(c.env) ?? '');
    return 0;
  },
};

export const printGroup: Group = {
  name: 'print',
  synopsis: 'Prints runtime configurations',
  help: `
  This command groups subcommands for interacting with Coffer's runtime values.

      $ coffer print token`,
  commands: [printTokenCommand],
};
