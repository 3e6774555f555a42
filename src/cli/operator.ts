// `coffer operator init|unseal|seal|rotate|key-status`: initialization, Shamir unseal, seal, and
// the barrier keyring, with Vault's flags and output. Unseal keys come from the argument, or from
// stdin (hidden prompt on a terminal); they are never echoed.

import { readLine } from './prompt.js';
import { expectArgs, Exit, type CommandSpec, type Group } from './base.js';
import { LocalError } from './config.js';
import { isObject, type JsonObject } from './http.js';
import { columnize, formatJson, formatYaml, outputData } from './output.js';
import { printSealStatus, sealStatus } from './status.js';

const initCommand: CommandSpec = {
  name: 'operator init',
  synopsis: 'Initializes a server',
  args: '[options]',
  flags: {
    'key-shares': { type: 'int', default: 5, aliases: ['n'], usage: 'Number of key shares to split the generated root key into. This is the number of "unseal keys" to generate.' },
    'key-threshold': { type: 'int', default: 3, aliases: ['t'], usage: 'Number of key shares required to reconstruct the root key. This must be less than or equal to -key-shares.' },
    status: { type: 'bool', default: false, usage: 'Print the current initialization status. An exit code of 0 means the server is already initialized. An exit code of 1 means an error occurred. An exit code of 2 means the server is not initialized.' },
  },
  help: `
  Initializes a Coffer server. Initialization is the process by which the
  storage backend is prepared to receive data. Since the server is sealed after
  initialization, this command prints the unseal keys and the initial root token.
  This is the only time the unseal keys are shown: keep them safe.

  Start initialization with the default options (5 shares, threshold 3):

      $ coffer operator init

  Initialize with one key share (for tests):

      $ coffer operator init -key-shares=1 -key-threshold=1`,
  async run(c) {
    expectArgs(c.args, 0);
    if (c.bool('status')) {
      let r: JsonObject;
      try {
        r = await c.remote('Error checking init status', () => c.client().requestBare('GET', 'sys/init'));
      } catch (e) {
        if (e instanceof Exit) throw new Exit(1, e.message);
        throw e;
      }
      if (r.initialized === true) {
        c.ui.out('Coffer is initialized');
        return 0;
      }
      c.ui.out('Coffer is not initialized');
      return 2;
    }
    const shares = Number(c.flags['key-shares']);
    const threshold = Number(c.flags['key-threshold']);
    if (shares < 1) throw new LocalError('-key-shares must be at least 1');
    if (threshold < 1 || threshold > shares) throw new LocalError(`-key-threshold must be between 1 and -key-shares (${shares})`);
    if (shares > 1 && threshold === 1) throw new LocalError('-key-threshold must be greater than one when -key-shares is greater than one');
    const d = await c.remote('Error initializing', () => c.client().requestBare('PUT', 'sys/init', { body: { secret_shares: shares, secret_threshold: threshold } }));
    const b64 = Array.isArray(d.keys_base64) ? d.keys_base64.map(String) : [];
    const hex = Array.isArray(d.keys) ? d.keys.map(String) : [];
    const root = typeof d.root_token === 'string' ? d.root_token : '';
    if (c.format !== 'table') {
      const out: JsonObject = {
        unseal_keys_b64: b64,
        unseal_keys_hex: hex,
        unseal_shares: shares,
        unseal_threshold: threshold,
        recovery_keys_b64: [],
        recovery_keys_hex: [],
        recovery_keys_shares: 0,
        recovery_keys_threshold: 0,
        root_token: root,
      };
      c.ui.out(c.format === 'json' ? formatJson(out, true) : formatYaml(out));
      return 0;
    }
    b64.forEach((k, i) => c.ui.out(`Unseal Key ${i + 1}: ${k}`));
    c.ui.out('');
    c.ui.out(`Initial Root Token: ${root}`);
    c.ui.out('');
    c.ui.out(
      [
        `Coffer initialized with ${shares} key shares and a key threshold of ${threshold}. Please`,
        'securely distribute the key shares printed above. When the server is re-sealed,',
        `restarted, or stopped, you must supply at least ${threshold} of these keys to unseal it`,
        'before it can start servicing requests.',
        '',
        `Coffer does not store the generated root key. Without at least ${threshold} keys to`,
        'reconstruct the root key, Coffer will remain permanently sealed!',
      ].join('\n'),
    );
    return 0;
  },
};

