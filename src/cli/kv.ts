// `coffer kv put|get|patch|delete|undelete|destroy|list` and `kv metadata get|put|delete`: the KV
// engine with the version (1 or 2) learnt from sys/internal/ui/mounts as Vault's CLI does, so
// `coffer kv get secret/foo` reads secret/data/foo on a v2 mount; `-mount=secret foo` works too.

import { posix } from 'node:path';
import { parseKeyValues } from './args.js';
import { ArgsError, expectArgs, Exit, type CommandSpec, type Context, type Group } from './base.js';
import { LocalError } from './config.js';
import type { FlagSpec } from './flags.js';
import { sanitizePath, readOrNull } from './generic.js';
import { ApiError, isObject, type Envelope, type Json, type JsonObject } from './http.js';
import { headerForMap, outputData, outputList, outputPath, outputSecret, printRawField, printWarnings, secretField } from './output.js';
import { commaList } from './token.js';

const MOUNT: Record<string, FlagSpec> = {
  mount: {
    type: 'string',
    default: '',
    usage: 'Specifies the path where the KV backend is mounted. If specified, the next argument will be interpreted as the secret path. If this flag is not specified, the next argument will be interpreted as the combined mount path and secret path, with /data/ automatically appended between KV v2 secrets.',
  },
};

/** Go's path.Join: cleaned, no trailing slash. */
function goJoin(...parts: string[]): string {
  const j = posix.normalize(parts.filter((p) => p !== '').join('/'));
  return j === '.' ? '' : j.replace(/\/+$/, '');
}

/** Vault's addPrefixToKVPath: "secret/foo" on mount "secret/" -> "secret/data/foo". */
export function addPrefixToKVPath(path: string, mount: string, prefix: string): string {
  if (path === mount || path === mount.replace(/\/$/, '')) return goJoin(mount, prefix);
  const suffix = path.startsWith(mount) ? path.slice(mount.length) : path;
  return goJoin(mount, prefix, suffix);
}

interface KvPath {
  mount: string;
  v2: boolean;
  /** The path after the mount was resolved (mount/path for -mount on v2, else as typed). */
  partial: string;
  /** The API path for `prefix` (v2) or the plain path (v1). */
  full: string;
}

async function kvPath(c: Context, arg: string, prefix: string): Promise<KvPath> {
  const flagMount = c.str('mount');
  let partial = arg.replace(/^\/+/, '');
  const kind = await c.remote(flagMount ? `Error checking the mount ${flagMount}` : `Error checking the mount of ${partial}`, () =>
    c.client().kvKind(flagMount ? sanitizePath(flagMount) : partial),
  );
  const v2 = kind.version === 2;
  if (flagMount && v2) partial = goJoin(kind.mount, partial);
  let full: string;
  if (v2) full = addPrefixToKVPath(partial, kind.mount, prefix);
  else full = flagMount ? goJoin(kind.mount || sanitizePath(flagMount), partial) : partial;
  return { mount: kind.mount, v2, partial, full };
}

function requireV2(p: KvPath, what: string): void {
  if (!p.v2) throw new LocalError(`${what} not supported on KV Version 1`);
}

