// A manifest file as the migration sees it: YAML split into its documents, each with its own text
// (from its `---` line to the next one), so that a document can be removed or rewritten while every
// other byte of the file stays; or one JSON document. Parsed as YAML 1.1, as Kubernetes reads
// manifests (`defaultMode: 0400` is octal there). A Helm template (`{{`) or text that does not
// parse is never rewritten.

import { isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';

export interface Chunk {
  /** This document's text, `---` line included. */
  text: string;
  /** Undefined for a chunk with no content (comments only). */
  doc?: Document.Parsed;
}

export interface SourceFile {
  path: string;
  content: string;
  json: boolean;
  chunks: Chunk[];
  /** Why the file cannot be rewritten (it is then left untouched), if it cannot. */
  unsafe?: string;
}

const YAML_OPTIONS = { version: '1.1', uniqueKeys: false, keepSourceTokens: false } as const;

export function parseSource(path: string, content: string): SourceFile {
  const file: SourceFile = { path, content, json: /\.json$/i.test(path), chunks: [] };
  const texts = file.json ? [content] : splitDocuments(content);
  for (const text of texts) {
    const doc = parseDocument(text, YAML_OPTIONS);
    if (doc.errors.length > 0) {
      const p = doc.errors[0]!.linePos?.[0];
      file.unsafe = content.includes('{{')
        ? HELM
        : `not YAML or JSON that parses${p ? ` (near line ${p.line})` : ''}: ${doc.errors[0]!.code}`;
      file.chunks = [];
      return file;
    }
    if (hasTemplateAction(doc.contents)) {
      file.unsafe = HELM;
      file.chunks = [];
      return file;
    }
    file.chunks.push(doc.contents === null ? { text } : { text, doc });
  }
  return file;
}

const HELM = 'a Helm (Go) template: render it first (helm template ...) and migrate the output, or move its Secrets by hand';

/**
 * `{{` anywhere but in an injector annotation's value (agent-inject-template-* holds Go templates
 * by design, and migrate writes them): a file still to be rendered by Helm.
 */
function hasTemplateAction(n: unknown): boolean {
  if (isScalar(n)) return typeof n.value === 'string' && n.value.includes('{{');
  if (isMap(n)) {
    return n.items.some((p) => {
      if (!isPair(p)) return false;
      const key = isScalar(p.key) ? String(p.key.value) : '';
      if (hasTemplateAction(p.key)) return true;
      return !/^(vault\.hashicorp\.com|coffer\.dev)\//.test(key) && hasTemplateAction(p.value);
    });
  }
  if (isSeq(n)) return n.items.some(hasTemplateAction);
  return false;
}

/** Splits at lines that start with `---` (a document marker at column 0), keeping every byte. */
export function splitDocuments(content: string): string[] {
  const out: string[] = [];
  let start = 0;
  const re = /^---(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    if (m.index === 0) continue;
    out.push(content.slice(start, m.index));
    start = m.index;
  }
  out.push(content.slice(start));
  return out;
}

/** The indentation a JSON file uses (2 by default). */
export function jsonIndent(content: string): string | number {
  const m = /\n([ \t]+)"/.exec(content);
  return m ? m[1]! : 2;
}
