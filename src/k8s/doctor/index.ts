// `coffer k8s doctor`'s engine: files in, findings out. The file checks are pure (no I/O); the
// server checks take a client. Also the two output forms: `file:line: [rule] message` + `fix:`, and JSON.

import type { Client } from '../../client/index.js';
import { checkAnnotations, checkKv2Guess } from './annotations.js';
import { checkBindingsInFiles, loginsOf, type Login } from './bindings.js';
import { checkPods } from './pods.js';
import { checkServer } from './server.js';
import { parseSource, type SourceFile } from './source.js';
import { checkText, roleDefs } from './text.js';
import { sortFindings, type Finding } from './types.js';
import { findConfigMaps, findPods } from './workloads.js';

export type { Finding, RuleId } from './types.js';
export { SA_TOKEN_PATH } from './text.js';

export interface DoctorOptions {
  /** Role to assume where the files name none. */
  role?: string;
  /** Auth path to assume where the files name none (default auth/kubernetes). */
  authPath?: string;
  /** When given, the server checks run too. */
  client?: Client;
}

export interface DoctorResult {
  findings: Finding[];
  notes: string[];
  serverChecked: boolean;
}

interface Analysed {
  findings: Finding[];
  logins: Login[];
}

/** Every check that needs only the files. */
function analyse(inputs: Array<{ path: string; text: string }>, opts: DoctorOptions, guessKv2: boolean): Analysed {
  const findings: Finding[] = [];
  const files: SourceFile[] = [];
  for (const i of inputs) {
    const p = parseSource(i.path, i.text);
    files.push(p.file);
    findings.push(...p.findings);
  }
  const pods = findPods(files);
  const { findings: podFindings, facts } = checkPods(pods, findConfigMaps(files));
  findings.push(...podFindings, ...checkAnnotations(facts), ...checkText(files));
  if (guessKv2) findings.push(...checkKv2Guess(facts));
  const logins = loginsOf(facts, { ...(opts.role ? { role: opts.role } : {}), ...(opts.authPath ? { authPath: opts.authPath } : {}) });
  findings.push(...checkBindingsInFiles(logins, roleDefs(files)));
  return { findings, logins };
}

/** The file checks only: pure. */
export function doctorFiles(inputs: Array<{ path: string; text: string }>, opts: Omit<DoctorOptions, 'client'> = {}): Finding[] {
  return sortFindings(analyse(inputs, opts, true).findings);
}

/** The file checks, and the server checks when a client is given. */
export async function doctor(inputs: Array<{ path: string; text: string }>, opts: DoctorOptions = {}): Promise<DoctorResult> {
  const a = analyse(inputs, opts, !opts.client);
  if (!opts.client) return { findings: sortFindings(a.findings), notes: [], serverChecked: false };
  const s = await checkServer(opts.client, a.logins);
  return { findings: sortFindings([...a.findings, ...s.findings]), notes: s.notes, serverChecked: true };
}

export function formatText(fs: Finding[]): string {
  return fs.map((f) => `${f.file}:${f.line}: [${f.rule}] ${f.message}\n  fix: ${f.fix}\n`).join('');
}

export function formatJson(r: DoctorResult): string {
  return `${JSON.stringify({ findings: r.findings, notes: r.notes, server_checked: r.serverChecked }, null, 2)}\n`;
}