/** kv put/patch output: the new version's metadata under "Secret Path" (table), or the response. */
function outputKvWrite(c: Context, p: KvPath, s: Envelope | null): number {
  if (!s) {
    if (c.format === 'table') c.ui.out(`Success! Data written to: ${p.full}`);
    return 0;
  }
  if (c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
  if (c.format === 'table' && p.v2) {
    printWarnings(c.ui, s);
    const meta = isObject(s.data) ? s.data : {};
    outputPath(c.ui, p.full, 'Secret Path');
    c.ui.out(headerForMap('Metadata', meta));
    return outputData(c.ui, c.format, meta);
  }
  return outputSecret(c.ui, c.format, s);
}

const putCommand: CommandSpec = {
  name: 'kv put',
  synopsis: 'Sets or updates data in the KV store',
  args: '[options] KEY [DATA]',
  sets: ['http', 'format', 'field'],
  flags: {
    cas: { type: 'int', default: -1, usage: 'Specifies to use a Check-And-Set operation. If not set the write will be allowed. If set to 0 a write will only be allowed if the key doesn\'t exist. If the index is non-zero the write will only be allowed if the key\'s current version matches the version specified in the cas parameter.' },
    ...MOUNT,
  },
  help: `
  Writes the data to the given path in the key-value store. The data can be of
  any type.

      $ coffer kv put -mount=secret foo bar=baz

  The deprecated path-like syntax can also be used, but this should be avoided
  for KV v2, as the fact that it is not actually the full API path to the
  secret (secret/data/foo) can cause confusion:

      $ coffer kv put secret/foo bar=baz

  The data can also be consumed from a file on disk by prefixing with the "@"
  symbol, or from stdin with "-":

      $ coffer kv put secret/myapp/config aws_secret_access_key=@secret.txt
      $ echo '{"password":"s3cr3t"}' | coffer kv put secret/myapp/db -

  Write only if the current version is 3 (check-and-set):

      $ coffer kv put -cas=3 secret/myapp/config user=app`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    if (c.args.length === 1) throw new ArgsError('Must supply data');
    const data = await parseKeyValues(c.args.slice(1), { stdin: c.stdin });
    const p = await kvPath(c, c.args[0]!, 'data');
    let body: JsonObject = data;
    if (p.v2) {
      const options: JsonObject = {};
      const cas = Number(c.flags.cas);
      if (cas > -1) options.cas = cas;
      body = { data, options };
    }
    const s = await c.remote(`Error writing data to ${p.full}`, () => c.client().write(p.full, body));
    return outputKvWrite(c, p, s);
  },
};

const getCommand: CommandSpec = {
  name: 'kv get',
  synopsis: 'Retrieves data from the KV store',
  args: '[options] KEY',
  sets: ['http', 'format', 'field'],
  flags: {
    version: { type: 'int', default: 0, usage: 'If passed, the value at the version number will be returned.' },
    ...MOUNT,
  },
  help: `
  Retrieves the value from the key-value store at the given key name. If no
  key exists with that name, an error is returned. If a key exists with that
  name but has no data, nothing is returned.

      $ coffer kv get -mount=secret foo

  The path-like syntax works too (for KV v2 it reads secret/data/foo):

      $ coffer kv get secret/foo

  To view the given key name at a specific version in time, specify the
  "-version" flag; print one field with "-field":

      $ coffer kv get -version=1 secret/foo
      $ coffer kv get -field=password secret/myapp/db`,
  async run(c) {
    expectArgs(c.args, 1);
    const p = await kvPath(c, c.args[0]!, 'data');
    const version = Number(c.flags.version);
    const query = p.v2 && version > 0 ? { version: String(version) } : undefined;
    const s = await readOrNull(c, `Error reading ${p.full}`, p.full, query);
    if (!s) throw new Exit(2, `No value found at ${p.full}`);
    const sd = isObject(s.data) ? s.data : undefined;
    if (c.field) {
      if (!p.v2) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
      const data = sd && isObject(sd.data) ? sd.data : undefined;
      if (!data) throw new Exit(2, `No data found at ${p.full}`);
      if (c.field === 'data' && !('data' in data)) return printRawField(c.ui, c.format, data, c.field);
      return printRawField(c.ui, c.format, data[c.field], c.field);
    }
    if (s.wrap_info || c.format !== 'table') return outputSecret(c.ui, c.format, s);
    printWarnings(c.ui, s);
    if (p.v2) outputPath(c.ui, p.full, 'Secret Path');
    if (sd && isObject(sd.metadata)) {
      c.ui.out(headerForMap('Metadata', sd.metadata));
      outputData(c.ui, 'table', sd.metadata);
      c.ui.out('');
    }
    const data: JsonObject | undefined = p.v2 ? (sd && isObject(sd.data) ? sd.data : undefined) : sd;
    if (data) {
      c.ui.out(headerForMap('Data', data));
      outputData(c.ui, 'table', data);
    }
    return 0;
  },
};

