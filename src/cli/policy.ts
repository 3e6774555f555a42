// `coffer policy write|read|list|delete|fmt|explain`: ACL policies through sys/policies/acl, and why a
// path is allowed or denied (sys/internal/acl-explain). `write NAME -`
// reads the policy from stdin (so a heredoc works, as in the tutorial); `fmt` checks a policy file
// with the server's own parser and rewrites it in canonical layout.

import { readFileSync, writeFileSync } from 'node:fs';
import { readFileArg } from './args.js';
import { expectArgs, Exit, type CommandSpec, type Group } from './base.js';
import { LocalError } from './config.js';
import { isObject } from './http.js';
import { formatHcl } from './hcl-fmt.js';
import { outputData, printWarnings, tableOutput } from './output.js';

const writeCommand: CommandSpec = {
  name: 'policy write',
  synopsis: 'Uploads a named policy from a file',
  args: '[options] NAME PATH',
  help: `
  Uploads a policy with name NAME from the contents of a local file PATH or
  stdin. If PATH is "-", the policy is read from stdin. Otherwise, it is
  loaded from the file at the given path on the local disk.

  Upload a policy named "my-policy" from "/tmp/policy.hcl" on the local disk:

      $ coffer policy write my-policy /tmp/policy.hcl

  Upload a policy from stdin (a heredoc):

      $ coffer policy write myappp-policy - <<EOF
      path "secret/data/myapp/*" {
        capabilities = ["read", "list"]
      }
      EOF`,
  async run(c) {
    expectArgs(c.args, 2);
    const [name, path] = c.args as [string, string];
    const policy = path === '-' ? await c.stdin() : readFileArg(path);
    if (policy.trim() === '') throw new LocalError(path === '-' ? 'Error reading policy from stdin: it is empty' : `Error reading policy: ${path} is empty`);
    const n = name.trim().toLowerCase();
    const r = await c.remote('Error uploading policy', () => c.client().request('PUT', `sys/policies/acl/${encodeURIComponent(n)}`, { body: { policy } }));
    // The server warns about paths that cannot match (e.g. a KV v2 path without data/).
    printWarnings(c.ui, r);
    c.ui.out(`Success! Uploaded policy: ${n}`);
    return 0;
  },
};

const readCommand: CommandSpec = {
  name: 'policy read',
  synopsis: 'Prints the contents of a policy',
  args: '[options] [NAME]',
  help: `
  Prints the contents and metadata of the policy named NAME. If the policy
  does not exist, an error is returned.

  Read the policy named "my-policy":

      $ coffer policy read my-policy`,
  async run(c) {
    expectArgs(c.args, 1);
    const name = c.args[0]!.trim().toLowerCase();
    const r = await c.remote(`Error reading policy named ${name}`, () => c.client().read(`sys/policies/acl/${encodeURIComponent(name)}`));
    if (!r) throw new Exit(2, `No policy named: ${name}`);
    const d = isObject(r.data) ? r.data : {};
    const rules = typeof d.policy === 'string' ? d.policy : '';
    if (c.format === 'table') {
      c.ui.out(rules.trim());
      return 0;
    }
    return outputData(c.ui, c.format, { policy: rules });
  },
};

const listCommand: CommandSpec = {
  name: 'policy list',
  synopsis: 'Lists the installed policies',
  args: '[options]',
  help: `
  Lists the names of the policies that are installed on the server.

      $ coffer policy list`,
  async run(c) {
    expectArgs(c.args, 0);
    const r = await c.remote('Error listing policies', () => c.client().list('sys/policies/acl'));
    const d = r && isObject(r.data) ? r.data : {};
    const keys = Array.isArray(d.keys) ? d.keys.map(String) : [];
    if (c.format === 'table') {
      for (const k of keys) c.ui.out(k);
      return 0;
    }
    return outputData(c.ui, c.format, keys);
  },
};

const deleteCommand: CommandSpec = {
  name: 'policy delete',
  synopsis: 'Deletes a policy by name',
  args: '[options] NAME',
  help: `
  Deletes the policy named NAME from the server. Once the policy is deleted,
  all tokens associated with the policy are affected immediately.

      $ coffer policy delete my-policy

  Note that it is not possible to delete the "default" or "root" policies.`,
  async run(c) {
    expectArgs(c.args, 1);
    const name = c.args[0]!.trim().toLowerCase();
    await c.remote('Error deleting ' + name, () => c.client().delete(`sys/policies/acl/${encodeURIComponent(name)}`));
    c.ui.out(`Success! Deleted policy: ${name}`);
    return 0;
  },
};

