// `coffer k8s migrate PATH...`: moves plaintext Kubernetes Secrets into Coffer's KV v2 and rewrites
// the manifests to get them from the injector (the plan is src/k8s/migrate/). Dry run by default:
// prints the diffs, the KV writes (key names and fingerprints only), the policies and roles.
// -apply writes KV first (cas=0: never over a newer value), then the policies and roles, then the
// files, each through a temporary file in its own folder renamed over it (never half-written).
// Exit 0: done or nothing to do; 1: conflicts or unsafe files reported; 2: usage, file or server error.

import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Client, isVaultError } from '../client/index.js';
import { buildPlan, formatJson, formatText, pathsOfOwnPolicy, policyHcl, POLICY_MARKER, sameData, secretsToCheck, type FileChange, type KvState, type MigrateOptions, type MigrationPlan } from '../k8s/migrate/index.js';
import { gather } from '../k8s/scan/walk.js';
import { clientSettings, HTTP_FLAGS, LocalError, type Env } from './config.js';
import { parseFlags, usageText, UsageError, type FlagSpec } from './flags.js';
import { processUi, type Ui } from './output.js';

const FLAGS: Record<string, FlagSpec> = {
  apply: { type: 'bool', default: false, usage: 'Write: the KV secrets, the policies and roles, then the files. Without it nothing is written (a dry run).' },
  mount: { type: 'string', default: 'secret', usage: 'The KV v2 mount the values go to.' },
  prefix: { type: 'string', default: '', usage: 'A path put before NAMESPACE/NAME under the mount (e.g. "apps/").' },
  'auth-path': { type: 'string', default: 'kubernetes', usage: 'The Kubernetes auth mount the roles are written to (auth/PATH/role/NAME).' },
  'default-namespace': { type: 'string', default: 'default', usage: 'The namespace of objects whose metadata names none.' },
  ttl: { type: 'string', default: '1h', usage: "The roles' token_ttl." },
  format: { type: 'string', default: 'text', usage: 'Output: "text" (diffs and lists) or "json".' },
  ...Object.fromEntries(['address', 'ca-cert', 'ca-path', 'tls-skip-verify'].map((n) => [n, HTTP_FLAGS[n]!])),
};

export const K8S_MIGRATE_USAGE = `Usage: coffer k8s migrate [options] PATH...

  Finds every plaintext Secret (data or stringData) in the manifests under PATH
  and moves it into Coffer: its values to KV v2 at MOUNT/PREFIX NAMESPACE/NAME
  (key names kept), the Secret removed from its file, and every pod template of
  its namespace that used it rewritten for the injector: secretKeyRef and
  envFrom become coffer.dev/agent-inject-env-VAR annotations, secret volumes
  become agent-inject-secret files at the same path with the same names and
  modes. Each service account gets a policy (read on exactly its secrets' paths)
  and a Kubernetes auth role, both named migrated-NAMESPACE-SERVICEACCOUNT.

  Without -apply it only prints the plan: a diff of each file and the KV writes
  with key names and fingerprints, never a value. A KV path that already holds
  different data is never overwritten: that Secret stays, reported as a
  conflict. A file migrate cannot rewrite safely (a Helm template, a Secret used
  by imagePullSecrets or an Ingress, ...) is reported and left untouched.
  Exit 0: done, or nothing to do; 1: conflicts or unsafe files; 2: usage, file
  or server error.

      $ coffer k8s migrate deploy/
      $ coffer k8s migrate -apply deploy/

${usageText(FLAGS)}`;

