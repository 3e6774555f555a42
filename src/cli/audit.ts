// `coffer audit enable|disable|list`: audit devices through sys/audit, options as key=value
// arguments (`coffer audit enable file file_path=/tmp/a.log`).

import { parseKeyValues } from './args.js';
import { expectArgs, Exit, type CommandSpec, type Group } from './base.js';
import { DETAILED_FLAG } from './config.js';
import { isObject, type JsonObject } from './http.js';
import { goString, outputData, tableOutput } from './output.js';
import { mountPath } from './mounts.js';

const enableCommand: CommandSpec = {
  name: 'audit enable',
  synopsis: 'Enables an audit device',
  args: '[options] TYPE [CONFIG K=V...]',
  sets: ['http'],
  flags: {
    description: { type: 'string', default: '', usage: 'Human-friendly description for the purpose of this audit device.' },
    path: { type: 'string', default: '', usage: 'Place where the audit device will be accessible. This must be unique across all audit devices. This defaults to the "type" of the audit device.' },
    local: { type: 'bool', default: false, usage: 'Mark the audit device as a local-only device. Local devices are not replicated or removed by replication.' },
  },
  help: `
  Enables an audit device at a given path. An audit device is responsible for
  delivering audit logs to a destination (a file, stdout, a socket). Options
  are given as key=value pairs after the type.

  Enable the audit device "file" at the path "file/":

      $ coffer audit enable file file_path=/tmp/my-file.txt

  Log to the server's standard output:

      $ coffer audit enable -path=stdout file file_path=stdout`,
  async run(c) {
    expectArgs(c.args, 1, Infinity);
    const type = c.args[0]!.trim();
    const path = mountPath(c.str('path') || type);
    const data = await parseKeyValues(c.args.slice(1), { stdin: c.stdin });
    const options: JsonObject = {};
    for (const [k, v] of Object.entries(data)) options[k] = typeof v === 'string' ? v : goString(v);
    const body: JsonObject = { type, description: c.str('description'), options, local: c.bool('local') };
    await c.remote('Error enabling audit device', () => c.client().request('PUT', `sys/audit/${path}`, { body }));
    c.ui.out(`Success! Enabled the ${type} audit device at: ${path}/`);
    return 0;
  },
};

const disableCommand: CommandSpec = {
  name: 'audit disable',
  synopsis: 'Disables an audit device',
  args: '[options] PATH',
  sets: ['http'],
  help: `
  Disables an audit device. Once an audit device is disabled, no future audit
  logs are dispatched to it. The data associated with the audit device is not
  affected. The argument corresponds to the PATH of the audit device, not the
  TYPE!

      $ coffer audit disable file/`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = mountPath(c.args[0]!);
    await c.remote('Error disabling audit device', () => c.client().delete(`sys/audit/${path}`));
    c.ui.out(`Success! Disabled audit device (if it was enabled) at: ${path}/`);
    return 0;
  },
};

const listCommand: CommandSpec = {
  name: 'audit list',
  synopsis: 'Lists enabled audit devices',
  args: '[options]',
  sets: ['http', 'format'],
  flags: DETAILED_FLAG,
  help: `
  Lists the enabled audit devices in the server. The output lists the enabled
  audit devices and the options for those devices. With no device enabled, it
  says so and exits with 2.

      $ coffer audit list

      $ coffer audit list -detailed`,
  async run(c) {
    expectArgs(c.args, 0);
    const r = await c.remote('Error listing audits', () => c.client().read('sys/audit'));
    const data = r && isObject(r.data) ? r.data : {};
    if (c.format !== 'table') return outputData(c.ui, c.format, data);
    const paths = Object.keys(data).sort();
    if (paths.length === 0) {
      c.ui.out('No audit devices are enabled.');
      throw new Exit(2, '');
    }
    const dev = (p: string): JsonObject => (isObject(data[p]) ? data[p] : {});
    const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : goString(v as JsonObject));
    if (!c.bool('detailed')) {
      c.ui.out(tableOutput([['Path', 'Type', 'Description'], ...paths.map((p) => [str(dev(p).path) || p, str(dev(p).type), str(dev(p).description)])]));
      return 0;
    }
    c.ui.out(
      tableOutput([
        ['Path', 'Type', 'Description', 'Replication', 'Options'],
        ...paths.map((p) => [str(dev(p).path) || p, str(dev(p).type), str(dev(p).description), dev(p).local === true ? 'local' : 'replicated', goString(isObject(dev(p).options) ? dev(p).options : {})]),
      ]),
    );
    return 0;
  },
};

export const auditGroup: Group = {
  name: 'audit',
  synopsis: 'Interact with audit devices',
  help: `
  This command groups subcommands for interacting with Coffer's audit devices.
  Users can list, enable, and disable audit devices.

  List all enabled audit devices:

      $ coffer audit list

  Enable a new audit device "file":

      $ coffer audit enable file file_path=/var/log/audit.log`,
  commands: [enableCommand, disableCommand, listCommand],
};
