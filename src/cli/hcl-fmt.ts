// Canonical layout for an HCL policy file, for `coffer policy fmt`: two-space indentation by brace
// depth, `key = value` spacing, `=` aligned across consecutive one-line assignments, one blank line
// between top-level blocks, no trailing spaces. Works on the text, line by line, so comments and
// heredocs survive untouched (the HCL reader drops comments, so it cannot print them back).

interface Scan {
  /** Brace/bracket depth change over the line (outside strings and comments). */
  delta: number;
  /** Closers at the very start of the line (they dedent the line itself). */
  leadingClosers: number;
  /** Offset of the first `=` outside strings and brackets, or -1. */
  assign: number;
  /** The line opens a heredoc with this terminator. */
  heredoc?: { tag: string; indented: boolean };
  /** The line ends inside a block comment. */
  openComment: boolean;
}

function scanLine(t: string, inComment: boolean): Scan {
  const s: Scan = { delta: 0, leadingClosers: 0, assign: -1, openComment: inComment };
  let seenOther = false;
  let nest = 0;
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (s.openComment) {
      if (ch === '*' && t[i + 1] === '/') {
        s.openComment = false;
        i++;
      }
      continue;
    }
    if (ch === '#' || (ch === '/' && t[i + 1] === '/')) break;
    if (ch === '/' && t[i + 1] === '*') {
      s.openComment = true;
      i++;
      continue;
    }
    if (ch === '"') {
      for (i++; i < t.length && t[i] !== '"'; i++) if (t[i] === '\\') i++;
      seenOther = true;
      continue;
    }
    if (ch === '<' && t[i + 1] === '<') {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)\s*$/.exec(t.slice(i));
      if (m) {
        s.heredoc = { tag: m[2]!, indented: m[1] === '-' };
        break;
      }
    }
    if (ch === '{' || ch === '[') {
      s.delta++;
      nest++;
      seenOther = true;
    } else if (ch === '}' || ch === ']') {
      s.delta--;
      nest--;
      if (!seenOther) s.leadingClosers++;
    } else if (ch === '=' && nest === 0 && s.assign < 0 && seenOther) s.assign = i;
    else if (ch !== ' ' && ch !== '\t') seenOther = true;
  }
  return s;
}

interface OutLine {
  text: string;
  indent: number;
  /** For alignment: the key and the value of a one-line assignment. */
  key?: string;
  value?: string;
  verbatim?: boolean;
}

export function formatHcl(src: string): string {
  const lines = src.replace(/\r\n/g, '\n').split('\n');
  const out: OutLine[] = [];
  let depth = 0;
  let heredoc: { tag: string; indented: boolean } | undefined;
  let inComment = false;
  for (const raw of lines) {
    if (heredoc) {
      out.push({ text: raw, indent: 0, verbatim: true });
      if ((heredoc.indented ? raw.trim() : raw) === heredoc.tag) heredoc = undefined;
      continue;
    }
    if (inComment) {
      const sc = scanLine(raw, true);
      out.push({ text: raw.trimEnd(), indent: 0, verbatim: true });
      inComment = sc.openComment;
      continue;
    }
    const t = raw.trim();
    if (t === '') {
      out.push({ text: '', indent: 0 });
      continue;
    }
    const sc = scanLine(t, false);
    const indent = Math.max(0, depth - sc.leadingClosers);
    const line: OutLine = { text: t, indent };
    if (sc.assign > 0) {
      const key = t.slice(0, sc.assign).trim();
      const value = t.slice(sc.assign + 1).trim();
      line.text = `${key} = ${value}`;
      if (sc.delta === 0 && !sc.heredoc && !sc.openComment) {
        line.key = key;
        line.value = value;
      }
    }
    line.text = line.text.replace(/\s*\{$/, ' {').replace(/^\{$/, '{');
    out.push(line);
    depth = Math.max(0, depth + sc.delta);
    heredoc = sc.heredoc;
    inComment = sc.openComment;
  }
  // Align `=` across runs of one-line assignments at the same indentation.
  for (let i = 0; i < out.length; ) {
    if (out[i]!.key === undefined) {
      i++;
      continue;
    }
    let j = i;
    while (j < out.length && out[j]!.key !== undefined && out[j]!.indent === out[i]!.indent) j++;
    const width = Math.max(...out.slice(i, j).map((l) => l.key!.length));
    for (let k = i; k < j; k++) out[k]!.text = `${out[k]!.key!.padEnd(width)} = ${out[k]!.value}`;
    i = j;
  }
  // Blank lines: none at the edges or just inside braces, at most one in a row, one between top-level blocks.
  const result: string[] = [];
  for (let i = 0; i < out.length; i++) {
    const l = out[i]!;
    if (l.verbatim) {
      result.push(l.text);
      continue;
    }
    if (l.text === '') {
      const prev = result[result.length - 1];
      const next = out.slice(i + 1).find((x) => x.verbatim || x.text !== '');
      if (prev === undefined || prev === '' || prev.endsWith('{') || prev.endsWith('[') || !next || (!next.verbatim && /^[}\]]/.test(next.text))) continue;
      result.push('');
      continue;
    }
    const prevOut = result[result.length - 1];
    if (l.indent === 0 && prevOut !== undefined && /^\S(.*[}\]])?$/.test(prevOut) && /[}\]]$/.test(prevOut) && !/^[}\]]/.test(l.text)) result.push('');
    result.push(`${'  '.repeat(l.indent)}${l.text}`);
  }
  return `${result.join('\n').replace(/\n+$/, '')}\n`;
}
