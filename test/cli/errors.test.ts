// Exit codes and messages, as Vault's CLI has them: -h/-help on every command prints its usage with
// an example (exit 0); bad usage (unknown flag, missing or extra arguments) prints the reason and
// the usage (exit 1); a server refusal prints the server's message (exit 2); an unreachable server
// exits 2; secret values never appear in error output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coffer, expectCode, devServerCli } from './run.js';
import { auditGroup } from '../../src/cli/audit.js';
import { authGroup } from '../../src/cli/auth.js';
import { GENERIC_COMMANDS } from '../../src/cli/generic.js';
import { kvGroup } from '../../src/cli/kv.js';
import { leaseGroup } from '../../src/cli/lease.js';
import { loginCommand } from '../../src/cli/login.js';
import { operatorGroup } from '../../src/cli/operator.js';
import { policyGroup } from '../../src/cli/policy.js';
import { secretsGroup } from '../../src/cli/secrets.js';
import { statusCommand } from '../../src/cli/status.js';
import { tokenGroup } from '../../src/cli/token.js';

const ROOT = 'cli-errors-root';
const dev = devServerCli(ROOT);
const { run } = dev;

const GROUPS = [kvGroup, policyGroup, secretsGroup, authGroup, tokenGroup, operatorGroup, auditGroup, leaseGroup];
const COMMANDS = [...GENERIC_COMMANDS, loginCommand, statusCommand, ...GROUPS.flatMap((g) => g.commands)];

test('-h on every command prints its usage and an example, exit 0 (also -help and --help)', async () => {
  const names = COMMANDS.map((c) => c.name);
  for (const want of ['status', 'login', 'read', 'write', 'list', 'delete', 'patch', 'kv put', 'kv get', 'kv patch', 'kv delete', 'kv undelete', 'kv destroy', 'kv list', 'kv metadata get', 'kv metadata put', 'kv metadata delete', 'policy write', 'policy read', 'policy list', 'policy delete', 'policy fmt', 'secrets enable', 'secrets disable', 'secrets list', 'secrets tune', 'auth enable', 'auth disable', 'auth list', 'auth tune', 'token create', 'token lookup', 'token renew', 'token revoke', 'token capabilities', 'operator init', 'operator unseal', 'operator seal', 'operator rotate', 'operator key-status', 'audit enable', 'audit disable', 'audit list', 'lease lookup', 'lease renew', 'lease revoke']) {
    assert.ok(names.includes(want), `command ${want} exists`);
  }
  await Promise.all(
    COMMANDS.map(async (c, i) => {
      const flag = ['-h', '-help', '--help'][i % 3]!;
      const r = await run([...c.name.split(' '), flag]);
      expectCode(r, 0);
      assert.ok(r.stdout.startsWith(`Usage: coffer ${c.name}`), `${c.name}: ${r.stdout.slice(0, 80)}`);
      assert.match(r.stdout, new RegExp(`\\$ coffer ${c.name.split(' ')[0]}`), `${c.name} has an example`);
      if (c.sets === undefined || c.sets.includes('http')) assert.match(r.stdout, /HTTP Options:\n\n {2}-address=<string>/);
    }),
  );
  for (const g of GROUPS) {
    const bare = await run([g.name]);
    expectCode(bare, 1);
    assert.match(bare.stderr, new RegExp(`^Usage: coffer ${g.name} <subcommand>`));
    const help = expectCode(await run([g.name, '-h']), 0);
    assert.match(help.stdout, /Subcommands:\n/);
  }
  assert.match(expectCode(await run(['kv', 'metadata', '-h']), 0).stdout, /Subcommands:\n +get +/);
  assert.match(expectCode(await run(['-h']), 0).stdout, /^Usage: coffer <command> \[args\]/);
  // -h after the arguments too; a help flag after -- is an argument.
  assert.match(expectCode(await run(['kv', 'get', 'secret/x', '-h']), 0).stdout, /^Usage: coffer kv get/);
});