const patchCommand: CommandSpec = {
  name: 'kv patch',
  synopsis: 'Sets or updates data in the KV store without overwriting',
  args: '[options] KEY [DATA]',
  sets: ['http', 'format', 'field'],
  flags: {
    cas: { type: 'int', default: 0, usage: 'Specifies to use a Check-And-Set operation. If set to 0 or not set, the patch will be allowed. If the index is non-zero the patch will only be allowed if the key\'s current version matches the version specified in the cas parameter.' },
    method: { type: 'string', default: '', usage: 'Specifies which method of patching to use. If set to "patch", then an HTTP PATCH request will be issued. If set to "rw", then a read will be performed, then a local update, followed by a remote update. The default tries "patch" and falls back to "rw" when PATCH is not permitted.' },
    'remove-data': { type: 'strings', usage: 'Key to remove from data. To specify multiple values, specify this flag multiple times.' },
    ...MOUNT,
  },
  help: `
  *NOTE*: This is only supported for KV v2 engine mounts.

  Writes the data to the given path in the key-value store. The data can be of
  any type. Keys not given keep their values.

      $ coffer kv patch -mount=secret foo bar=baz

  Remove a key:

      $ coffer kv patch -remove-data=bar secret/foo

  Read, update locally and write back with check-and-set:

      $ coffer kv patch -method=rw secret/foo bar=baz`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    const remove = c.flags['remove-data'] as string[];
    if (c.args.length === 1 && remove.length === 0) throw new ArgsError('Must supply data');
    const data: JsonObject = await parseKeyValues(c.args.slice(1), { stdin: c.stdin });
    const method = c.str('method');
    if (!['', 'patch', 'rw'].includes(method)) throw new ArgsError(`Unsupported method provided to -method flag: ${method}`);
    const p = await kvPath(c, c.args[0]!, 'data');
    if (!p.v2) throw new Exit(2, 'K/V engine mount must be version 2 for patch support');
    for (const k of remove) data[k] = null;
    const cas = Number(c.flags.cas);
    const patch = async (): Promise<Envelope | null> => c.client().patch(p.full, { data, options: cas > 0 ? { cas } : {} });
    const readThenWrite = async (): Promise<Envelope | null> => {
      const cur = await readOrNull(c, `Error doing pre-read at ${p.full}`, p.full);
      const cd = cur && isObject(cur.data) ? cur.data : undefined;
      if (!cd || !isObject(cd.data)) throw new Exit(2, `No value found at ${p.full}`);
      const meta = isObject(cd.metadata) ? cd.metadata : {};
      const merged: JsonObject = { ...cd.data };
      for (const [k, v] of Object.entries(data)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const version: Json = cas > 0 ? cas : (meta.version ?? 0);
      return c.client().write(p.full, { data: merged, options: { cas: version } });
    };
    let s: Envelope | null;
    if (method === 'rw') s = await c.remote(`Error writing data to ${p.full}`, readThenWrite);
    else {
      try {
        s = await patch();
      } catch (e) {
        // Without the patch capability (or an older server), the default falls back to read-then-write.
        if (method === '' && e instanceof ApiError && (e.status === 403 || e.status === 405)) s = await c.remote(`Error writing data to ${p.full}`, readThenWrite);
        else if (e instanceof ApiError && e.status === 404) throw new Exit(2, `No value found at ${p.full}`);
        else s = await c.remote(`Error writing data to ${p.full}`, () => Promise.reject(e));
      }
    }
    return outputKvWrite(c, p, s);
  },
};

const VERSIONS: Record<string, FlagSpec> = {
  versions: { type: 'strings', usage: 'Specifies the version numbers to act on (comma separated, or the flag repeated).' },
  ...MOUNT,
};

const deleteCommand: CommandSpec = {
  name: 'kv delete',
  synopsis: 'Deletes versions in the KV store',
  args: '[options] PATH',
  sets: ['http'],
  flags: VERSIONS,
  help: `
  Deletes the data for the provided version and path in the key-value store.
  The versioned data will not be fully removed, but marked as deleted and will
  no longer be returned in normal get requests.

  To delete the latest version of the key "foo":

      $ coffer kv delete -mount=secret foo

  To delete version 3 of key foo:

      $ coffer kv delete -mount=secret -versions=3 foo`,
  async run(c) {
    expectArgs(c.args, 1);
    const p = await kvPath(c, c.args[0]!, 'data');
    const versions = commaList(c.flags.versions as string[]);
    await c.remote(`Error deleting ${p.full}`, () => {
      if (p.v2 && versions.length > 0) return c.client().write(addPrefixToKVPath(p.partial, p.mount, 'delete'), { versions });
      return c.client().delete(p.full);
    });
    c.ui.out(`Success! Data deleted (if it existed) at: ${p.full}`);
    return 0;
  },
};

