// `coffer secrets enable|disable|list|tune`: secrets engine mounts through sys/mounts, with Vault's
// flags (`coffer secrets enable -path=secret -version=2 kv`).

import { expectArgs, type CommandSpec, type Group } from './base.js';
import { DETAILED_FLAG } from './config.js';
import { isObject } from './http.js';
import { MOUNT_ENABLE_FLAGS, MOUNT_TUNE_FLAGS, mountBody, mountPath, outputMounts } from './mounts.js';

const VERSION_FLAG = { version: { type: 'int' as const, default: 0, usage: 'Select the version of the engine to run (KV: 1 or 2). Sent as the "version" option.' } };

const enableCommand: CommandSpec = {
  name: 'secrets enable',
  synopsis: 'Enable a secrets engine',
  args: '[options] TYPE',
  flags: { ...MOUNT_ENABLE_FLAGS, ...VERSION_FLAG },
  help: `
  Enables a secrets engine. By default, secrets engines are enabled at the path
  corresponding to their TYPE, but users can customize the path using the
  -path option.

  Once enabled, Coffer will route all requests which begin with the path to the
  secrets engine.

  Enable the KV version 2 engine at secret/:

      $ coffer secrets enable -path=secret -version=2 kv

  Enable a KV version 1 engine at kv/ with a description:

      $ coffer secrets enable -description="static secrets" kv`,
  async run(c) {
    expectArgs(c.args, 1);
    const type = c.args[0]!.trim();
    const path = mountPath(c.str('path') || type);
    const body = { type, ...mountBody(c, false) };
    await c.remote('Error enabling', () => c.client().request('POST', `sys/mounts/${path}`, { body }));
    c.ui.out(`Success! Enabled the ${type} secrets engine at: ${path}/`);
    return 0;
  },
};

const disableCommand: CommandSpec = {
  name: 'secrets disable',
  synopsis: 'Disable a secrets engine',
  args: '[options] PATH',
  sets: ['http'],
  help: `
  Disables a secrets engine at the given PATH. The argument corresponds to
  the enabled PATH of the engine, not the TYPE! All secrets created by this
  engine are revoked and its data is deleted.

      $ coffer secrets disable kv/`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = mountPath(c.args[0]!);
    await c.remote(`Error disabling secrets engine at ${path}/`, () => c.client().delete(`sys/mounts/${path}`));
    c.ui.out(`Success! Disabled the secrets engine (if it existed) at: ${path}/`);
    return 0;
  },
};

const listCommand: CommandSpec = {
  name: 'secrets list',
  synopsis: 'List enabled secrets engines',
  args: '[options]',
  sets: ['http', 'format'],
  flags: DETAILED_FLAG,
  help: `
  Lists the enabled secret engines on the server. This command also outputs
  information about the enabled path including configured TTLs and human-
  friendly descriptions.

      $ coffer secrets list

  Detailed information, such as TTLs and the options:

      $ coffer secrets list -detailed`,
  async run(c) {
    expectArgs(c.args, 0);
    const r = await c.remote('Error listing secrets engines', () => c.client().read('sys/mounts'));
    return outputMounts(c, r && isObject(r.data) ? r.data : {}, 'secrets');
  },
};

const tuneCommand: CommandSpec = {
  name: 'secrets tune',
  synopsis: 'Tune a secrets engine configuration',
  args: '[options] PATH',
  sets: ['http'],
  flags: { ...MOUNT_TUNE_FLAGS, ...VERSION_FLAG },
  help: `
  Tunes the configuration options for the secrets engine at the given PATH.
  The argument corresponds to the PATH where the secrets engine is enabled,
  not the TYPE!

      $ coffer secrets tune -default-lease-ttl=72h pki/

  Upgrade a KV version 1 engine to version 2:

      $ coffer secrets tune -version=2 kv/`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = mountPath(c.args[0]!);
    await c.remote('Error tuning secrets engine ' + path, () => c.client().request('POST', `sys/mounts/${path}/tune`, { body: mountBody(c, true) }));
    c.ui.out(`Success! Tuned the secrets engine at: ${path}/`);
    return 0;
  },
};

export const secretsGroup: Group = {
  name: 'secrets',
  synopsis: 'Interact with secrets engines',
  help: `
  This command groups subcommands for interacting with secrets engines. Each
  secrets engine behaves differently. Please see the documentation for more
  information.

  List all enabled secrets engines:

      $ coffer secrets list

  Enable a new secrets engine:

      $ coffer secrets enable -path=secret -version=2 kv`,
  commands: [enableCommand, disableCommand, listCommand, tuneCommand],
};