const unsealCommand: CommandSpec = {
  name: 'operator unseal',
  synopsis: 'Unseals the server',
  args: '[options] [KEY]',
  flags: {
    reset: { type: 'bool', default: false, usage: 'Discard any previously entered keys to the unseal process.' },
    migrate: { type: 'bool', default: false, usage: 'Indicate that this share is provided with the intent that it is part of a seal migration process.' },
  },
  help: `
  Provide a portion of the root key to unseal a Coffer server. The server starts
  sealed; it needs "threshold" unseal keys, given one at a time (by one or more
  operators), to reconstruct the root key.

  The unseal key can be supplied as an argument to the command, but this is
  not recommended as the unseal key will be available in your history:

      $ coffer operator unseal IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=

  Instead, run the command with no arguments and it will prompt for the key
  (or read it from stdin when stdin is not a terminal):

      $ coffer operator unseal
      Unseal Key (will be hidden): IXyR0OJnSFobekZMMCKCoVEpT7wI6l+USMzE3IcyDyo=`,
  async run(c) {
    expectArgs(c.args, 0, 1);
    let body: JsonObject;
    if (c.bool('reset')) body = { reset: true };
    else {
      let key = c.args[0] ?? '';
      if (!key) {
        if (c.bool('non-interactive')) throw new LocalError('Refusing to read an unseal key with -non-interactive; give the key as an argument');
        key = (await readLine(c, 'Unseal Key (will be hidden): ')).trim();
      }
      if (!key) throw new LocalError('Error reading the unseal key: nothing was entered');
      body = { key, migrate: c.bool('migrate') };
    }
    await c.remote('Error unsealing', () => c.client().requestBare('PUT', 'sys/unseal', { body }));
    printSealStatus(c, await sealStatus(c, 'Error checking seal status'));
    return 0;
  },
};

const sealCommand: CommandSpec = {
  name: 'operator seal',
  synopsis: 'Seals the server',
  args: '[options]',
  help: `
  Seals the server. Sealing tells the server to stop responding to any operations
  until it is unsealed. When sealed, the server discards its in-memory root key
  to unlock the data, so it is physically blocked from responding to operations
  unsealed.

  Seal the server:

      $ coffer operator seal`,
  async run(c) {
    expectArgs(c.args, 0);
    await c.remote('Error sealing', () => c.client().request('PUT', 'sys/seal'));
    c.ui.out('Success! Coffer is sealed.');
    return 0;
  },
};

const RFC822_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Go's time.RFC822 in UTC: "02 Jan 06 15:04 UTC". */
export function rfc822(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())} ${RFC822_MONTHS[d.getUTCMonth()]} ${p(d.getUTCFullYear() % 100)} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())} UTC`;
}

function keyStatusTable(d: JsonObject): string {
  return columnize([
    ['Key Term', String(d.term ?? '')],
    ['Install Time', rfc822(String(d.install_time ?? ''))],
    ['Encryption Count', String(d.encryptions ?? '')],
  ]);
}

async function keyStatus(c: Parameters<CommandSpec['run']>[0]): Promise<JsonObject> {
  const r = await c.remote('Error reading key status', () => c.client().read('sys/key-status'));
  return r && isObject(r.data) ? r.data : {};
}

const rotateCommand: CommandSpec = {
  name: 'operator rotate',
  synopsis: 'Rotates the underlying encryption key',
  args: '[options]',
  help: `
  Rotates the underlying encryption key which is used to secure data written to
  the storage backend. This installs a new key in the key ring. This new key is
  used to encrypt new data, while older keys in the ring are used to decrypt
  older data. This is an online operation and does not cause downtime.

  Rotate the encryption key:

      $ coffer operator rotate`,
  async run(c) {
    expectArgs(c.args, 0);
    await c.remote('Error rotating key', () => c.client().request('PUT', 'sys/rotate'));
    const d = await keyStatus(c);
    if (c.format !== 'table') return outputData(c.ui, c.format, d);
    c.ui.out('Success! Rotated key');
    c.ui.out('');
    c.ui.out(keyStatusTable(d));
    return 0;
  },
};

const keyStatusCommand: CommandSpec = {
  name: 'operator key-status',
  synopsis: 'Provides information about the active encryption key',
  args: '[options]',
  help: `
  Provides information about the active encryption key. Specifically, the
  current key term and the key installation time.

      $ coffer operator key-status`,
  async run(c) {
    expectArgs(c.args, 0);
    const d = await keyStatus(c);
    if (c.format !== 'table') return outputData(c.ui, c.format, d);
    c.ui.out(keyStatusTable(d));
    return 0;
  },
};

export const operatorGroup: Group = {
  name: 'operator',
  synopsis: 'Perform operator-specific tasks',
  help: `
  This command groups subcommands for operators interacting with Coffer. Most
  users will not need to interact with these commands.

  Initialize a new server:

      $ coffer operator init

  Unseal it:

      $ coffer operator unseal`,
  commands: [initCommand, unsealCommand, sealCommand, rotateCommand, keyStatusCommand],
};
