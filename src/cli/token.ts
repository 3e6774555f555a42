// `coffer token create|lookup|renew|revoke|capabilities`: the token store through auth/token/* and
// sys/capabilities*, with Vault's flags (-policy, -ttl, -period, -orphan, -accessor, -self, ...).

import { ArgsError, expectArgs, type CommandSpec, type Context, type Group } from './base.js';
import { isObject, type Envelope, type JsonObject } from './http.js';
import { outputData, outputSecret, printRawField, secretField } from './output.js';

function show(c: Context, s: Envelope | null): number {
  if (!s) return 0;
  if (c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
  return outputSecret(c.ui, c.format, s);
}

/** -policy=a,b -policy=c → [a, b, c]. */
export function commaList(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

const createCommand: CommandSpec = {
  name: 'token create',
  synopsis: 'Create a new token',
  args: '[options]',
  sets: ['http', 'format', 'field'],
  flags: {
    id: { type: 'string', default: '', usage: 'Value for the token. By default, this is an auto-generated string. Specifying this value requires sudo permissions.' },
    'display-name': { type: 'string', default: '', usage: 'Name to associate with this token. This is a non-sensitive value that can be used to help identify created secrets (e.g. prefixes).' },
    ttl: { type: 'string', default: '', usage: 'Initial TTL to associate with the token. Token renewals may be able to extend beyond this value, depending on the configured maximum TTLs. This is specified as a numeric string with suffix like "30s" or "5m".' },
    'explicit-max-ttl': { type: 'string', default: '', usage: 'Explicit maximum lifetime for the token. Unlike normal TTLs, the maximum TTL is a hard limit and cannot be exceeded. This is specified as a numeric string with suffix like "30s" or "5m".' },
    period: { type: 'string', default: '', usage: 'If specified, every renewal will use the given period. Periodic tokens do not expire (unless -explicit-max-ttl is also provided). Setting this value requires sudo permissions. This is specified as a numeric string with suffix like "30s" or "5m".' },
    renewable: { type: 'bool', default: true, usage: 'Allow the token to be renewed up to it\'s maximum TTL.' },
    orphan: { type: 'bool', default: false, usage: 'Create the token with no parent. This prevents the token from being revoked when the token which created it expires. Setting this value requires root or sudo permissions.' },
    'no-default-policy': { type: 'bool', default: false, usage: 'Detach the "default" policy from the policy set for this token.' },
    'use-limit': { type: 'int', default: 0, usage: 'Number of times this token can be used. After the last use, the token is automatically revoked. By default, tokens can be used an unlimited number of times until their expiration.' },
    policy: { type: 'strings', usage: 'Name of a policy to associate with this token. This can be specified multiple times to attach multiple policies.' },
    metadata: { type: 'map', usage: 'Arbitrary key=value metadata to associate with the token. This metadata will show in the audit log when the token is used. This can be specified multiple times to add multiple pieces of metadata.' },
    role: { type: 'string', default: '', usage: 'Name of the role to create the token against. Specifying -role may override other arguments. The locally authenticated Coffer token must have permission for "auth/token/create/<role>".' },
    type: { type: 'string', default: 'service', usage: 'The type of token to create. Can be "service" or "batch".' },
    'entity-alias': { type: 'string', default: '', usage: 'Name of the entity alias to associate with during token creation. Only works in combination with -role argument and used entity alias must be listed in allowed_entity_aliases.' },
  },
  help: `
  Creates a new token that can be used for authentication. This token will be
  created as a child of the currently authenticated token. The generated token
  will inherit all policies and permissions of the currently authenticated
  token unless you explicitly define a subset list policies to assign to the
  token.

  Create a token attached to the myappp-policy policy, valid for one hour:

      $ coffer token create -policy=myappp-policy -ttl=1h

  Print only the token:

      $ coffer token create -policy=default -field=token`,
  async run(c) {
    expectArgs(c.args, 0);
    const body: JsonObject = {
      renewable: c.bool('renewable'),
      no_default_policy: c.bool('no-default-policy'),
      type: c.str('type') || 'service',
    };
    const policies = commaList(c.flags.policy as string[]);
    if (policies.length > 0) body.policies = policies;
    const meta = c.flags.metadata as Record<string, string>;
    if (Object.keys(meta).length > 0) body.meta = meta;
    const opt: Array<[string, string]> = [['id', 'id'], ['display-name', 'display_name'], ['ttl', 'ttl'], ['explicit-max-ttl', 'explicit_max_ttl'], ['period', 'period'], ['entity-alias', 'entity_alias']];
    for (const [f, k] of opt) if (c.str(f)) body[k] = c.str(f);
    const uses = Number(c.flags['use-limit']);
    if (uses > 0) body.num_uses = uses;
    const role = c.str('role');
    const path = role ? `auth/token/create/${role}` : c.bool('orphan') ? 'auth/token/create-orphan' : 'auth/token/create';
    const s = await c.remote('Error creating token', () => c.client().request('POST', path, { body }));
    return show(c, s);
  },
};

const lookupCommand: CommandSpec = {
  name: 'token lookup',
  synopsis: 'Display information about a token',
  args: '[options] [TOKEN | ACCESSOR]',
  sets: ['http', 'format', 'field'],
  flags: { accessor: { type: 'bool', default: false, usage: 'Treat the argument as an accessor instead of a token. When this option is selected, the output will NOT include the token.' } },
  help: `
  Displays information about a token or accessor. If a TOKEN is not provided,
  the locally authenticated token is used.

  Get information about the locally authenticated token:

      $ coffer token lookup

  Get information about a particular token, or by its accessor:

      $ coffer token lookup 96ddf4bc-d217-f3ba-f9bd-017055595017
      $ coffer token lookup -accessor 9793c9b3-e04a-46f3-e7b8-748d7da248da`,
  async run(c) {
    expectArgs(c.args, c.bool('accessor') ? 1 : 0, 1);
    const [arg] = c.args;
    const s = await c.remote('Error looking up token', () => {
      if (c.bool('accessor')) return c.client().request('POST', 'auth/token/lookup-accessor', { body: { accessor: arg } });
      if (arg !== undefined) return c.client().request('POST', 'auth/token/lookup', { body: { token: arg } });
      return c.client().request('GET', 'auth/token/lookup-self');
    });
    return show(c, s);
  },
};

const renewCommand: CommandSpec = {
  name: 'token renew',
  synopsis: 'Renew a token lease',
  args: '[options] [TOKEN]',
  sets: ['http', 'format', 'field'],
  flags: {
    increment: { type: 'string', default: '', aliases: ['i'], usage: 'Request a specific increment for renewal. The server is not required to honor this request. If not supplied, the server will use the default TTL. This is specified as a numeric string with suffix like "30s" or "5m".' },
    accessor: { type: 'bool', default: false, usage: 'Treat the argument as an accessor instead of a token.' },
  },
  help: `
  Renews a token's lease, extending the amount of time it can be used. If a
  TOKEN is not provided, the locally authenticated token is used.

  Renew a token (this uses the /auth/token/renew endpoint and permission):

      $ coffer token renew 96ddf4bc-d217-f3ba-f9bd-017055595017

  Renew the currently authenticated token for one more hour:

      $ coffer token renew -increment=1h`,
  async run(c) {
    expectArgs(c.args, c.bool('accessor') ? 1 : 0, 1);
    const [arg] = c.args;
    const body: JsonObject = {};
    if (c.str('increment')) body.increment = c.str('increment');
    const s = await c.remote('Error renewing token', () => {
      if (c.bool('accessor')) return c.client().request('POST', 'auth/token/renew-accessor', { body: { ...body, accessor: arg } });
      if (arg !== undefined) return c.client().request('POST', 'auth/token/renew', { body: { ...body, token: arg } });
      return c.client().request('POST', 'auth/token/renew-self', { body });
    });
    return show(c, s);
  },
};

const revokeCommand: CommandSpec = {
  name: 'token revoke',
  synopsis: 'Revoke a token and its children',
  args: '[options] [TOKEN | ACCESSOR]',
  sets: ['http'],
  flags: {
    accessor: { type: 'bool', default: false, usage: 'Treat the argument as an accessor instead of a token.' },
    self: { type: 'bool', default: false, usage: 'Perform the revocation on the currently authenticated token.' },
    mode: { type: 'string', default: '', usage: 'Type of revocation to perform. If unspecified, Coffer will revoke the token and all of the token\'s children. If "orphan", Coffer will revoke only the token, leaving the children as orphans. If "path", tokens created from the given authentication path prefix are deleted along with their children.' },
  },
  help: `
  Revokes authentication tokens and their children. If a TOKEN is not provided,
  the -self flag must be given.

  Revoke a token and all the token's children:

      $ coffer token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017

  Revoke a token leaving the token's children, or the current token:

      $ coffer token revoke -mode=orphan 96ddf4bc-d217-f3ba-f9bd-017055595017
      $ coffer token revoke -self`,
  async run(c) {
    const self = c.bool('self');
    const accessor = c.bool('accessor');
    const mode = c.str('mode');
    if (self && accessor) throw new ArgsError('Cannot use -self with -accessor!');
    if (self && mode) throw new ArgsError('Cannot use -self with -mode!');
    if (accessor && mode === 'path') throw new ArgsError('Cannot use -accessor with -mode=path!');
    if (!['', 'orphan', 'path'].includes(mode)) throw new ArgsError(`Unknown -mode "${mode}": use orphan or path`);
    if (self) expectArgs(c.args, 0);
    else expectArgs(c.args, 1);
    const [arg] = c.args;
    await c.remote('Error revoking token', () => {
      if (self) return c.client().request('POST', 'auth/token/revoke-self');
      if (accessor) return c.client().request('POST', 'auth/token/revoke-accessor', { body: { accessor: arg } });
      if (mode === 'orphan') return c.client().request('POST', 'auth/token/revoke-orphan', { body: { token: arg } });
      if (mode === 'path') return c.client().request('PUT', `sys/leases/revoke-prefix/${arg!.replace(/^\/+/, '')}`);
      return c.client().request('POST', 'auth/token/revoke', { body: { token: arg } });
    });
    c.ui.out('Success! Revoked token (if it existed)');
    return 0;
  },
};

const capabilitiesCommand: CommandSpec = {
  name: 'token capabilities',
  synopsis: 'Print capabilities of a token on a path',
  args: '[options] [TOKEN | ACCESSOR] PATH',
  flags: { accessor: { type: 'bool', default: false, usage: 'Treat the argument as an accessor instead of a token.' } },
  help: `
  Fetches the capabilities of a token for a given path. If a TOKEN is provided
  as an argument, the "/sys/capabilities" endpoint and permission is used. If
  no TOKEN is provided, the "/sys/capabilities-self" endpoint and permission
  is used with the locally authenticated token.

  List capabilities for the local token on the "secret/data/myapp/config" path:

      $ coffer token capabilities secret/data/myapp/config

  List capabilities for a token on the "cubbyhole/foo" path:

      $ coffer token capabilities 96ddf4bc-d217-f3ba-f9bd-017055595017 cubbyhole/foo`,
  async run(c) {
    const accessor = c.bool('accessor');
    expectArgs(c.args, accessor ? 2 : 1, 2);
    const [first, second] = c.args;
    const path = (second ?? first!).replace(/^\/+/, '');
    const who = second !== undefined ? first : undefined;
    const s = await c.remote('Error listing capabilities', () => {
      if (accessor) return c.client().request('POST', 'sys/capabilities-accessor', { body: { accessor: who, paths: [path] } });
      if (who !== undefined) return c.client().request('POST', 'sys/capabilities', { body: { token: who, paths: [path] } });
      return c.client().request('POST', 'sys/capabilities-self', { body: { paths: [path] } });
    });
    const d = s && isObject(s.data) ? s.data : {};
    const raw = Array.isArray(d[path]) ? d[path] : Array.isArray(d.capabilities) ? d.capabilities : [];
    const caps = raw.map(String).sort();
    if (c.format === 'table') {
      c.ui.out(caps.join(', '));
      return 0;
    }
    return outputData(c.ui, c.format, caps);
  },
};

export const tokenGroup: Group = {
  name: 'token',
  synopsis: 'Interact with tokens',
  help: `
  This command groups subcommands for interacting with tokens. Users can create,
  lookup, renew, and revoke tokens.

  Create a new token:

      $ coffer token create

  Revoke a token:

      $ coffer token revoke 96ddf4bc-d217-f3ba-f9bd-017055595017`,
  commands: [createCommand, lookupCommand, renewCommand, revokeCommand, capabilitiesCommand],
};
