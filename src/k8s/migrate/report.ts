// The migration plan as people and programs read it: the KV writes (path, key names and
// fingerprints: never a value), a unified diff of every file (the `diff` package's
// createTwoFilesPatch), the policies and roles, and the problems with how to resolve them. The diff
// shows only manifest text that stays in the files after the move, plus the removed Secret
// documents: the lines of a removed Secret are masked, since they hold its values.

import { createTwoFilesPatch } from 'diff';
import type { MigrationPlan } from './types.js';

const STATE_WORDS: Readonly<Record<string, string>> = {
  absent: 'new (written with cas=0)',
  same: 'already in Coffer with the same data: nothing to write',
  unknown: 'not checked (no server: set VAULT_ADDR and VAULT_TOKEN)',
};

/**
 * A removed Secret document's lines for a diff: structure (apiVersion, kind, metadata names) and key
 * names kept, every value replaced, block scalars (a PEM key, a last-applied annotation) wholly.
 */
export function maskSecretText(text: string): string {
  const out: string[] = [];
  let blockIndent = -1;
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (blockIndent >= 0) {
      if (body === '' || indent > blockIndent) {
        out.push(body === '' ? line : `${' '.repeat(indent)}<masked>`);
        continue;
      }
      blockIndent = -1;
    }
    if (body === '' || body.startsWith('#') || /^---/.test(line) || /^(apiVersion|kind|metadata|name|namespace|type|labels|annotations|data|stringData)\s*:\s*("[^"]*"|'[^']*'|[\w./-]*)\s*(#.*)?$/.test(body)) {
      out.push(line);
      continue;
    }
    const m = /^([^:#\s"'{[][^:]*?)\s*:(\s|$)(.*)$/.exec(body);
    if (m) {
      if (/^[|>][-+0-9]*\s*(#.*)?$/.test(m[3]!.trim())) blockIndent = indent;
      out.push(`${' '.repeat(indent)}${m[1]}: <masked>`);
    } else out.push(`${' '.repeat(indent)}<masked>`);
  }
  return out.join('\n');
}

export function fileDiff(path: string, before: string, after: string | null): string {
  if (after === null) return `--- a/${path}\n+++ /dev/null\n(removed: every document of the file was a Secret now in Coffer)\n`;
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, maskSecrets(before), maskSecrets(after), '', '', { context: 3 });
}

/**
 * Every Secret document of a text masked, for display: the removed ones (their lines are in the
 * diff) and the ones that stay (their lines may be context), the same way in both texts.
 */
function maskSecrets(text: string): string {
  const docs = text.split(/(?=^---(?:[ \t]|\r?$))/m);
  return docs.map((d) => (/^\s*kind:\s*["']?Secret["']?\s*(#.*)?$/m.test(d) ? maskSecretText(d) : d)).join('');
}

export function formatText(plan: MigrationPlan, applied: boolean): string {
  const out: string[] = [];
  const writes = plan.kv.filter((w) => w.state !== 'same');
  if (plan.kv.length > 0) {
    out.push(applied ? 'KV v2 secrets (written):' : 'KV v2 writes (dry run; values masked):');
    for (const w of plan.kv) {
      out.push(`  ${w.path}  <- Secret ${w.secret} (${w.file}): ${STATE_WORDS[w.state]}`);
      for (const k of w.keys) out.push(`      ${k.key}  ${k.fingerprint}`);
    }
    out.push('');
  }
  if (plan.files.length > 0) {
    out.push(applied ? 'Files rewritten:' : 'File changes (dry run):');
    for (const f of plan.files) out.push(fileDiff(f.path, f.before, f.after).trimEnd());
    out.push('');
  }
  if (plan.access.length > 0) {
    out.push(applied ? 'Policies and Kubernetes auth roles (written):' : 'Policies and Kubernetes auth roles (to write with -apply):');
    for (const a of plan.access) {
      out.push(`  policy ${a.policyName} (for ${a.workloads.join(', ')}):`);
      out.push(...a.policy.trimEnd().split('\n').map((l) => `    ${l}`));
      out.push(`  role ${a.roleName}: bound_service_account_names=${a.role.bound_service_account_names.join(',')} bound_service_account_namespaces=${a.role.bound_service_account_namespaces.join(',')} token_policies=${a.role.token_policies.join(',')} token_ttl=${a.role.token_ttl}`);
    }
    out.push('');
  }
  for (const n of plan.notes) out.push(`note: ${n}`);
  for (const p of plan.problems) out.push(`${p.kind === 'conflict' ? 'conflict' : 'unsafe'}: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`);
  if (plan.files.length === 0 && writes.length === 0 && plan.access.length === 0 && plan.problems.length === 0) out.push('Nothing to migrate: no plaintext Secret that can move was found.');
  return `${out.join('\n').trimEnd()}\n`;
}

export function formatJson(plan: MigrationPlan, applied: boolean): string {
  return `${JSON.stringify(
    {
      applied,
      kv: plan.kv,
      files: plan.files.map((f) => ({ path: f.path, removed: f.after === null, diff: fileDiff(f.path, f.before, f.after) })),
      access: plan.access,
      problems: plan.problems,
      notes: plan.notes,
    },
    null,
    2,
  )}\n`;
}
