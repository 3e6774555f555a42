// `coffer k8s doctor -f FILE...`: checks Kubernetes manifests and the scripts and code around them
// for the mistakes that keep a pod from getting its secrets (src/k8s/doctor), and, given VAULT_ADDR
// and a token, checks them against the server. Exit 0 when clean, 1 with findings, 2 for a usage,
// file or server error.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, isVaultError } from '../client/index.js';
import { doctor, formatJson, formatText } from '../k8s/doctor/index.js';
import { clientSettings, HTTP_FLAGS, LocalError, type Env } from './config.js';
import { parseFlags, usageText, UsageError, type FlagSpec } from './flags.js';
import { processUi, type Ui } from './output.js';

const FLAGS: Record<string, FlagSpec> = {
  f: { type: 'strings', usage: 'A manifest (YAML or JSON, several documents allowed), shell script or source file, or a directory of them. Repeatable; more files may follow the flags.', aliases: ['filename'] },
  role: { type: 'string', default: '', usage: 'The role to check for pods whose files name none (e.g. an app that logs in with its own code).' },
  'auth-path': { type: 'string', default: '', usage: 'The auth path to check for pods whose files name none (default auth/kubernetes).' },
  format: { type: 'string', default: 'table', usage: 'Output: "table" (file:line: [rule] message, then the fix) or "json".' },
  // The connection flags the doctor's client honours (it sends no custom headers and never wraps).
  ...Object.fromEntries(['address', 'ca-cert', 'ca-path', 'tls-skip-verify'].map((n) => [n, HTTP_FLAGS[n]!])),
};

export const K8S_DOCTOR_USAGE = `Usage: coffer k8s doctor -f FILE... [-role=NAME] [-auth-path=PATH] [-format=json]

  Reads Kubernetes manifests, and the shell scripts and code around them, and
  reports what would keep the pods from getting their secrets, each at its
  file:line with the fix: an agent -config naming a file its ConfigMap lacks, an
  exit_after_auth agent under containers, a volume over /etc, a reviewer JWT
  from a ServiceAccount's .secrets[], a service-account token read from a
  directory, unknown injector annotations, KV v2 paths without data/, and roles
  that do not bind the pod's service account. With VAULT_ADDR (or -address)
  and a token it also checks the auth path, the role and its policies on the
  server. Exit 0: nothing found; 1: findings; 2: usage, file or server error.

      $ coffer k8s doctor -f k8s/ -f setup.sh -f app.py

${usageText(FLAGS)}`;

/** A file, or every file under a directory (sorted, dot-files skipped). */
function expand(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    throw new LocalError(`Error reading ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`);
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .filter((n) => !n.startsWith('.'))
    .sort()
    .flatMap((n) => expand(join(path, n)));
}

/** -ca-path / VAULT_CAPATH: every PEM file of the directory, as one bundle. */
function caBundle(dir: string): string {
  try {
    return readdirSync(dir)
      .filter((f) => /\.(pem|crt|cer)$/i.test(f))
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n');
  } catch (e) {
    throw new LocalError(`Error loading CA path ${dir}: ${(e as Error).message}`);
  }
}

export async function k8sDoctorCommand(argv: string[], env: Env = process.env, ui: Ui = processUi): Promise<number> {
  if (argv.some((a) => a === '-h' || a === '-help' || a === '--help')) {
    ui.out(K8S_DOCTOR_USAGE);
    return 0;
  }
  try {
    const parsed = parseFlags(argv, FLAGS);
    const format = String(parsed.values.format).toLowerCase();
    if (format !== 'table' && format !== 'json') throw new UsageError(`-format must be "table" or "json", not ${JSON.stringify(parsed.values.format)}`);
    const paths = [...(parsed.values.f as string[]), ...parsed.args];
    if (paths.length === 0) throw new UsageError('Missing -f: give the manifests, scripts and code to check');
    const inputs = paths.flatMap(expand).map((path) => {
      try {
        return { path, text: readFileSync(path, 'utf8') };
      } catch (e) {
        throw new LocalError(`Error reading ${path}: ${(e as Error).message}`);
      }
    });
    const settings = clientSettings(parsed.values, env);
    // The server is asked only when the user named one (VAULT_ADDR or -address) and a token is at hand.
    const named = settings.address !== undefined || (env.VAULT_ADDR ?? '') !== '';
    let client: Client | undefined;
    if (named && settings.token) {
      client = new Client({
        ...(settings.address ? { address: settings.address } : {}),
        token: settings.token,
        ...(settings.caCert ? { caCert: settings.caCert } : settings.caPath ? { caCert: caBundle(settings.caPath) } : {}),
        ...(settings.tlsSkipVerify ? { tlsSkipVerify: true } : {}),
        env,
      });
    } else if (named) ui.err('No token (VAULT_TOKEN or ~/.vault-token): checking the files only.');
    try {
      const r = await doctor(inputs, {
        ...(parsed.values.role ? { role: String(parsed.values.role) } : {}),
        ...(parsed.values['auth-path'] ? { authPath: String(parsed.values['auth-path']) } : {}),
        ...(client ? { client } : {}),
      });
      if (format === 'json') ui.out(formatJson(r).trimEnd());
      else {
        if (r.findings.length > 0) ui.out(formatText(r.findings).trimEnd());
        for (const n of r.notes) ui.err(`note: ${n}`);
        ui.err(r.findings.length === 0 ? `No problems found in ${inputs.length} file(s)${r.serverChecked ? ', nor on the server' : ''}.` : `${r.findings.length} problem(s) found.`);
      }
      return r.findings.length > 0 ? 1 : 0;
    } finally {
      client?.close();
    }
  } catch (e) {
    if (e instanceof UsageError) {
      ui.err(`${e.message}\n\n${K8S_DOCTOR_USAGE}`);
      return 2;
    }
    if (e instanceof LocalError) {
      ui.err(e.message);
      return 2;
    }
    // The server refused or could not be reached.
    // Anything else (an invalid address, a bug) is exit 2 as well: exit 1 means findings.
    ui.err(`${isVaultError(e) ? 'Error checking against the server' : 'Error'}: ${(e as Error).message}`);
    return 2;
  }
}