const fmtCommand: CommandSpec = {
  name: 'policy fmt',
  synopsis: 'Formats a policy on disk',
  args: '[options] PATH',
  sets: [],
  help: `
  Formats a local policy file to the policy specification. This command will
  overwrite the file at the given PATH with the properly-formatted policy
  file contents. It checks the policy first (with the server's parser) and
  leaves the file untouched if it is not a valid policy. Comments are kept.

      $ coffer policy fmt my-policy.hcl`,
  async run(c) {
    expectArgs(c.args, 1);
    const path = c.args[0]!;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new LocalError(`Error opening policy file: ${(e as Error).message}`);
    }
    // The server's own policy parser, loaded only for this command.
    const { parsePolicyText } = await import('../server/policy/index.js');
    try {
      parsePolicyText(path, text);
    } catch (e) {
      throw new LocalError(`Failed to parse policy: ${(e as Error).message}`);
    }
    const formatted = formatHcl(text);
    try {
      writeFileSync(path, formatted);
    } catch (e) {
      throw new LocalError(`Error writing formatted policy: ${(e as Error).message}`);
    }
    c.ui.out(`Success! Formatted policy: ${path}`);
    return 0;
  },
};

interface ExplainedOperation {
  allowed: boolean;
  decision: string;
  message: string;
  rule: { pattern: string; policies: string[] } | null;
}

const explainCommand: CommandSpec = {
  name: 'policy explain',
  synopsis: 'Shows which rule of which policy grants or denies each capability on a path, and why',
  args: '[options]',
  flags: {
    path: { type: 'string', default: '', usage: 'The request path to explain, e.g. secret/data/myapp/config.' },
    policy: { type: 'string', default: '', usage: 'Comma-separated policy names to evaluate.' },
    token: { type: 'string', default: '', usage: 'Evaluate the policies of this token instead.' },
    accessor: { type: 'string', default: '', usage: 'Evaluate the policies of the token with this accessor instead.' },
  },
  help: `
  Explains, for each operation (create, read, update, patch, delete, list),
  whether the given policies allow it on PATH, the single rule that decided
  (Vault's priority rules pick one), the policies that hold it, and why.
  Without -policy, -token or -accessor it explains your own token.

  Why can't the tutorial's policy read the tutorial's secret?

      $ coffer policy explain -path=secret/data/myapp/config -policy=myappp-policy`,
  async run(c) {
    expectArgs(c.args, 0);
    const path = c.str('path');
    if (!path) throw new LocalError('Missing -path: the request path to explain');
    const body: Record<string, unknown> = { path };
    if (c.str('policy')) body.policies = c.str('policy');
    if (c.str('token')) body.token = c.str('token');
    if (c.str('accessor')) body.accessor = c.str('accessor');
    const r = await c.remote('Error explaining policy', () => c.client().request('PUT', 'sys/internal/acl-explain', { body }));
    const data = isObject(r) && isObject(r.data) ? r.data : null;
    if (!data) throw new Exit(2, 'Error explaining policy: the server sent no data');
    if (c.format !== 'table') return outputData(c.ui, c.format, data);
    const ops = (isObject(data.operations) ? data.operations : {}) as unknown as Record<string, ExplainedOperation>;
    const rows = [['Operation', 'Allowed', 'Rule', 'Policies', 'Why']];
    for (const [op, x] of Object.entries(ops)) {
      rows.push([op, x.allowed ? 'yes' : 'no', x.rule?.pattern ?? 'n/a', x.rule ? x.rule.policies.join(', ') : 'n/a', x.message]);
    }
    c.ui.out(`Path:     ${String(data.path)}`);
    c.ui.out(`Policies: ${Array.isArray(data.policies) ? data.policies.join(', ') : ''}`);
    if (Array.isArray(data.missing_policies) && data.missing_policies.length > 0) c.ui.out(`Missing:  ${data.missing_policies.join(', ')} (these policies do not exist)`);
    c.ui.out('');
    c.ui.out(tableOutput(rows));
    return 0;
  },
};

export const policyGroup: Group = {
  name: 'policy',
  synopsis: 'Interact with policies',
  help: `
  This command groups subcommands for interacting with policies. Users can
  write, read, and list policies.

  List all enabled policies:

      $ coffer policy list

  Create a policy named "my-policy" from contents on local disk:

      $ coffer policy write my-policy ./my-policy.hcl

  Delete the policy named my-policy:

      $ coffer policy delete my-policy`,
  commands: [listCommand, readCommand, writeCommand, deleteCommand, fmtCommand, explainCommand],
};
