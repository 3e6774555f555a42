// `coffer lease lookup|renew|revoke`: leases through sys/leases, with Vault's flags (-increment,
// -prefix, -force, -sync).

import { ArgsError, expectArgs, type CommandSpec, type Group } from './base.js';
import type { JsonObject } from './http.js';
import { outputSecret, printRawField, secretField } from './output.js';

const lookupCommand: CommandSpec = {
  name: 'lease lookup',
  synopsis: 'Lookup the lease of a secret',
  args: '[options] ID',
  help: `
  Looks up the lease information of a secret: its issue time, expiry, TTL and
  whether it can be renewed.

      $ coffer lease lookup database/creds/readonly/2f6a614c4aa2f9b9d4e61d0a5e6c4c20

  Token leases are listed under auth/token/create/:

      $ coffer list sys/leases/lookup/auth/token/create/`,
  async run(c) {
    expectArgs(c.args, 1);
    const s = await c.remote('Error looking up lease', () => c.client().request('PUT', 'sys/leases/lookup', { body: { lease_id: c.args[0] } }));
    return outputSecret(c.ui, c.format, s);
  },
};

const renewCommand: CommandSpec = {
  name: 'lease renew',
  synopsis: 'Renews the lease of a secret',
  args: '[options] ID',
  sets: ['http', 'format', 'field'],
  flags: { increment: { type: 'string', default: '', aliases: ['i'], usage: 'Request a specific increment in seconds. The server is not required to honor this request.' } },
  help: `
  Renews the lease on a secret, extending the time that it can be used before
  it is revoked by the server.

      $ coffer lease renew database/creds/readonly/2f6a614c4aa2f9b9d4e61d0a5e6c4c20

  Ask for one more hour:

      $ coffer lease renew -increment=1h database/creds/readonly/2f6a614c4aa2f9b9d4e61d0a5e6c4c20`,
  async run(c) {
    expectArgs(c.args, 1);
    const body: JsonObject = { lease_id: c.args[0]! };
    if (c.str('increment')) body.increment = c.str('increment');
    const s = await c.remote('Error renewing ' + c.args[0], () => c.client().request('PUT', 'sys/leases/renew', { body }));
    if (s && c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
    return outputSecret(c.ui, c.format, s);
  },
};

const revokeCommand: CommandSpec = {
  name: 'lease revoke',
  synopsis: 'Revokes leases and secrets',
  args: '[options] ID',
  sets: ['http'],
  flags: {
    force: { type: 'bool', default: false, aliases: ['f'], usage: 'Delete the lease from Coffer even if the secret engine revocation fails. This is meant for recovery situations where the secret in the target secrets engine was manually removed. If this flag is specified, -prefix is also required.' },
    prefix: { type: 'bool', default: false, usage: 'Treat the ID as a prefix instead of an exact lease ID. This can revoke multiple leases simultaneously.' },
    sync: { type: 'bool', default: true, usage: 'Make the operation synchronous instead of queuing the revocations to be done in the background.' },
  },
  help: `
  Revokes secrets by their lease ID. This command can revoke a single secret
  or multiple secrets based on a path-matched prefix.

  Revoke a single lease:

      $ coffer lease revoke database/creds/readonly/2f6a614c4aa2f9b9d4e61d0a5e6c4c20

  Revoke all leases for a role, or all token leases:

      $ coffer lease revoke -prefix aws/creds/deploy
      $ coffer lease revoke -prefix auth/token/create`,
  async run(c) {
    expectArgs(c.args, 1);
    const id = c.args[0]!.replace(/^\/+/, '');
    const force = c.bool('force');
    const prefix = c.bool('prefix');
    const sync = c.bool('sync');
    if (force && !prefix) throw new ArgsError('Specifying -force requires also specifying -prefix');
    if (force) {
      await c.remote(`Error force revoking leases with prefix ${id}`, () => c.client().request('PUT', `sys/leases/revoke-force/${id}`));
      c.ui.out(`Success! Force revoked any leases with prefix: ${id}`);
      return 0;
    }
    if (prefix) {
      await c.remote(`Error revoking leases with prefix ${id}`, () => c.client().request('PUT', `sys/leases/revoke-prefix/${id}`, { body: { sync } }));
      c.ui.out(sync ? `Success! Revoked any leases with prefix: ${id}` : 'All revocation operations queued successfully!');
      return 0;
    }
    await c.remote(`Error revoking lease ${id}`, () => c.client().request('PUT', 'sys/leases/revoke', { body: { lease_id: id, sync } }));
    c.ui.out(sync ? `Success! Revoked lease: ${id}` : 'All revocation operations queued successfully!');
    return 0;
  },
};

export const leaseGroup: Group = {
  name: 'lease',
  synopsis: 'Interact with leases',
  help: `
  This command groups subcommands for interacting with leases attached to
  secrets.

  Renew a lease:

      $ coffer lease renew database/creds/readonly/2f6a614c4aa2f9b9d4e61d0a5e6c4c20

  Revoke a lease:

      $ coffer lease revoke database/creds/readonly/2f6a614c4aa2f9b9d4e61d0a5e6c4c20`,
  commands: [lookupCommand, renewCommand, revokeCommand],
};
