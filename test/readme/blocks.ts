// README.md's shell blocks and their readme-test markers, and the one bash script that runs them in
// order (so exports carry from block to block, as in a reader's shell). Markers, on the line right
// above a block's fence:
//   <!-- readme-test: skip (reason) -->
//   <!-- readme-test: background until "TEXT" -->            (optionally `, paste exports`)
// and, for README content that another test reads (it is not run by the shell runner):
//   <!-- readme-test: example NAME -->    above a non-shell block (e.g. a manifest), see markedExample
//   <!-- readme-test: table NAME -->      above a Markdown table, see markedTable
// Any other marker, or a marker with nothing of its kind below it, is an error naming its line.

export interface ReadmeBlock {
  /** 1-based line of the opening fence in README.md. */
  line: number;
  code: string;
  skip?: string;
  background?: { until: string; pasteExports: boolean };
}

const SHELL_LANGS = new Set(['sh', 'bash', 'shell']);
const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->\s*$/;

export function parseReadme(text: string): ReadmeBlock[] {
  const lines = text.split('\n');
  checkNamedMarkers(lines);
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    if (end >= lines.length) throw new Error(`README.md:${start + 1}: code block never closed`);
    i = end;
    if (!SHELL_LANGS.has(open[1]!)) continue;
    const block: ReadmeBlock = { line: start + 1, code: lines.slice(start + 1, end).join('\n') };
    const marker = start > 0 ? MARKER.exec(lines[start - 1]!) : null;
    if (marker) applyMarker(block, marker[1]!);
    blocks.push(block);
  }
  return blocks;
}

const NAMED = /^(example|table)\s+([a-z0-9][a-z0-9-]*)$/;

/**
 * Markers anywhere in the file: `example NAME` must sit above a non-shell fence, `table NAME` above
 * a table, each NAME once; skip/background markers are checked by parseReadme on their shell blocks,
 * and a marker of any other form is refused here (it would otherwise be silently ignored when no
 * shell block follows it).
 */
function checkNamedMarkers(lines: string[]): void {
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]!);
    if (!m) continue;
    const body = m[1]!;
    const next = lines[i + 1] ?? '';
    const fence = /^```(\S*)\s*$/.exec(next);
    const named = NAMED.exec(body);
    if (!named) {
      if (fence && SHELL_LANGS.has(fence[1]!)) continue; // applyMarker checks it
      throw new Error(`README.md:${i + 1}: marker "${body}" is not above a shell block: use example NAME (above another block) or table NAME (above a table)`);
    }
    const [, kind, name] = named;
    const key = `${kind} ${name}`;
    if (seen.has(key)) throw new Error(`README.md:${i + 1}: a second "${key}" marker`);
    seen.add(key);
    if (kind === 'example' && !(fence && !SHELL_LANGS.has(fence[1]!))) throw new Error(`README.md:${i + 1}: "${key}" must be right above a non-shell code block`);
    if (kind === 'table' && !next.startsWith('|')) throw new Error(`README.md:${i + 1}: "${key}" must be right above a table`);
  }
}

function findNamed(lines: string[], kind: 'example' | 'table', name: string): number {
  const at = lines.findIndex((l) => {
    const m = MARKER.exec(l);
    return m !== null && m[1] === `${kind} ${name}`;
  });
  if (at < 0) throw new Error(`README.md has no <!-- readme-test: ${kind} ${name} --> marker`);
  return at;
}

/** The code block below `<!-- readme-test: example NAME -->`. */
export function markedExample(text: string, name: string): { line: number; lang: string; code: string } {
  const lines = text.split('\n');
  checkNamedMarkers(lines);
  const at = findNamed(lines, 'example', name);
  const lang = /^```(\S*)/.exec(lines[at + 1]!)![1]!;
  let end = at + 2;
  while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
  if (end >= lines.length) throw new Error(`README.md:${at + 2}: code block never closed`);
  return { line: at + 2, lang, code: lines.slice(at + 2, end).join('\n') };
}

/** The body rows of the table below `<!-- readme-test: table NAME -->`, as trimmed cells (header and separator left out). */
export function markedTable(text: string, name: string): { line: number; header: string[]; rows: string[][] } {
  const lines = text.split('\n');
  checkNamedMarkers(lines);
  const at = findNamed(lines, 'table', name);
  const cells = (l: string): string[] => l.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
  const body: string[] = [];
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith('|'); i++) body.push(lines[i]!);
  if (body.length < 2 || !/^\|[\s|:-]+\|$/.test(body[1]!.trim())) throw new Error(`README.md:${at + 2}: the table has no header separator line`);
  return { line: at + 2, header: cells(body[0]!), rows: body.slice(2).map(cells) };
}

function applyMarker(block: ReadmeBlock, body: string): void {
  const skip = /^skip\s*\((.+)\)$/.exec(body);
  if (skip) {
    block.skip = skip[1]!;
    return;
  }
  const bg = /^background until "([^"]+)"(,\s*paste exports)?$/.exec(body);
  if (bg) {
    block.background = { until: bg[1]!, pasteExports: bg[2] !== undefined };
    return;
  }
  throw new Error(`README.md:${block.line - 1}: unknown readme-test marker "${body}": use skip (reason) or background until "TEXT"[, paste exports]`);
}

/** Lines the runner prints around each block, so its output can be split per block. */
export const START = '@@readme-test start ';
export const END = '@@readme-test end ';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * One bash script for every block that runs: foreground blocks inline (set -e: the first failing
 * command ends the script), background blocks in a subshell whose output goes to a file the script
 * waits on (and whose export lines it runs, when asked).
 */
export function buildScript(blocks: ReadmeBlock[], rewrite: (code: string) => string, workDir: string, repo: string): string {
  // npm commands run in the checkout, as the README runs them from the repository root.
  const out = ['set -e', `npm() { command npm --prefix ${q(repo)} "$@"; }`];
  for (const b of blocks) {
    if (b.skip) continue;
    const code = rewrite(b.code);
    out.push(`printf '\\n%s\\n' ${q(`${START}${b.line}`)}`);
    if (b.background) {
      const log = `${workDir}/background-${b.line}.log`;
      out.push(`(\n${code}\n) > ${q(log)} 2>&1 &`);
      out.push(
        `__pid=$!; __n=0; until grep -qF -- ${q(b.background.until)} ${q(log)} 2>/dev/null; do`,
        `  if ! kill -0 $__pid 2>/dev/null || [ $__n -ge 1200 ]; then cat ${q(log)}; echo "background block never printed: ${b.background.until.replace(/["$`\\]/g, '')}"; exit 97; fi`,
        `  __n=$((__n + 1)); sleep 0.05`,
        'done',
      );
      if (b.background.pasteExports) out.push(`eval "$(grep -E '^export [A-Za-z_][A-Za-z0-9_]*=' ${q(log)})"`);
    } else {
      out.push(code);
    }
    out.push(`printf '\\n%s\\n' ${q(`${END}${b.line}`)}`);
  }
  return `${out.join('\n')}\n`;
}
