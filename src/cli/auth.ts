// `coffer auth enable|disable|list|tune`: auth method mounts through sys/auth, with Vault's flags
// (`coffer auth enable -path=kube-policy kubernetes`).

import { expectArgs, type CommandSpec, type Group } from './base.js';
import { DETAILED_FLAG } from './config.js';
import { isObject } from './http.js';
import { MOUNT_ENABLE_FLAGS, MOUNT_TUNE_FLAGS, mountBody, mountPath, outputMounts } from './mounts.js';

const TOKEN_TYPE = { 'token-type': { type: 'string' as const, default: '', usage: 'Sets a forced token type for the mount ("service", "batch", "default-service" or "default-batch").' } };

/** "auth/kube-policy/" and "kube-policy" name the same mount. */
const authPath = (p: string): string => mountPath(p).replace(/^auth\//, '');

const enableCommand: CommandSpec = {
  name: 'auth enable',
  synopsis: 'Enables a new auth method',
  args: '[options] TYPE',
  sets: ['http'],
  flags: { ...MOUNT_ENABLE_FLAGS, ...TOKEN_TYPE },
  help: `
  Enables a new auth method. An auth method is responsible for authenticating
  users or machines and assigning them policies with which they can access
  Coffer.

  Enable the kubernetes auth method at kube-policy/:

      $ coffer auth enable -path=kube-policy kubernetes

  Enable the userpass auth method at userpass/:

      $ coffer auth enable userpass`,
  async run(c) {
    expectArgs(c.args, 1);
    const type = c.args[0]!.trim();
    const path = authPath(c.str('path') || type);
    const body = { type, ...mountBody(c, false) };
    await c.remote('Error enabling ' + type + ' auth', () => c.client().request('POST', `sys/auth/${path}`, { body }));
    c.ui.out(`Success! Enabled ${type} auth method at: ${path}/`);
    return 0;
  },
};

const disableCommand: CommandSpec = {
  name: 'auth disable',
  synopsis: 'Disables an auth method',
  args: '[options] PATH',
  sets: ['http'],
  help: `
  Disables an existing auth method at the given PATH. The argument corresponds
  to the PATH of the mount, not the TYPE! Once the auth method is disabled its
  path can no longer be used to authenticate, and all tokens issued through it
  are revoked.

      $ coffer auth disable kube-policy/`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = authPath(c.args[0]!);
    await c.remote(`Error disabling auth method at ${path}`, () => c.client().delete(`sys/auth/${path}`));
    c.ui.out(`Success! Disabled the auth method (if it existed) at: ${path}/`);
    return 0;
  },
};

const listCommand: CommandSpec = {
  name: 'auth list',
  synopsis: 'Lists enabled auth methods',
  args: '[options]',
  sets: ['http', 'format'],
  flags: DETAILED_FLAG,
  help: `
  Lists the enabled auth methods on the server. This command also outputs
  information about the method including configuration and human-friendly
  descriptions. A TTL of "system" indicates that the system default is in use.

      $ coffer auth list

      $ coffer auth list -detailed`,
  async run(c) {
    expectArgs(c.args, 0);
    const r = await c.remote('Error listing enabled authentications', () => c.client().read('sys/auth'));
    return outputMounts(c, r && isObject(r.data) ? r.data : {}, 'auth');
  },
};

const tuneCommand: CommandSpec = {
  name: 'auth tune',
  synopsis: 'Tunes an auth method configuration',
  args: '[options] PATH',
  sets: ['http'],
  flags: { ...MOUNT_TUNE_FLAGS, ...TOKEN_TYPE },
  help: `
  Tunes the configuration options for the auth method at the given PATH. The
  argument corresponds to the PATH where the auth method is enabled, not the
  TYPE!

      $ coffer auth tune -default-lease-ttl=72h kube-policy/`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = authPath(c.args[0]!);
    await c.remote('Error tuning auth method ' + path, () => c.client().request('POST', `sys/auth/${path}/tune`, { body: mountBody(c, true) }));
    c.ui.out(`Success! Tuned the auth method at: ${path}/`);
    return 0;
  },
};

export const authGroup: Group = {
  name: 'auth',
  synopsis: 'Interact with auth methods',
  help: `
  This command groups subcommands for interacting with Coffer's auth methods.
  Users can list, enable, disable, and tune auth methods.

  List all enabled auth methods:

      $ coffer auth list

  Enable the kubernetes auth method at kube-policy/:

      $ coffer auth enable -path=kube-policy kubernetes

  To authenticate, use "coffer login".`,
  commands: [enableCommand, disableCommand, listCommand, tuneCommand],
};
