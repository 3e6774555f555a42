// Reads the files given to the doctor: YAML/JSON manifests (multi-document) are parsed with the
// `yaml` package, keeping every node's position so a finding can name the line of a key or of a
// line inside a block scalar; every other file (shell scripts, application code) is kept as lines.

import { isMap, isScalar, LineCounter, parseAllDocuments, Scalar, type Document } from 'yaml';
import { finding, type Finding, type Loc } from './types.js';

export type PathSeg = string | number;

/** One YAML document: its plain value and the positions of its nodes. */
export class LocatedDoc {
  readonly value: unknown;
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lc: LineCounter,
  ) {
    this.value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  }

  private pos(offset: number): Loc {
    const p = this.lc.linePos(offset);
    return { file: this.file, line: p.line, column: p.col };
  }

  /** Where the value at `path` starts (for a mapping or list item, its first key). */
  at(path: PathSeg[]): Loc {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return this.pos(node.range[0]);
    }
    return { file: this.file, line: 1 };
  }

  /** Where the key of the last segment of `path` is written (falls back to its value). */
  keyAt(path: PathSeg[]): Loc {
    const parent = this.doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const last = path[path.length - 1];
      const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
      const key = pair?.key as { range?: [number, number, number] } | undefined;
      if (key?.range) return this.pos(key.range[0]);
    }
    return this.at(path);
  }

  /** Where line `k` (0-based) of the string at `path` is: inside a block scalar, the k-th line below its header; else the string's own line. */
  lineInString(path: PathSeg[], k: number): Loc {
    const node = this.doc.getIn(path, true);
    const start = this.at(path);
    if (isScalar(node) && (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED)) return { file: this.file, line: start.line + 1 + k };
    return start;
  }
}

export interface ManifestFile {
  kind: 'manifest';
  path: string;
  docs: LocatedDoc[];
  lines: string[];
}

export interface TextFile {
  kind: 'text';
  path: string;
  lines: string[];
}

export type SourceFile = ManifestFile | TextFile;

const MANIFEST = /\.(ya?ml|json)$/i;

/** Parses one file's text; a YAML syntax error becomes a `parse` finding (the other documents still count). */
export function parseSource(path: string, text: string): { file: SourceFile; findings: Finding[] } {
  const lines = text.split(/\r?\n/);
  if (!MANIFEST.test(path)) return { file: { kind: 'text', path, lines }, findings: [] };
  const lc = new LineCounter();
  const findings: Finding[] = [];
  const docs: LocatedDoc[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter: lc, prettyErrors: false })) {
    if (doc.errors.length > 0) {
      const e = doc.errors[0]!;
      const p = lc.linePos(e.pos[0]);
      findings.push(finding({ file: path, line: p.line, column: p.col }, 'parse', `not valid YAML/JSON: ${e.message.split('\n')[0]}`, 'fix the syntax; the doctor skipped this document'));
      continue;
    }
    if (doc.contents === null) continue;
    docs.push(new LocatedDoc(path, doc, lc));
  }
  return { file: { kind: 'manifest', path, docs, lines }, findings };
}
