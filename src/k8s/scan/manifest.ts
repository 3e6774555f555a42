// The structural part of the scan: which YAML node is what. A file (YAML or JSON, any number of
// documents, `kind: List` included) is parsed with its positions; every `kind: Secret` yields one
// finding per `data`/`stringData` key (the value decoded and fingerprinted, never shown), and the
// literal values worth linting (env[].value, ConfigMap data) become candidates with their key and node.

import { isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, Scalar, type Document, type Node, type YAMLMap } from 'yaml';
import { fingerprint } from './fingerprint.js';
import { positionOf, sourceOffset } from './position.js';
import type { Finding } from './types.js';

/** A literal value to lint, with the key that names it (env var name, ConfigMap key). */
export interface Candidate {
  key: string;
  value: string;
  node: Scalar;
  /** Text before the value as handed to secretlint: `KEY=` so rules keyed on the name (AWS secret key) fire. */
  prefix: string;
  /** Offset of the value inside the scalar (a Kustomize literal `KEY=VALUE` starts its value after `KEY=`). */
  valueOffset: number;
}

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export interface ParsedFile {
  docs: Document.Parsed[];
  lc: LineCounter;
}

/** Parses every document of a file; a message when it is not YAML (JSON is YAML). */
export function parseFile(content: string): ParsedFile | { error: string } {
  const lc = new LineCounter();
  const docs = parseAllDocuments(content, { lineCounter: lc, uniqueKeys: false });
  if (!Array.isArray(docs)) return { docs: [], lc };
  for (const d of docs) {
    const e = d.errors[0];
    if (e) {
      const p = e.linePos?.[0];
      return { error: `not YAML or JSON${p ? ` (line ${p.line}, column ${p.col})` : ''}: ${e.code}` };
    }
  }
  return { docs, lc };
}

export interface ManifestScan {
  findings: Finding[];
  candidates: Candidate[];
  /** File ranges of Secret data/stringData values: secretlint hits inside them are already reported. */
  secretRanges: Array<[number, number]>;
}

const str = (n: unknown): string | undefined => (isScalar(n) && typeof n.value === 'string' ? n.value : undefined);

function get(map: YAMLMap, key: string): unknown {
  for (const p of map.items) if (isPair(p) && str(p.key) === key) return p.value;
  return undefined;
}

export function scanManifest(file: string, content: string, parsed: ParsedFile): ManifestScan {
  const out: ManifestScan = { findings: [], candidates: [], secretRanges: [] };
  const at = (node: Node, offset = 0): { line: number; column: number } =>
    isScalar(node) ? positionOf(parsed.lc, sourceOffset(content, node, offset)) : positionOf(parsed.lc, node.range?.[0] ?? 0);

  const secret = (obj: YAMLMap): void => {
    const meta = get(obj, 'metadata');
    const name = isMap(meta) ? str(get(meta, 'name')) : undefined;
    const ns = isMap(meta) ? str(get(meta, 'namespace')) : undefined;
    const label = `Secret ${ns ? `${ns}/` : ''}${name ?? '(no name)'}`;
    for (const field of ['data', 'stringData'] as const) {
      const data = get(obj, field);
      if (!isMap(data)) continue;
      for (const p of data.items) {
        if (!isPair(p) || !isScalar(p.key)) continue;
        const key = String(p.key.value);
        const v = p.value;
        if (isScalar(v) && v.range) out.secretRanges.push([v.range[0], v.range[1]]);
        const raw = isScalar(v) && v.value !== null ? String(v.value) : '';
        if (raw === '') continue;
        const bytes = field === 'data' ? Buffer.from(raw.replace(/\s+/g, ''), 'base64') : Buffer.from(raw, 'utf8');
        const words = field === 'data' ? 'base64 is an encoding, not encryption' : 'plain text';
        out.findings.push({
          file,
          ...at(p.key as Node),
          rule: field === 'data' ? 'k8s-secret-data' : 'k8s-secret-stringdata',
          message: `${label} has ${field} key "${key}" in the manifest (${words}); keep it in Coffer and inject it`,
          key,
          fingerprint: fingerprint(bytes),
        });
      }
    }
  };

  const candidate = (key: string, node: unknown): void => {
    if (isScalar(node) && typeof node.value === 'string' && node.value !== '') {
      out.candidates.push({ key, value: node.value, node, prefix: `${key}=`, valueOffset: 0 });
    }
  };

  // kubectl apply keeps the whole object it applied in this annotation, Secrets' data included.
  const lastApplied = (obj: YAMLMap): void => {
    const meta = get(obj, 'metadata');
    const ann = isMap(meta) ? get(meta, 'annotations') : undefined;
    if (!isMap(ann)) return;
    const node = get(ann, LAST_APPLIED);
    if (!isScalar(node) || typeof node.value !== 'string') return;
    let applied: unknown;
    try {
      applied = JSON.parse(node.value);
    } catch {
      return;
    }
    if (typeof applied !== 'object' || applied === null) return;
    const a = applied as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown }; data?: unknown; stringData?: unknown };
    if (a.kind !== 'Secret') return;
    const label = `Secret ${typeof a.metadata?.namespace === 'string' ? `${a.metadata.namespace}/` : ''}${typeof a.metadata?.name === 'string' ? a.metadata.name : '(no name)'}`;
    for (const field of ['data', 'stringData'] as const) {
      const data = a[field];
      if (typeof data !== 'object' || data === null) continue;
      for (const [key, v] of Object.entries(data as Record<string, unknown>)) {
        if (typeof v !== 'string' || v === '') continue;
        const bytes = field === 'data' ? Buffer.from(v.replace(/\s+/g, ''), 'base64') : Buffer.from(v, 'utf8');
        out.findings.push({
          file,
          ...at(node),
          rule: 'k8s-last-applied-secret',
          message: `the ${LAST_APPLIED} annotation holds a copy of ${label} with ${field} key "${key}" (kubectl keeps it on the object and in every export of it); remove the annotation and keep the value in Coffer`,
          key,
          fingerprint: fingerprint(bytes),
        });
      }
    }
  };

  const walk = (node: unknown): void => {
    if (isSeq(node)) {
      for (const item of node.items) walk(item);
      return;
    }
    if (!isMap(node)) return;
    lastApplied(node);
    const kind = str(get(node, 'kind'));
    if (kind === 'Secret' && str(get(node, 'apiVersion')) === 'v1') secret(node);
    if (kind === 'ConfigMap') {
      const data = get(node, 'data');
      if (isMap(data)) for (const p of data.items) if (isPair(p) && isScalar(p.key)) candidate(String(p.key.value), p.value);
    }
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const k = str(p.key);
      if (kind === 'Secret' && (k === 'data' || k === 'stringData')) continue;
      if (k === 'env' && isSeq(p.value)) {
        for (const e of p.value.items) {
          if (!isMap(e)) continue;
          const name = str(get(e, 'name'));
          if (name !== undefined) candidate(name, get(e, 'value'));
        }
      }
      walk(p.value);
    }
  };
  for (const d of parsed.docs) walk(d.contents);
  return out;
}