function versionedCommand(name: 'undelete' | 'destroy', synopsis: string, help: string): CommandSpec {
  return {
    name: `kv ${name}`,
    synopsis,
    args: '[options] KEY',
    sets: ['http'],
    flags: VERSIONS,
    help,
    async run(c) {
      expectArgs(c.args, 1);
      const versions = commaList(c.flags.versions as string[]);
      if (versions.length === 0) throw new ArgsError(`No versions provided, use the "-versions" flag to specify the version to ${name}.`);
      const p = await kvPath(c, c.args[0]!, name);
      requireV2(p, name === 'undelete' ? 'Undelete' : 'Destroy');
      const s = await c.remote(`Error writing data to ${p.full}`, () => c.client().write(p.full, { versions }));
      if (s) printWarnings(c.ui, s);
      c.ui.out(`Success! Data written to: ${p.full}`);
      return 0;
    },
  };
}

const undeleteCommand = versionedCommand(
  'undelete',
  'Undeletes versions in the KV store',
  `
  Undeletes the data for the provided version and path in the key-value store.
  This restores the data, allowing it to be returned on get requests.

  To undelete version 3 of key "foo":

      $ coffer kv undelete -mount=secret -versions=3 foo`,
);

const destroyCommand = versionedCommand(
  'destroy',
  'Permanently removes one or more versions in the KV store',
  `
  Permanently removes the specified versions' data from the key-value store. If
  no key exists at the path, no action is taken.

  To destroy version 3 of key foo:

      $ coffer kv destroy -mount=secret -versions=3 foo`,
);

const listCommand: CommandSpec = {
  name: 'kv list',
  synopsis: 'List data or secrets',
  args: '[options] PATH',
  sets: ['http', 'format', 'detailed'],
  flags: MOUNT,
  help: `
  Lists data from the key-value store at the given path. This can be used to
  list keys in a given secrets engine.

  List values under the key "my-app":

      $ coffer kv list -mount=secret my-app/

      $ coffer kv list secret/my-app/`,
  async run(c) {
    expectArgs(c.args, 0, 1);
    const arg = c.args[0] ?? '';
    if (!arg && !c.str('mount')) throw new ArgsError('Not enough arguments (expected 1, got 0)');
    const p = await kvPath(c, arg, 'metadata');
    const path = `${p.full.replace(/\/+$/, '')}/`;
    const s = await c.remote(`Error listing ${path}`, () => c.client().list(path));
    if (!s || !isObject(s.data) || !Array.isArray(s.data.keys)) throw new Exit(2, `No value found at ${path}`);
    return outputList(c.ui, c.format, s, c.bool('detailed'));
  },
};

const metadataGetCommand: CommandSpec = {
  name: 'kv metadata get',
  synopsis: 'Retrieves key metadata from the KV store',
  args: '[options] KEY',
  sets: ['http', 'format', 'field'],
  flags: MOUNT,
  help: `
  Retrieves the metadata from the key-value store at the given key name. If no
  key exists with that name, an error is returned.

      $ coffer kv metadata get -mount=secret foo

      $ coffer kv metadata get secret/foo`,
  async run(c) {
    expectArgs(c.args, 1);
    const p = await kvPath(c, c.args[0]!, 'metadata');
    requireV2(p, 'Metadata');
    const s = await readOrNull(c, `Error reading ${p.full}`, p.full);
    if (!s) throw new Exit(2, `No value found at ${p.full}`);
    if (c.field) return printRawField(c.ui, c.format, secretField(s, c.field), c.field);
    if (s.wrap_info || c.format !== 'table') return outputSecret(c.ui, c.format, s);
    const d: JsonObject = isObject(s.data) ? { ...s.data } : {};
    const versions = isObject(d.versions) ? d.versions : undefined;
    if (!versions) {
      outputSecret(c.ui, c.format, s);
      throw new Exit(2, `No value found at ${p.full}`);
    }
    delete d.versions;
    outputPath(c.ui, p.full, 'Metadata Path');
    c.ui.out(headerForMap('Metadata', d));
    outputSecret(c.ui, 'table', { ...s, data: d });
    for (const v of Object.keys(versions).map(Number).filter(Number.isFinite).sort((a, b) => a - b)) {
      const vd = versions[String(v)];
      c.ui.out(`\n${headerForMap(`Version ${v}`, isObject(vd) ? vd : {})}`);
      outputData(c.ui, 'table', vd);
    }
    return 0;
  },
};

