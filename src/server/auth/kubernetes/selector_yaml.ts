// A small reader for the YAML subset a label selector is written in (block mappings, block and flow
// sequences, flow mappings, plain/quoted scalars, comments); JSON is tried first. Written by hand
// because the project has no YAML dependency and a selector needs only this much of YAML.

export type YamlValue = string | YamlValue[] | { [k: string]: YamlValue };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(s: string): string {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return s.slice(0, i);
  }
  return s;
}

function scalar(raw: string, no: number): string {
  const s = raw.trim();
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new Error(`line ${no}: unterminated or invalid double-quoted string`);
    }
  }
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new Error(`line ${no}: unterminated single-quoted string`);
    return s.slice(1, -1).replace(/''/g, "'");
  }
  return s;
}

/** Splits a flow collection's inside on top-level commas. */
function splitFlow(inner: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let cur = '';
  for (const c of inner) {
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

function keyValue(s: string, no: number): [string, string] {
  let quote = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ':' && (i === s.length - 1 || /\s/.test(s[i + 1]!))) return [scalar(s.slice(0, i), no), s.slice(i + 1).trim()];
  }
  throw new Error(`line ${no}: expected "key: value"`);
}

function inline(s: string, no: number): YamlValue {
  const t = s.trim();
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new Error(`line ${no}: unterminated flow sequence`);
    return splitFlow(t.slice(1, -1)).map((x) => inline(x, no));
  }
  if (t.startsWith('{')) {
    if (!t.endsWith('}')) throw new Error(`line ${no}: unterminated flow mapping`);
    const out: Record<string, YamlValue> = {};
    for (const part of splitFlow(t.slice(1, -1))) {
      const [k, v] = keyValue(part.trim(), no);
      out[k] = inline(v, no);
    }
    return out;
  }
  return scalar(t, no);
}

function block(lines: Line[], start: number, indent: number): [YamlValue, number] {
  const first = lines[start]!;
  if (first.text.startsWith('- ') || first.text === '-') {
    const seq: YamlValue[] = [];
    let i = start;
    while (i < lines.length && lines[i]!.indent === indent && (lines[i]!.text.startsWith('- ') || lines[i]!.text === '-')) {
      const rest = lines[i]!.text.slice(1).trimStart();
      if (rest === '') {
        if (i + 1 >= lines.length || lines[i + 1]!.indent <= indent) throw new Error(`line ${lines[i]!.no}: empty sequence item`);
        const [v, next] = block(lines, i + 1, lines[i + 1]!.indent);
        seq.push(v);
        i = next;
      } else if (/^[^[{"'][^:]*:(\s|$)/.test(rest) || /^["'][^"']*["']:(\s|$)/.test(rest)) {
        // "- key: value" starts a mapping whose further keys are indented to the first key's column.
        const col = indent + (lines[i]!.text.length - rest.length);
        const sub: Line[] = [{ indent: col, text: rest, no: lines[i]!.no }];
        let j = i + 1;
        while (j < lines.length && lines[j]!.indent > indent) sub.push(lines[j++]!);
        const [v] = block(sub, 0, col);
        seq.push(v);
        i = j;
      } else {
        seq.push(inline(rest, lines[i]!.no));
        i++;
      }
    }
    return [seq, i];
  }
  const map: Record<string, YamlValue> = {};
  let i = start;
  while (i < lines.length && lines[i]!.indent === indent) {
    const { text, no } = lines[i]!;
    if (text.startsWith('- ')) throw new Error(`line ${no}: a sequence item where a "key: value" was expected`);
    const [k, v] = keyValue(text, no);
    if (k in map) throw new Error(`line ${no}: duplicate key "${k}"`);
    if (v === '') {
      if (i + 1 < lines.length && lines[i + 1]!.indent > indent) {
        const [val, next] = block(lines, i + 1, lines[i + 1]!.indent);
        map[k] = val;
        i = next;
        continue;
      }
      // "key: -" style sequences may sit at the same indent as their key.
      if (i + 1 < lines.length && lines[i + 1]!.indent === indent && lines[i + 1]!.text.startsWith('- ')) {
        const [val, next] = block(lines, i + 1, indent);
        map[k] = val;
        i = next;
        continue;
      }
      map[k] = '';
    } else map[k] = inline(v, no);
    i++;
  }
  if (i < lines.length && lines[i]!.indent > indent) throw new Error(`line ${lines[i]!.no}: unexpected indentation`);
  return [map, i];
}

/** Parses JSON, or else the YAML subset above; throws with a line number on anything else. */
export function parseYamlOrJson(text: string): YamlValue {
  const t = text.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t) as YamlValue;
    } catch {
      /* flow-style YAML is read below */
    }
  }
  const lines: Line[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    if (raw.includes('\t')) throw new Error(`line ${idx + 1}: tabs are not allowed in YAML indentation`);
    const body = stripComment(raw).replace(/\s+$/, '');
    if (body.trim() === '' || body.trim() === '---') return;
    lines.push({ indent: body.length - body.trimStart().length, text: body.trim(), no: idx + 1 });
  });
  if (lines.length === 0) return {};
  if (lines.length === 1 && /^[[{]/.test(lines[0]!.text)) return inline(lines[0]!.text, lines[0]!.no);
  const [v, end] = block(lines, 0, lines[0]!.indent);
  if (end < lines.length) throw new Error(`line ${lines[end]!.no}: unexpected indentation`);
  return v;
}
