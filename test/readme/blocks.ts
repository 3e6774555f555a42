// README.md's shell blocks and their readme-test markers, and the one bash script that runs them in
// order (so exports carry from block to block, as in a reader's shell). Markers, on the line right
// above a block's fence:
//   <!-- readme-test: skip (reason) -->
//   <!-- readme-test: background until "TEXT" -->            (optionally `, paste exports`)

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