/** -ca-cert, or -ca-path / VAULT_CAPATH: every PEM file of the directory as one bundle. */
function caBundleOf(settings: ReturnType<typeof clientSettings>): { caCert?: string } {
  if (settings.caCert) return { caCert: settings.caCert };
  if (!settings.caPath) return {};
  try {
    const dir = settings.caPath;
    return { caCert: readdirSync(dir).filter((f) => /\.(pem|crt|cer)$/i.test(f)).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') };
  } catch (e) {
    throw new LocalError(`Error loading CA path ${settings.caPath}: ${(e as Error).message}`);
  }
}

/** Writes next to the file and renames over it: readers see the old file or the new one, never a part. */
export function writeAtomic(path: string, text: string): void {
  let mode = 0o644;
  try {
    mode = statSync(path).mode & 0o7777;
  } catch {
    /* a new file */
  }
  const tmp = join(dirname(path), `.${basename(path)}.coffer-migrate-${randomBytes(6).toString('hex')}`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}

async function kvStates(client: Client, o: MigrateOptions, wanted: ReturnType<typeof secretsToCheck>): Promise<Map<string, KvState>> {
  const kv = client.kv.v2(o.mount);
  const states = new Map<string, KvState>();
  for (const w of wanted) {
    const meta = await kv.readMetadata(w.path);
    if (!meta) {
      states.set(w.id, { state: 'absent' });
      continue;
    }
    const cur = await kv.get(w.path);
    if (!cur || cur.data === null) states.set(w.id, { state: 'conflict', version: meta.current_version, deleted: true });
    else if (sameData(cur.data, w.data)) states.set(w.id, { state: 'same', version: cur.metadata.version });
    else states.set(w.id, { state: 'conflict', version: cur.metadata.version });
  }
  return states;
}

async function checkMount(client: Client, mount: string): Promise<void> {
  let m;
  try {
    m = await client.sys.internalUiMount(mount);
  } catch (e) {
    if (isVaultError(e) && (e.status === 404 || e.status === 400)) {
      throw new LocalError(`Error: no secrets engine is mounted at ${mount}/: enable KV v2 there (coffer secrets enable -path=${mount} kv-v2) or choose another -mount`);
    }
    throw e;
  }
  const version = String(m.options?.version ?? '1');
  if (m.type !== 'kv' || version !== '2') {
    throw new LocalError(`Error: ${mount}/ is a ${m.type}${m.type === 'kv' ? ` version ${version}` : ''} mount, not KV version 2: migrate writes with check-and-set, which only KV v2 has. Upgrade it (coffer kv enable-versioning ${mount}) or choose another -mount`);
  }
}

async function checkAuth(client: Client, authPath: string): Promise<void> {
  const auths = await client.sys.auth.list();
  const m = auths[`${authPath}/`];
  if (!m) throw new LocalError(`Error: no auth method at auth/${authPath}/: enable and configure the Kubernetes method there first (coffer auth enable -path=${authPath} kubernetes), or give -auth-path`);
  if (m.type !== 'kubernetes') throw new LocalError(`Error: auth/${authPath}/ is a ${m.type} method, not kubernetes: give the -auth-path of your Kubernetes auth method`);
}

async function writeAccess(client: Client, plan: MigrationPlan, authPath: string): Promise<void> {
  for (const a of plan.access) {
    const existing = await client.sys.policies.read(a.policyName);
    let paths = a.paths;
    if (existing) {
      const own = pathsOfOwnPolicy(existing.policy ?? '');
      if (!own) throw new LocalError(`Error: a policy named ${a.policyName} already exists and was not written by migrate (it does not start with "${POLICY_MARKER}"); rename or remove it, then run again`);
      paths = [...new Set([...own, ...a.paths])].sort();
    }
    await client.sys.policies.write(a.policyName, policyHcl(a.namespace, a.serviceAccount, paths));
    const rolePath = `auth/${authPath}/role/${a.roleName}`;
    // A role written before (by an earlier migration, or by hand) keeps the policies it had.
    const role = await client.read<{ policies?: string[]; token_policies?: string[] }>(rolePath);
    const policies = [...new Set([...(role?.data?.token_policies ?? role?.data?.policies ?? []), ...a.role.token_policies])];
    await client.write(rolePath, { ...a.role, token_policies: policies });
  }
}

function normalPrefix(p: string): string {
  const t = p.replace(/^\/+/, '');
  return t === '' || t.endsWith('/') ? t : `${t}/`;
}

function applyFile(f: FileChange): void {
  if (f.after === null) unlinkSync(f.path);
  else writeAtomic(f.path, f.after);
}

export async function k8sMigrateCommand(argv: string[], env: Env = process.env, ui: Ui = processUi): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    ui.out(K8S_MIGRATE_USAGE);
    return 0;
  }
  let client: Client | undefined;
  try {
    const parsed = parseFlags(argv, FLAGS);
    const format = String(parsed.values.format).toLowerCase();
    if (format !== 'text' && format !== 'json') throw new UsageError(`-format must be "text" or "json", not ${JSON.stringify(parsed.values.format)}`);
    if (parsed.args.length === 0) throw new UsageError('Not enough arguments: give the manifest files or folders to migrate');
    const apply = parsed.values.apply === true;
    const o: MigrateOptions = {
      mount: String(parsed.values.mount).replace(/^\/+|\/+$/g, ''),
      prefix: normalPrefix(String(parsed.values.prefix)),
      authPath: String(parsed.values['auth-path']).replace(/^\/+|\/+$/g, '').replace(/^auth\//, ''),
      defaultNamespace: String(parsed.values['default-namespace']),
      ttl: String(parsed.values.ttl),
    };
    if (o.mount === '' || /[^A-Za-z0-9._/-]/.test(o.mount)) throw new UsageError(`-mount must be a mount path such as "secret", not ${JSON.stringify(parsed.values.mount)}`);
    if (/[^A-Za-z0-9._/-]/.test(o.prefix) || o.prefix.split('/').includes('..')) throw new UsageError(`-prefix must be a path such as "apps/", not ${JSON.stringify(parsed.values.prefix)}`);

    const g = gather(parsed.args);
    for (const w of g.warnings) ui.err(`warning: ${w.file}: ${w.message}`);
    if (g.errors.length > 0) throw new LocalError(g.errors.map((e) => `Error: ${e.file}: ${e.message}`).join('\n'));
    // A kustomization is not a manifest: its generators are for `coffer k8s scan`.
    const files = g.files.filter((f) => !/(^|\/)(kustomization\.ya?ml|Kustomization)$/.test(f.path));

    const settings = clientSettings(parsed.values, env);
    const named = settings.address !== undefined || (env.VAULT_ADDR ?? '') !== '';
    if (named && settings.token) {
      client = new Client({ ...(settings.address ? { address: settings.address } : {}), token: settings.token, ...caBundleOf(settings), ...(settings.tlsSkipVerify ? { tlsSkipVerify: true } : {}), env });
    } else if (apply) {
      throw new LocalError(`Error: -apply needs the server: set VAULT_ADDR${named ? '' : ' (or -address)'} and VAULT_TOKEN (a token that may write ${o.mount}/, sys/policies/acl and auth/${o.authPath}/role)`);
    } else if (named) ui.err('No token (VAULT_TOKEN or ~/.vault-token): the plan does not say what the server already holds.');

    let states = new Map<string, KvState>();
    if (client) {
      await checkMount(client, o.mount);
      states = await kvStates(client, o, secretsToCheck(files, o));
    }
    let plan = buildPlan(files, o, states);
    if (apply && client) {
      if (plan.access.length > 0) await checkAuth(client, o.authPath);
      const kv = client.kv.v2(o.mount);
      const wanted = secretsToCheck(files, o);
      for (let round = 0; round < 3; round++) {
        let raced = false;
        for (const w of plan.kv.filter((x) => x.state === 'absent')) {
          const data = wanted.find((s) => s.id === w.secret)!.data;
          try {
            await kv.put(w.path.slice(o.mount.length + 1), data, { cas: 0 });
          } catch (e) {
            // Someone wrote it since we looked: look again, and plan with what is there now.
            if (!(isVaultError(e) && e.status === 400 && /check-and-set/i.test(e.message))) throw e;
            raced = true;
          }
        }
        if (!raced) break;
        states = await kvStates(client, o, wanted);
        plan = buildPlan(files, o, states);
      }
      await writeAccess(client, plan, o.authPath);
      for (const f of plan.files) applyFile(f);
    }
    ui.out((format === 'json' ? formatJson(plan, apply) : formatText(plan, apply)).trimEnd());
    if (format === 'text') {
      const n = plan.kv.filter((w) => w.state !== 'same').length;
      ui.err(
        plan.files.length === 0 && n === 0 && plan.access.length === 0
          ? plan.problems.length === 0
            ? 'Nothing to do.'
            : `Nothing migrated; ${plan.problems.length} problem(s) reported.`
          : apply
            ? `Migrated: ${n} KV secret(s) written, ${plan.files.length} file(s) rewritten, ${plan.access.length} policy/role pair(s) written.`
            : `Dry run: ${n} KV secret(s) and ${plan.files.length} file(s) would change. Run again with -apply to write.`,
      );
    }
    return plan.problems.length > 0 ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      ui.err(`${e.message}\n\n${K8S_MIGRATE_USAGE}`);
      return 2;
    }
    if (e instanceof LocalError) {
      ui.err(e.message);
      return 2;
    }
    ui.err(`${isVaultError(e) ? 'Error talking to the server' : 'Error'}: ${(e as Error).message}`);
    return 2;
  } finally {
    client?.close();
  }
}
