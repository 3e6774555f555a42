// Files + what the server holds -> the migration plan. Pure: no file system, no network. A Secret
// moves only when nothing stands in the way: it has no problem of its own, its KV path is free or
// holds the same data, it is defined once, and no file that defines or uses it is unsafe to
// rewrite (a Helm template, a use the injector cannot replace). An unsafe file is left exactly as
// it is; a Secret that does not move stays in its file and its consumers keep reading it.

import { isMap } from 'yaml';
import { fingerprint } from '../scan/fingerprint.js';
import { applyEdits, type Edit } from './edit.js';
import { accessPlan, accessName } from './policy.js';
import { rewriteTemplate } from './rewrite.js';
import { findSecrets, get, str } from './secrets.js';
import { jsonIndent, parseSource, type SourceFile } from './source.js';
import type { KvState, KvWrite, MigrateOptions, MigrationPlan, Problem, SecretSource } from './types.js';
import { analyseTemplate, otherReferences, podTemplates, type TemplateUses } from './workloads.js';

export interface InputFile {
  path: string;
  content: string;
}

export function kvPath(o: MigrateOptions, s: { namespace: string; name: string }): string {
  return `${o.prefix}${s.namespace}/${s.name}`;
}

export function dataPath(o: MigrateOptions, s: { namespace: string; name: string }): string {
  return `${o.mount}/data/${kvPath(o, s)}`;
}

interface Analysis {
  sources: SourceFile[];
  secrets: Map<string, SecretSource>;
  templates: TemplateUses[];
  problems: Problem[];
  /** Secret ids that cannot move whatever the server says. */
  blocked: Set<string>;
}

function analyse(files: InputFile[], o: MigrateOptions): Analysis {
  const sources = files.map((f) => parseSource(f.path, f.content));
  const problems: Problem[] = [];
  const all: SecretSource[] = [];
  for (const f of sources) {
    if (f.unsafe) {
      if (/kind:\s*Secret/.test(f.content)) problems.push({ kind: 'unsafe', file: f.path, message: `left untouched: ${f.unsafe}` });
      continue;
    }
    all.push(...findSecrets(f, o.defaultNamespace));
  }
  const secrets = new Map<string, SecretSource>();
  const blocked = new Set<string>();
  for (const s of all) {
    if (secrets.has(s.id)) {
      const first = secrets.get(s.id)!;
      const msg = `Secret ${s.id} is defined more than once (${first.file}:${first.line} and ${s.file}:${s.line}); keep one and run again`;
      problems.push({ kind: 'unsafe', file: s.file, line: s.line, secret: s.id, message: msg });
      blocked.add(s.id);
      continue;
    }
    secrets.set(s.id, s);
    if (s.problem) {
      problems.push({ kind: 'unsafe', file: s.file, line: s.line, secret: s.id, message: `Secret ${s.id} stays: ${s.problem}` });
      blocked.add(s.id);
    }
  }
  const unsafeFiles = new Map<string, string[]>();
  const flag = (file: string, secret: string, message: string): void => {
    unsafeFiles.set(file, [...(unsafeFiles.get(file) ?? []), message]);
    blocked.add(secret);
  };
  const templates: TemplateUses[] = [];
  for (const f of sources) {
    if (f.unsafe) continue;
    for (const t of podTemplates(f, o.defaultNamespace)) {
      const tu = analyseTemplate(t, secrets, { role: accessName(t.namespace, t.serviceAccount), authPath: o.authPath });
      templates.push(tu);
      for (const u of tu.unsafe) flag(f.path, u.secret, u.message);
    }
    // Objects that are neither Secrets nor pods (an Ingress's tls, a ServiceAccount's secrets, a CRD).
    f.chunks.forEach((c) => {
      const root = c.doc?.contents;
      if (!isMap(root)) return;
      const kind = str(get(root, 'kind')) ?? '';
      if (kind === 'Secret' || podTemplates({ ...f, chunks: [c] }, o.defaultNamespace).length > 0) return;
      const ns = str(get(get(root, 'metadata'), 'namespace')) ?? o.defaultNamespace;
      const label = `${kind || 'object'} ${ns}/${str(get(get(root, 'metadata'), 'name')) ?? '(no name)'}`;
      otherReferences(root, '', new Set(), (n) => secrets.get(`${ns}/${n}`), (s, where) => flag(f.path, s.id, `${label} names Secret ${s.name} at ${where}; migrate cannot rewrite that use`));
    });
  }
  for (const [file, messages] of unsafeFiles) {
    for (const m of [...new Set(messages)]) problems.push({ kind: 'unsafe', file, message: `left untouched: ${m}` });
  }
  // Every Secret defined or used in an unsafe file stays.
  for (const s of secrets.values()) if (unsafeFiles.has(s.file)) blocked.add(s.id);
  for (const tu of templates) if (unsafeFiles.has(tu.template.file)) for (const u of tu.uses) blocked.add(u.secret);
  for (const f of sources) if (unsafeFiles.has(f.path)) f.unsafe = unsafeFiles.get(f.path)![0];
  return { sources, secrets, templates, problems, blocked };
}

