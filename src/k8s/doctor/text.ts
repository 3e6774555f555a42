// Checks on the lines of any file (shell scripts, application code, manifests): a reviewer JWT
// taken from a ServiceAccount's `.secrets[]` (mistake 6: empty since Kubernetes 1.24), and code or
// configuration that reads the service-account token from a directory instead of its file (mistake
// 7). Also reads the roles a script writes (`vault write auth/PATH/role/NAME ...`) for the binding check.

import type { SourceFile } from './source.js';
import { finding, type Finding } from './types.js';

export const SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Physical lines joined into shell commands at trailing backslashes; each with its first line (0-based). */
export function logicalLines(lines: string[]): Array<{ text: string; start: number; parts: string[] }> {
  const out: Array<{ text: string; start: number; parts: string[] }> = [];
  let cur: { text: string; start: number; parts: string[] } | undefined;
  lines.forEach((l, i) => {
    const cont = /\\\s*$/.test(l);
    const body = cont ? l.replace(/\\\s*$/, '') : l;
    if (!cur) cur = { text: body, start: i, parts: [l] };
    else {
      cur.text += ` ${body}`;
      cur.parts.push(l);
    }
    if (!cont) {
      out.push(cur);
      cur = undefined;
    }
  });
  if (cur) out.push(cur);
  return out;
}

const REVIEWER_FIX =
  'either (1) request a token: `kubectl create token my-sa --duration=8760h` (TokenRequest; it expires, so renew it), or ' +
  '(2) create a Secret of type kubernetes.io/service-account-token annotated kubernetes.io/service-account.name: my-sa and read its .data.token, or ' +
  '(3) leave token_reviewer_jwt out of auth/PATH/config: the server then reviews each login with the JWT being logged in with (that service account needs system:auth-delegator), or with its own pod\'s token when it runs in the cluster';

function checkReviewerJwt(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  // The auth path the script configures, to name it in the fix.
  const configured = file.lines.map((l) => /\bwrite\s+\/?(auth\/\S+)\/config\b/.exec(l)?.[1]).find((p) => p !== undefined) ?? 'auth/PATH';
  for (const cmd of logicalLines(file.lines)) {
    if (!/\bkubectl\b/.test(cmd.text) || !/\bget\s+(sa|serviceaccounts?)\b/.test(cmd.text)) continue;
    const k = cmd.parts.findIndex((p) => /\.secrets\b/.test(p));
    if (k < 0) continue;
    const line = cmd.start + k;
    out.push(
      finding(
        { file: file.path, line: line + 1, column: file.lines[line]!.indexOf('.secrets') + 1 },
        'reviewer-jwt-from-sa-secrets',
        'the reviewer JWT is looked up in the ServiceAccount\'s .secrets[]: since Kubernetes 1.24 a ServiceAccount gets no token Secret, so the list is empty and the JWT comes out empty (every login then fails)',
        REVIEWER_FIX.replace(/my-sa/g, /get\s+(?:sa|serviceaccounts?)\s+([A-Za-z0-9.-]+)/.exec(cmd.text)?.[1] ?? 'my-sa').replace('auth/PATH', configured),
      ),
    );
  }
  return out;
}

const SA_PREFIXES = ['/var/run/secrets', '/var/run/secrets/kubernetes.io', '/var/run/secrets/kubernetes.io/serviceaccount'];

function checkTokenPath(file: SourceFile): Finding[] {
  const out: Finding[] = [];
  file.lines.forEach((l, i) => {
    if (file.kind === 'manifest' && /^\s*-?\s*mountPath\s*:/.test(l)) return;
    for (const m of l.matchAll(/\/var\/run\/secrets(?:\/[A-Za-z0-9._-]+)*\/?/g)) {
      const p = m[0].replace(/\/+$/, '');
      if (!SA_PREFIXES.includes(p)) continue;
      // A directory joined with the file name later on the line ("…/serviceaccount", "token") is fine.
      if (p.endsWith('/serviceaccount') && /token/.test(l.slice(m.index + m[0].length))) continue;
      out.push(
        finding(
          { file: file.path, line: i + 1, column: m.index + 1 },
          'sa-token-path',
          `${m[0]} is a directory, not the service-account token: reading it fails (IsADirectoryError / EISDIR), or logs in with an empty JWT`,
          `read the token file ${SA_TOKEN_PATH}`,
        ),
      );
    }
  });
  return out;
}

export function checkText(files: SourceFile[]): Finding[] {
  return files.flatMap((f) => [...(f.kind === 'text' ? checkReviewerJwt(f) : []), ...checkTokenPath(f)]);
}

/** A role written by a script. */
export interface RoleDef {
  authPath: string;
  name: string;
  names: string[];
  namespaces: string[];
  policies: string[];
  file: string;
  line: number;
}

/** Shell words: whitespace-separated, with '…' and "…" quoting. */
function words(s: string): string[] {
  const out: string[] = [];
  for (const m of s.matchAll(/(?:[^\s'"]+|'[^']*'|"(?:\\.|[^"\\])*")+/g)) out.push(m[0].replace(/'([^']*)'|"((?:\\.|[^"\\])*)"/g, (_x, a: string | undefined, b: string | undefined) => a ?? b ?? ''));
  return out;
}

const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '');

export function roleDefs(files: SourceFile[]): RoleDef[] {
  const out: RoleDef[] = [];
  for (const f of files) {
    if (f.kind !== 'text') continue;
    for (const cmd of logicalLines(f.lines)) {
      const w = words(cmd.text.replace(/^\s*\$\s*/, ''));
      const at = w.findIndex((x, i) => x === 'write' && i > 0 && /(^|\/)(vault|coffer)$/.test(w[i - 1]!));
      if (at < 0) continue;
      const target = /^\/?(auth\/.+)\/role\/([^/]+)$/.exec(w.slice(at + 1).find((x) => !x.startsWith('-')) ?? '');
      if (!target) continue;
      const params: Record<string, string> = {};
      for (const x of w.slice(at + 2)) {
        const eq = x.indexOf('=');
        if (eq > 0 && !x.startsWith('-')) params[x.slice(0, eq)] = x.slice(eq + 1);
      }
      out.push({
        authPath: target[1]!,
        name: target[2]!,
        names: list(params.bound_service_account_names),
        namespaces: list(params.bound_service_account_namespaces),
        policies: [...list(params.token_policies), ...list(params.policies)],
        file: f.path,
        line: cmd.start + 1,
      });
    }
  }
  return out;
}
