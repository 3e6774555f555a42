// Text surgery on one YAML document, so that everything the migration does not change stays byte for
// byte: the nodes are changed with the `yaml` Document API (comments, anchors, key order kept), and
// only the text of the changed nodes is replaced by their new rendering, indented to where they
// stood. A re-render of the whole document would normalise comment spacing, flow collections and
// sequence indentation everywhere, which is what a reviewer of the diff must not have to wade through.

import { Document, isCollection, isMap, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

export type Edit =
  /** Replace the node's original text (range[0]..range[1]) with its current rendering. */
  | { kind: 'replace'; node: Node }
  /** Remove items of a block sequence (whole lines, from each "- " to the item's end). */
  | { kind: 'remove-items'; seq: YAMLSeq; items: Node[] }
  /** Remove a key and its value (whole lines). */
  | { kind: 'remove-pair'; map: YAMLMap; pair: Pair }
  /** Add pairs (already in the Document API's shape) at the end of a block map. */
  | { kind: 'append'; map: YAMLMap; pairs: Pair[] };

interface TextEdit {
  from: number;
  to: number;
  text: string;
}

const RENDER = { lineWidth: 0, minContentWidth: 0 } as const;

function lineStart(text: string, at: number): number {
  return text.lastIndexOf('\n', at - 1) + 1;
}

function lineEnd(text: string, at: number): number {
  const i = text.indexOf('\n', at);
  return i === -1 ? text.length : i + 1;
}

/** Renders a node on its own (its trailing comment dropped: that text stays where it is). */
function render(node: Node): string {
  const copy = node.clone() as Node;
  if (isCollection(copy)) copy.comment = null;
  const doc = new Document(null, { version: '1.1' });
  doc.contents = copy;
  return doc.toString(RENDER);
}

function indent(text: string, col: number): string {
  const pad = ' '.repeat(col);
  return text.split('\n').map((l, i) => (i === 0 || l === '' ? l : pad + l)).join('\n');
}

function range(node: Node): [number, number] {
  if (!node.range) throw new Error('internal: a node to replace has no source range');
  return [node.range[0], node.range[1]];
}

function toTextEdits(text: string, e: Edit): TextEdit[] {
  if (e.kind !== 'remove-items') return [toTextEdit(text, e)];
  if (e.seq.flow) throw new CannotEdit('flow sequence');
  return e.items.map((item) => {
    const [from, to] = range(item);
    const start = lineStart(text, from);
    if (!/^\s*-\s*$/.test(text.slice(start, from))) throw new CannotEdit('an item that does not start its line');
    return { from: start, to: lineEnd(text, Math.max(to - 1, from)), text: '' };
  });
}

function toTextEdit(text: string, e: Exclude<Edit, { kind: 'remove-items' }>): TextEdit {
  if (e.kind === 'replace') {
    const [from, to] = range(e.node);
    const col = from - lineStart(text, from);
    let out = indent(render(e.node), col);
    // A block collection's range ends after its last newline; a flow one or a scalar does not.
    if (!text.slice(from, to).endsWith('\n')) out = out.replace(/\n$/, '');
    else if (!out.endsWith('\n')) out += '\n';
    return { from, to, text: out };
  }
  if (e.kind === 'remove-pair') {
    const key = e.pair.key as Node;
    const value = e.pair.value as Node | null;
    const [kFrom] = range(key);
    const start = lineStart(text, kFrom);
    if (text.slice(start, kFrom).trim() !== '') throw new CannotEdit('the key shares its line with a sequence indicator');
    const end = value?.range ? lineEnd(text, Math.max(value.range[1] - 1, kFrom)) : lineEnd(text, kFrom);
    return { from: start, to: end, text: '' };
  }
  const [from, to] = range(e.map);
  if (e.map.flow) throw new CannotEdit('flow map');
  const first = e.map.items[0]?.key as Node | undefined;
  const col = first?.range ? first.range[0] - lineStart(text, first.range[0]) : from - lineStart(text, from);
  const holder = new Document(null, { version: '1.1' });
  const m = holder.createNode({}) as YAMLMap;
  m.items.push(...e.pairs);
  holder.contents = m;
  let out = indent(holder.toString(RENDER), col).replace(/^/, ' '.repeat(col));
  const at = text.slice(from, to).endsWith('\n') ? to : lineEnd(text, to - 1);
  if (at > 0 && text[at - 1] !== '\n') out = `\n${out}`;
  return { from: at, to: at, text: out };
}

export class CannotEdit extends Error {}

/**
 * Applies the edits to the document's source text. The edits must not overlap (the caller picks
 * disjoint nodes); an edit the text surgery cannot do (a key sharing its line with "- ", a flow
 * map to append to) falls back to replacing `fallback(edit)`'s node, and if that fails too, to
 * rendering the whole document.
 */
export function applyEdits(text: string, doc: Document.Parsed, edits: Edit[]): string {
  let list: TextEdit[];
  try {
    list = edits.flatMap((e) => toTextEdits(text, e));
  } catch (e) {
    if (!(e instanceof CannotEdit)) throw e;
    const wanted = edits.map((x) => (x.kind === 'replace' ? x.node : x.kind === 'remove-items' ? x.seq : x.map));
    // Replace the smallest maps that hold the awkward edits instead.
    try {
      list = dedupeNodes(wanted).map((n) => toTextEdit(text, { kind: 'replace', node: n }));
    } catch {
      return doc.toString(RENDER);
    }
  }
  list.sort((a, b) => b.from - a.from);
  for (let i = 1; i < list.length; i++) if (list[i]!.to > list[i - 1]!.from) return doc.toString(RENDER);
  let out = text;
  for (const t of list) out = out.slice(0, t.from) + t.text + out.slice(t.to);
  return out;
}

function dedupeNodes(nodes: Node[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) if (!out.includes(n)) out.push(n);
  return out.filter((n) => isMap(n) || isCollection(n));
}