test('bad usage: unknown flag, missing and extra arguments, bad flag values give the reason and the usage, exit 1', async () => {
  const flag = await run(['kv', 'get', '-bogus', 'secret/x']);
  expectCode(flag, 1);
  assert.match(flag.stderr, /^flag provided but not defined: -bogus\n\nUsage: coffer kv get \[options\] KEY\n\n(.*\n)*\s+\$ coffer kv get /);
  assert.match(flag.stderr, /Run "coffer kv get -h" for all the options\.\n$/);
  assert.equal(flag.stdout, '');
  const missing = await run(['policy', 'write', 'only-a-name']);
  expectCode(missing, 1);
  assert.match(missing.stderr, /^Not enough arguments \(expected 2, got 1\)\n\nUsage: coffer policy write \[options\] NAME PATH/);
  const extra = await run(['secrets', 'list', 'extra']);
  expectCode(extra, 1);
  assert.match(extra.stderr, /^Too many arguments \(expected 0, got 1\)/);
  expectCode(await run(['kv', 'get', '-version=two', 'secret/x']), 1);
  expectCode(await run(['kv', 'get', '-format']), 1);
  const unknownCmd = await run(['frobnicate']);
  expectCode(unknownCmd, 1);
  assert.match(unknownCmd.stderr, /^Unknown command "frobnicate"/);
  const unknownSub = await run(['kv', 'frobnicate']);
  expectCode(unknownSub, 1);
  assert.match(unknownSub.stderr, /^Unknown subcommand "kv frobnicate"/);
  const kvArg = await run(['write', 'secret/data/x', 'not-a-pair']);
  expectCode(kvArg, 1);
  assert.match(kvArg.stderr, /format must be key=value/);
  const badAddr = await run(['status'], { env: { VAULT_ADDR: 'ftp://example' } });
  expectCode(badAddr, 1);
  // Flags after the first argument are arguments (Go's flag package), and Vault warns about them.
  const late = await run(['kv', 'put', 'secret/late', 'a=b', '-cas=0']);
  expectCode(late, 0);
  assert.match(late.stderr, /^Command flags must be provided before positional arguments\. The following arguments will not be parsed as flags: \[-cas=0\]/);
});

test('a server refusal prints the server message and exits 2; the secret being written is not in the output', async () => {
  const t = expectCode(await run(['token', 'create', '-policy=default', '-field=token']), 0).stdout;
  const denied = await run(['kv', 'put', '-mount=secret', 'app', 'password=hunter2-very-secret'], { env: { VAULT_TOKEN: t } });
  expectCode(denied, 2);
  assert.match(denied.stderr, /Code: 403\. Errors:\n\n\* .*permission denied/);
  assert.ok(!denied.stderr.includes('hunter2') && !denied.stdout.includes('hunter2'));
  const w = await run(['write', 'secret/data/app', 'data=hunter2-very-secret'], { env: { VAULT_TOKEN: t } });
  expectCode(w, 2);
  assert.match(w.stderr, /^Error writing data to secret\/data\/app: Error making API request\.\n\nURL: PUT http:\/\/127\.0\.0\.1:\d+\/v1\/secret\/data\/app\nCode: 403\. Errors:\n\n\* permission denied\n$/);
  assert.ok(!w.stderr.includes('hunter2'));
  const badToken = await run(['read', 'secret/data/app'], { env: { VAULT_TOKEN: 'hvs.bogus-token-value' } });
  expectCode(badToken, 2);
  assert.ok(!badToken.stderr.includes('bogus-token-value'), 'the token is not echoed');
});

test('an unreachable server exits 2 (status: 1, as Vault documents for status)', async () => {
  const down = { env: { VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: ROOT } };
  for (const args of [['kv', 'get', 'secret/x'], ['read', 'sys/mounts'], ['write', 'secret/data/x', 'a=b'], ['policy', 'list'], ['login', ROOT], ['token', 'lookup']]) {
    const r = await coffer(args, down);
    expectCode(r, 2);
    assert.match(r.stderr, /ECONNREFUSED|cannot reach/, args.join(' '));
    assert.ok(!r.stderr.includes(ROOT), 'the token is not echoed');
  }
  const st = await coffer(['status'], down);
  expectCode(st, 1);
  assert.match(st.stderr, /^Error checking seal status: /);
});