function leadingComments(text: string): string {
  const m = /^(?:[ \t]*(?:#[^\n]*)?\n)*/.exec(text);
  return m ? m[0] : '';
}

/** The Secrets whose KV paths the server should be asked about (those that could move). */
export function secretsToCheck(files: InputFile[], o: MigrateOptions): Array<{ id: string; path: string; data: Record<string, string> }> {
  const a = analyse(files, o);
  return [...a.secrets.values()].filter((s) => !a.blocked.has(s.id)).map((s) => ({ id: s.id, path: kvPath(o, s), data: s.data }));
}

/** Whether the server's data equals the Secret's (same keys, same values). */
export function sameData(a: Record<string, unknown>, b: Record<string, string>): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

export function buildPlan(files: InputFile[], o: MigrateOptions, states: ReadonlyMap<string, KvState>): MigrationPlan {
  const a = analyse(files, o);
  const plan: MigrationPlan = { kv: [], files: [], access: [], problems: [...a.problems], notes: [] };
  const moving = new Set<string>();
  for (const s of a.secrets.values()) {
    if (a.blocked.has(s.id)) continue;
    const st = states.get(s.id) ?? { state: 'unknown' };
    if (st.state === 'conflict') {
      const where = `${o.mount}/${kvPath(o, s)}`;
      plan.problems.push({
        kind: 'conflict',
        file: s.file,
        line: s.line,
        secret: s.id,
        message:
          `Secret ${s.id} stays: ${where} already holds ${st.deleted ? 'a deleted version' : 'different data'} (version ${st.version}); migrate never overwrites it. ` +
          `Compare with \`coffer kv get ${where}\`, then either make the manifest match, remove the KV secret (\`coffer kv metadata delete ${where}\`) if the manifest is right, or migrate under another -prefix`,
      });
      continue;
    }
    moving.add(s.id);
    const w: KvWrite = {
      secret: s.id,
      file: s.file,
      path: `${o.mount}/${kvPath(o, s)}`,
      dataPath: dataPath(o, s),
      keys: Object.keys(s.data).sort().map((key) => ({ key, fingerprint: fingerprint(s.data[key]!) })),
      state: st.state,
    };
    plan.kv.push(w);
  }

  const access = new Map<string, { ns: string; sa: string; paths: string[]; workloads: string[] }>();
  const edits = new Map<string, Map<number, Edit[]>>();
  const touched = new Set<string>();
  for (const tu of a.templates) {
    const t = tu.template;
    if (a.sources.find((f) => f.path === t.file)?.unsafe) continue;
    const role = accessName(t.namespace, t.serviceAccount);
    const r = rewriteTemplate(tu, moving, { dataPath: (id) => dataPath(o, a.secrets.get(id)!) }, role, o.authPath);
    if (!r) continue;
    const byChunk = edits.get(t.file) ?? new Map<number, Edit[]>();
    byChunk.set(t.chunk, [...(byChunk.get(t.chunk) ?? []), ...r.edits]);
    edits.set(t.file, byChunk);
    touched.add(t.file);
    if (r.paths.length > 0) {
      const k = `${t.namespace}\0${t.serviceAccount}`;
      const e = access.get(k) ?? { ns: t.namespace, sa: t.serviceAccount, paths: [], workloads: [] };
      e.paths.push(...r.paths);
      e.workloads.push(t.label);
      access.set(k, e);
    }
  }
  for (const s of a.secrets.values()) if (moving.has(s.id)) touched.add(s.file);
  const used = new Set(a.templates.flatMap((tu) => tu.uses.filter((u) => moving.has(u.secret)).map((u) => u.secret)));
  for (const id of moving) if (!used.has(id)) plan.notes.push(`Secret ${id}: no pod in these files uses it; anything else that reads it must be changed by hand`);

  for (const f of a.sources) {
    if (!touched.has(f.path) || f.unsafe) continue;
    const byChunk = edits.get(f.path) ?? new Map<number, Edit[]>();
    const removed = new Set([...a.secrets.values()].filter((s) => s.file === f.path && moving.has(s.id)).map((s) => s.chunk));
    let after: string | null;
    if (f.json) {
      const doc = f.chunks[0]?.doc;
      after = removed.has(0) || !doc ? null : `${JSON.stringify(doc.toJS(), null, jsonIndent(f.content))}\n`;
    } else {
      // The first document's leading comments are the file's header: they stay when it goes.
      const texts = f.chunks.map((c, i) => (removed.has(i) ? (i === 0 ? leadingComments(c.text) : '') : byChunk.has(i) && c.doc ? applyEdits(c.text, c.doc, byChunk.get(i)!) : c.text));
      const kept = f.chunks.filter((c, i) => !removed.has(i) && c.doc);
      after = kept.length === 0 ? null : texts.join('').replace(/^---[ \t]*\r?\n/, f.content.startsWith('---') ? '---\n' : '');
    }
    if (after !== f.content) plan.files.push({ path: f.path, before: f.content, after });
  }
  for (const e of access.values()) plan.access.push(accessPlan(e.ns, e.sa, e.paths, e.workloads, o.ttl));
  plan.access.sort((x, y) => (x.policyName < y.policyName ? -1 : 1));
  return plan;
}