const metadataPutCommand: CommandSpec = {
  name: 'kv metadata put',
  synopsis: 'Sets or updates key settings in the KV store',
  args: '[options] KEY',
  sets: ['http'],
  flags: {
    'max-versions': { type: 'int', default: -1, usage: 'The number of versions to keep. If not set, the backend\'s configured max version is used.' },
    'cas-required': { type: 'bool', default: false, usage: 'If true the key will require the cas parameter to be set on all write requests. If false, the backend\'s configuration will be used.' },
    'delete-version-after': { type: 'string', default: '', usage: 'Specifies the length of time before a version is deleted. If not set, the backend\'s configured delete-version-after is used. Cannot be greater than the backend\'s delete-version-after. The delete-version-after is specified as a numeric string with a suffix like "30s" or "3h25m19s".' },
    'custom-metadata': { type: 'map', usage: 'Specifies arbitrary version-agnostic key=value metadata meant to describe a secret. This can be specified multiple times to add multiple pieces of metadata.' },
    ...MOUNT,
  },
  help: `
  This command can be used to create a blank key in the key-value store or to
  update key configuration for a specified key.

  Create a key in the key-value store with no data:

      $ coffer kv metadata put -mount=secret foo

  Set a max versions setting on the key:

      $ coffer kv metadata put -mount=secret -max-versions=5 foo

  Require Check-and-Set for this key, and add custom metadata:

      $ coffer kv metadata put -cas-required -custom-metadata=team=web secret/foo`,
  async run(c) {
    expectArgs(c.args, 1);
    const p = await kvPath(c, c.args[0]!, 'metadata');
    requireV2(p, 'Metadata');
    const body: JsonObject = {};
    const max = Number(c.flags['max-versions']);
    if (max >= 0) body.max_versions = max;
    if (c.given('cas-required')) body.cas_required = c.bool('cas-required');
    if (c.str('delete-version-after')) body.delete_version_after = c.str('delete-version-after');
    const custom = c.flags['custom-metadata'] as Record<string, string>;
    if (Object.keys(custom).length > 0) body.custom_metadata = custom;
    const s = await c.remote(`Error writing data to ${p.full}`, () => c.client().write(p.full, body));
    if (s) printWarnings(c.ui, s);
    c.ui.out(`Success! Data written to: ${p.full}`);
    return 0;
  },
};

const metadataDeleteCommand: CommandSpec = {
  name: 'kv metadata delete',
  synopsis: 'Deletes all versions and metadata for a key in the KV store',
  args: '[options] PATH',
  sets: ['http'],
  flags: MOUNT,
  help: `
  Deletes all versions and metadata for the provided key.

      $ coffer kv metadata delete -mount=secret foo`,
  async run(c) {
    expectArgs(c.args, 1);
    const p = await kvPath(c, c.args[0]!, 'metadata');
    requireV2(p, 'Metadata');
    await c.remote(`Error deleting ${p.full}`, () => c.client().delete(p.full));
    c.ui.out(`Success! Data deleted (if it existed) at: ${p.full}`);
    return 0;
  },
};

export const kvGroup: Group = {
  name: 'kv',
  synopsis: 'Interact with the key-value secrets engine',
  help: `
  This command has subcommands for interacting with the key-value (KV) secrets
  engine. Both versions 1 and 2 work: the version is learnt from the mount.

  Create or update the key named "foo" in the "secret" mount with the value
  "bar=baz":

      $ coffer kv put -mount=secret foo bar=baz

  Read this value back:

      $ coffer kv get -mount=secret foo

  Get metadata for the key:

      $ coffer kv metadata get -mount=secret foo`,
  commands: [
    putCommand,
    getCommand,
    patchCommand,
    deleteCommand,
    undeleteCommand,
    destroyCommand,
    listCommand,
    metadataGetCommand,
    metadataPutCommand,
    metadataDeleteCommand,
  ],
};
