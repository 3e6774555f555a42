// `coffer read|write|list|delete|patch`: any API path, as Vault's CLI does it. Data arguments are
// key=value (with @file, - for stdin, or - alone for a JSON body); read and delete send them as the
// query string.

import { parseKeyValues } from './args.js';
import { ArgsError, expectArgs, Exit, type CommandSpec, type Context } from './base.js';
import { isObject, type Envelope, type JsonObject } from './http.js';
import { outputList, outputSecret, printRawField, printWarnings, secretField } from './output.js';

export function sanitizePath(p: string): string {
  return p.trim().replace(/^\/+/, '').replace(/\/+$/, '');
}

export async function kvData(c: Context, args: string[]): Promise<JsonObject> {
  return parseKeyValues(args, { stdin: c.stdin });
}

/** Query strings carry strings; a repeated key (a list) is sent repeated. */
export function toQuery(data: JsonObject): Record<string, string | string[]> {
  const q: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(data)) q[k] = Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) : typeof v === 'string' ? v : JSON.stringify(v);
  return q;
}

/** A read where 404 means "nothing there" (null), as Vault's API client treats it. */
export async function readOrNull(c: Context, what: string, path: string, query?: Record<string, string | string[]>): Promise<Envelope | null> {
  return c.remote(what, () => c.client().read(path, query));
}

/** Prints a write's answer: "Success! Data written to: PATH" when empty, else the response. */
export function outputWrite(c: Context, path: string, s: Envelope | null, verb = 'written to'): number {
  if (!s) {
    if (c.format === 'table') c.ui.out(`Success! Data ${verb}: ${path}`);
    return 0;
  }
  if (c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
  return outputSecret(c.ui, c.format, s);
}

const FORCE = { force: { type: 'bool' as const, default: false, aliases: ['f'], usage: 'Allow the operation to continue with no key=value pairs. This allows writing to keys that do not need or expect data.' } };

export const readCommand: CommandSpec = {
  name: 'read',
  synopsis: 'Read data and retrieves secrets',
  args: '[options] PATH [KEY=VALUE...]',
  sets: ['http', 'format', 'field'],
  help: `
  Reads data from Coffer at the given path. This can be used to read secrets,
  generate dynamic credentials, get configuration details, and more. Extra
  key=value pairs are sent as the query string.

  Read a secret from the static secrets engine (KV v2 at secret/):

      $ coffer read secret/data/my-secret

  Read the kubernetes auth method's configuration:

      $ coffer read auth/kube-policy/config`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    const path = sanitizePath(c.args[0]!);
    const data = await kvData(c, c.args.slice(1));
    const s = await readOrNull(c, `Error reading ${path}`, path, Object.keys(data).length ? toQuery(data) : undefined);
    if (!s) throw new Exit(2, `No value found at ${path}`);
    if (c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
    return outputSecret(c.ui, c.format, s);
  },
};

export const writeCommand: CommandSpec = {
  name: 'write',
  synopsis: 'Write data, configuration, and secrets',
  args: '[options] PATH [DATA K=V...]',
  sets: ['http', 'format', 'field'],
  flags: FORCE,
  help: `
  Writes data to Coffer at the given path. The data can be credentials, secrets,
  configuration, or arbitrary data. Values may be given as key=value pairs,
  key=@file to read a file, key=- to read stdin, or - alone to read a JSON
  object from stdin.

  Configure the kubernetes auth method mounted at kube-policy:

      $ coffer write auth/kube-policy/config kubernetes_host=https://10.0.0.1:6443 \\
          kubernetes_ca_cert=@ca.pem token_reviewer_jwt=@reviewer.jwt

  Write a JSON body from stdin:

      $ echo '{"policies":"default"}' | coffer write auth/token/create -`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    const path = sanitizePath(c.args[0]!);
    const data = await kvData(c, c.args.slice(1));
    if (Object.keys(data).length === 0 && !c.bool('force') && c.args.length === 1) throw new ArgsError('Must supply data or use -force');
    const s = await c.remote(`Error writing data to ${path}`, () => c.client().write(path, data));
    return outputWrite(c, path, s);
  },
};

export const patchCommand: CommandSpec = {
  name: 'patch',
  synopsis: 'Patch data, configuration, and secrets',
  args: '[options] PATH [DATA K=V...]',
  sets: ['http', 'format', 'field'],
  flags: FORCE,
  help: `
  Patches data in Coffer at the given path with a JSON merge patch: the keys
  given replace those stored, the others are kept.

      $ coffer patch secret/data/my-secret data=@patch.json

  Pipe a JSON body:

      $ echo '{"data":{"password":"new"}}' | coffer patch secret/data/my-secret -`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    const path = sanitizePath(c.args[0]!);
    const data = await kvData(c, c.args.slice(1));
    if (Object.keys(data).length === 0 && !c.bool('force') && c.args.length === 1) throw new ArgsError('Must supply data or use -force');
    const s = await c.remote(`Error writing data to ${path}`, () => c.client().patch(path, data));
    return outputWrite(c, path, s);
  },
};

export const listCommand: CommandSpec = {
  name: 'list',
  synopsis: 'List data or secrets',
  args: '[options] PATH',
  sets: ['http', 'format', 'detailed'],
  help: `
  Lists data from Coffer at the given path. This can be used to list keys in a
  given secrets engine.

  List values under the "my-app" folder of the KV v2 engine at secret/:

      $ coffer list secret/metadata/my-app/`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = `${sanitizePath(c.args[0]!)}/`;
    const s = await c.remote(`Error listing ${path}`, () => c.client().list(path));
    if (!s) throw new Exit(2, `No value found at ${path}`);
    if (!isObject(s.data) || !Array.isArray(s.data.keys)) {
      printWarnings(c.ui, s);
      throw new Exit(2, `No entries found at ${path}`);
    }
    return outputList(c.ui, c.format, s, c.bool('detailed'));
  },
};

export const deleteCommand: CommandSpec = {
  name: 'delete',
  synopsis: 'Delete secrets and configuration',
  args: '[options] PATH [K=V...]',
  help: `
  Deletes secrets and configuration from Coffer at the given path. The behavior
  of "delete" is delegated to the backend corresponding to the given path.

  Remove data in the KV v1 engine mounted at kv/:

      $ coffer delete kv/my-secret

  Disable a role of the kubernetes auth method:

      $ coffer delete auth/kube-policy/role/my-role`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    const path = sanitizePath(c.args[0]!);
    const data = await kvData(c, c.args.slice(1));
    const s = await c.remote(`Error deleting ${path}`, () => c.client().delete(path, Object.keys(data).length ? toQuery(data) : undefined));
    if (s && (isObject(s.data) || isObject(s.auth))) return outputSecret(c.ui, c.format, s);
    printWarnings(c.ui, s);
    if (c.format === 'table') c.ui.out(`Success! Data deleted (if it existed) at: ${path}`);
    return 0;
  },
};

export const GENERIC_COMMANDS = [readCommand, writeCommand, listCommand, deleteCommand, patchCommand];
