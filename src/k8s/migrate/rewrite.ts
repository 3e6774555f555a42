// One pod template's uses of moved Secrets -> its new shape: the secretKeyRef env entries, secretRef
// envFrom entries, secret volumes and their mounts removed; in their place the injector's
// annotations (src/k8s/annotations/names.ts): `coffer.dev/agent-inject-env-<VAR>: "<path>#<key>"`
// for variables, and for each file of a volume `agent-inject-secret-`, `-template-` (exactly the
// key's value), `-file-` (its name), `secret-volume-path-` (the old mount path) and `-perms-` (its
// mode); plus agent-inject, role and (when not the default) auth-path. The nodes are changed with
// the Document API and each change is recorded as an Edit for the text surgery in edit.ts.

import { isMap, isSeq, Pair, Scalar, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { A, COFFER_PREFIX, ENV_FAMILY, F, VAULT_PREFIX } from '../annotations/names.js';
import type { Edit } from './edit.js';
import { get, getPair, str } from './secrets.js';
import type { TemplateUses } from './workloads.js';

export interface Paths {
  /** The KV v2 data path of a Secret id ("secret/data/default/db"). */
  dataPath(secretId: string): string;
}

export interface Rewritten {
  edits: Edit[];
  /** KV data paths the pod now reads. */
  paths: string[];
}

/** A template reading a KV v2 key, rendering exactly its value. */
export function keyTemplate(dataPath: string, key: string): string {
  return `{{ with secret "${dataPath}" }}{{ index .Data.data "${key}" }}{{ end }}`;
}

function sanitize(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'x';
}

export function rewriteTemplate(tu: TemplateUses, moving: ReadonlySet<string>, paths: Paths, role: string, authPath: string): Rewritten | undefined {
  const uses = tu.uses.filter((u) => moving.has(u.secret));
  if (uses.length === 0) return undefined;
  const t = tu.template;
  const annotations: Array<[string, string]> = [];
  const kvPaths = new Set<string>();
  const removed = new Map<YAMLSeq, Set<Node>>();
  const remove = (seq: YAMLSeq, entry: Node): void => {
    const set = removed.get(seq) ?? new Set<Node>();
    set.add(entry);
    removed.set(seq, set);
  };
  const existing = get(get(t.template, 'metadata'), 'annotations');
  const taken = new Set<string>(isMap(existing) ? existing.items.map((p) => str(p.key) ?? '') : []);
  const unique = (base: string): string => {
    let raw = base.slice(0, 40).replace(/-+$/, '');
    for (let i = 2; taken.has(`${VAULT_PREFIX}${F.secret}-${raw}`); i++) raw = `${base.slice(0, 36).replace(/-+$/, '')}-${i}`;
    taken.add(`${VAULT_PREFIX}${F.secret}-${raw}`);
    return raw;
  };
  const envSeen = new Set<string>();
  const receivers = new Set<string>();

  for (const u of uses) {
    const dataPath = paths.dataPath(u.secret);
    if (u.kind === 'env') {
      remove(u.seq, u.entry);
      if (u.dropOnly || envSeen.has(u.variable)) continue;
      envSeen.add(u.variable);
      receivers.add(u.containerName);
      annotations.push([`${COFFER_PREFIX}${ENV_FAMILY}-${u.variable}`, `${dataPath}#${u.key}`]);
      kvPaths.add(dataPath);
    } else if (u.kind === 'envFrom') {
      remove(u.seq, u.entry);
      if (u.vars.length > 0) receivers.add(u.containerName);
      for (const v of u.vars) {
        if (envSeen.has(v.variable)) continue;
        envSeen.add(v.variable);
        annotations.push([`${COFFER_PREFIX}${ENV_FAMILY}-${v.variable}`, `${dataPath}#${v.key}`]);
      }
      if (u.vars.length > 0) kvPaths.add(dataPath);
    } else {
      remove(u.volumes, u.entry);
      for (const m of u.mounts) {
        remove(m.seq, m.entry);
        if (u.files.length > 0) receivers.add(m.containerName);
      }
      if (u.mounts.length === 0) continue; // a volume no container mounts: it just goes
      for (const f of u.files) {
        const raw = unique(`${sanitize(u.volumeName)}-${sanitize(f.path)}`);
        annotations.push(
          [`${VAULT_PREFIX}${F.secret}-${raw}`, dataPath],
          [`${VAULT_PREFIX}${F.template}-${raw}`, keyTemplate(dataPath, f.key)],
          [`${VAULT_PREFIX}${F.file}-${raw}`, f.path],
          [`${VAULT_PREFIX}${F.secretVolumePath}-${raw}`, u.mountPath || '/'],
          [`${VAULT_PREFIX}${F.perms}-${raw}`, `0${(f.mode & 0o7777).toString(8).padStart(3, '0')}`],
        );
      }
      if (u.files.length > 0) kvPaths.add(dataPath);
    }
  }

  const edits: Edit[] = [];
  for (const [seq, gone] of removed) {
    const items = seq.items.filter((i) => gone.has(i as Node)) as Node[];
    seq.items = seq.items.filter((i) => !gone.has(i as Node));
    const owner = ownerOf(t.template, seq);
    if (seq.items.length === 0 && owner) {
      owner.map.items = owner.map.items.filter((p) => p !== owner.pair);
      edits.push({ kind: 'remove-pair', map: owner.map, pair: owner.pair });
    } else edits.push({ kind: 'remove-items', seq, items });
  }

  if (kvPaths.size > 0 || annotations.length > 0) {
    const cur = isMap(existing) ? existing : undefined;
    const want: Array<[string, string]> = [];
    if (!cur || str(get(cur, VAULT_PREFIX + A.inject)) !== 'true') want.push([VAULT_PREFIX + A.inject, 'true']);
    if (!cur || get(cur, VAULT_PREFIX + A.role) === undefined) want.push([VAULT_PREFIX + A.role, role]);
    if (authPath !== 'kubernetes' && (!cur || get(cur, VAULT_PREFIX + A.authPath) === undefined)) want.push([VAULT_PREFIX + A.authPath, `auth/${authPath}`]);
    // Only the containers that used the Secrets get them (the injector gives every chosen container all).
    const all = (isSeq(get(t.spec, 'containers')) ? (get(t.spec, 'containers') as YAMLSeq).items : []).map((c) => str(get(c, 'name')) ?? '');
    const consumers = all.filter((n) => receivers.has(n));
    if (consumers.length > 0 && consumers.length < all.length && (!cur || get(cur, VAULT_PREFIX + A.containers) === undefined)) want.push([VAULT_PREFIX + A.containers, consumers.join(',')]);
    // Files are written by the agent's user: when the app runs as a user of its own, the agent runs
    // as that user too, so a 0400 file stays readable by the app, as the Secret's file was.
    const first = isSeq(get(t.spec, 'containers')) ? (get(t.spec, 'containers') as YAMLSeq).items[0] : undefined;
    const uid = get(get(first, 'securityContext'), 'runAsUser');
    const files = uses.some((u) => u.kind === 'volume' && u.files.length > 0 && u.mounts.length > 0);
    if (files && uid !== undefined && Number(str(uid)) > 0 && (!cur || get(cur, VAULT_PREFIX + A.runAsSameUser) === undefined)) want.push([VAULT_PREFIX + A.runAsSameUser, 'true']);
    want.push(...annotations);
    const pairs = want.map(([k, v]) => new Pair(new Scalar(k), quoted(v)));
    edits.push(...addAnnotations(t.template, pairs));
  }
  return { edits, paths: [...kvPaths].sort() };
}

function quoted(v: string): Scalar {
  const s = new Scalar(v);
  if (!v.includes('\n')) s.type = Scalar.QUOTE_DOUBLE;
  else s.type = Scalar.BLOCK_LITERAL;
  return s;
}

/** The map and pair that hold a sequence (containers[i].env, spec.volumes...). */
function ownerOf(root: YAMLMap, seq: YAMLSeq): { map: YAMLMap; pair: Pair } | undefined {
  let found: { map: YAMLMap; pair: Pair } | undefined;
  const walk = (n: unknown): void => {
    if (found) return;
    if (isMap(n)) {
      for (const p of n.items) {
        if (p.value === seq) {
          found = { map: n, pair: p as Pair };
          return;
        }
        walk(p.value);
      }
    } else if (isSeq(n)) for (const i of n.items) walk(i);
  };
  walk(root);
  return found;
}

function addAnnotations(template: YAMLMap, pairs: Pair[]): Edit[] {
  const meta = get(template, 'metadata');
  if (isMap(meta)) {
    const ann = get(meta, 'annotations');
    if (isMap(ann)) {
      ann.items.push(...pairs);
      return [ann.flow || ann.items.length === pairs.length ? { kind: 'replace', node: ann } : { kind: 'append', map: ann, pairs }];
    }
    const holder = new (meta.constructor as new () => YAMLMap)();
    holder.items.push(...pairs);
    const existingPair = getPair(meta, 'annotations');
    if (existingPair) {
      // `annotations:` with no value (null): give it the map.
      existingPair.value = holder;
      return [{ kind: 'replace', node: meta }];
    }
    const pair = new Pair(new Scalar('annotations'), holder);
    meta.items.push(pair);
    return [meta.flow ? { kind: 'replace', node: meta } : { kind: 'append', map: meta, pairs: [pair] }];
  }
  // No metadata: one is added at the end of the template (its place among the keys does not matter).
  const m = new (template.constructor as new () => YAMLMap)();
  const holder = new (template.constructor as new () => YAMLMap)();
  holder.items.push(...pairs);
  m.items.push(new Pair(new Scalar('annotations'), holder));
  const pair = new Pair(new Scalar('metadata'), m);
  template.items.push(pair);
  return [template.flow ? { kind: 'replace', node: template } : { kind: 'append', map: template, pairs: [pair] }];
}
