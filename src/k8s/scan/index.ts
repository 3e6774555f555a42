// `coffer k8s scan` as pure functions: files in, findings out. Each file is parsed as YAML/JSON when it
// can be (structural findings: Secrets, Kustomize generators; candidates: env values, ConfigMap data),
// and its whole text is also linted by secretlint (so a key in a comment or in a file that is not YAML,
// such as an unrendered Helm template, is still found). Hits are deduplicated, sorted by place.

import { basename } from 'node:path';
import { isScalar } from 'yaml';
import { KUSTOMIZATION_NAMES, scanKustomization, type ExternalValue } from './kustomize.js';
import { credentialNamed, lintSnippets, looksLikeToken, type Snippet } from './literals.js';
import { parseFile, scanManifest, type Candidate } from './manifest.js';
import { fingerprint } from './fingerprint.js';
import { lineCounterFor, positionOf, sourceOffset } from './position.js';
import type { Finding, RefReader, ScanFile, ScanResult } from './types.js';

export type { Finding, RefReader, ScanError, ScanFile, ScanResult } from './types.js';
export { fingerprint } from './fingerprint.js';

export async function scanFiles(files: ScanFile[], readRef: RefReader): Promise<ScanResult> {
  const result: ScanResult = { findings: [], errors: [], warnings: [] };
  for (const f of files) await scanOne(f, readRef, result);
  result.findings = dedupe(result.findings).sort(byPlace);
  return result;
}

async function scanOne(f: ScanFile, readRef: RefReader, result: ScanResult): Promise<void> {
  const { path: file, content } = f;
  const parsed = parseFile(content);
  const lc = 'error' in parsed ? lineCounterFor(content) : parsed.lc;
  const snippets: Snippet[] = [{ text: content, locate: (o) => positionOf(lc, o) }];
  const candidates: Candidate[] = [];
  let secretRanges: Array<[number, number]> = [];
  if ('error' in parsed) {
    result.warnings.push({ file, message: `${parsed.error}; scanned as text only` });
  } else {
    const m = scanManifest(file, content, parsed);
    result.findings.push(...m.findings);
    candidates.push(...m.candidates);
    secretRanges = m.secretRanges;
    if (KUSTOMIZATION_NAMES.has(basename(file))) {
      const k = scanKustomization(file, content, parsed, readRef);
      result.findings.push(...k.findings);
      result.errors.push(...k.errors);
      candidates.push(...k.candidates);
      await lintExternal(k.external, result);
    }
  }
  for (const c of candidates) {
    snippets.push({
      text: c.prefix + c.value,
      key: c.key,
      valueStart: c.prefix.length,
      locate: (o) => positionOf(lc, sourceOffset(content, c.node, c.valueOffset + o - c.prefix.length)),
    });
  }
  const hits = await lintSnippets(file, snippets);
  const raw = hits.filter((h) => h.snippet === 0);
  const rawOffsets = raw.map((h) => offsetOf(lc.lineStarts, h.line, h.column));
  const flagged = new Set<number>();
  raw.forEach((h, i) => {
    const o = rawOffsets[i]!;
    if (!secretRanges.some(([a, b]) => o >= a && o < b)) result.findings.push(h);
  });
  for (const h of hits) {
    if (h.snippet === 0) continue;
    const c = candidates[h.snippet - 1]!;
    flagged.add(h.snippet - 1);
    const [a, b] = c.node.range ?? [0, 0];
    // The same secret seen in the whole text already: keep that one (it has the exact column).
    if (raw.some((r, i) => r.rule === h.rule && rawOffsets[i]! >= a && rawOffsets[i]! < b)) continue;
    const { snippet: _, ...finding } = h;
    result.findings.push(finding);
  }
  candidates.forEach((c, i) => {
    if (flagged.has(i) || !isScalar(c.node)) return;
    if (!looksLikeToken(c.value)) {
      if (credentialNamed(c.key, c.value)) result.findings.push(namedFinding(file, positionOf(lc, sourceOffset(content, c.node, c.valueOffset)), c.key, c.value));
      return;
    }
    result.findings.push({
      file,
      ...positionOf(lc, sourceOffset(content, c.node, c.valueOffset)),
      rule: 'high-entropy-string',
      message: `"${c.key}" holds a random-looking token (high entropy); if it is a credential, keep it in Coffer`,
      key: c.key,
      fingerprint: fingerprint(c.value),
    });
  });
}

function namedFinding(file: string, at: { line: number; column: number }, key: string, value: string): Finding {
  return {
    file,
    ...at,
    rule: 'credential-named-literal',
    message: `"${key}" is named like a credential and holds a literal value; keep it in Coffer and inject it`,
    key,
    fingerprint: fingerprint(value),
  };
}

/** Values a kustomization takes from other files (configMapGenerator files and envs): the same rules. */
async function lintExternal(external: ExternalValue[], result: ScanResult): Promise<void> {
  for (const x of external) {
    const hits = await lintSnippets(x.file, [{ text: `${x.key}=${x.value}`, key: x.key, valueStart: x.key.length + 1, locate: (o) => x.locate(Math.max(0, o - x.key.length - 1)) }]);
    for (const h of hits) {
      const { snippet: _, ...finding } = h;
      result.findings.push(finding);
    }
    if (hits.length > 0) continue;
    if (looksLikeToken(x.value)) {
      result.findings.push({ file: x.file, ...x.locate(0), rule: 'high-entropy-string', message: `"${x.key}" holds a random-looking token (high entropy); if it is a credential, keep it in Coffer`, key: x.key, fingerprint: fingerprint(x.value) });
    } else if (x.named && credentialNamed(x.key, x.value)) result.findings.push(namedFinding(x.file, x.locate(0), x.key, x.value));
  }
}

function offsetOf(lineStarts: number[], line: number, column: number): number {
  return (lineStarts[line - 1] ?? 0) + column - 1;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const id = `${f.file}\0${f.line}\0${f.column}\0${f.rule}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

function byPlace(a: Finding, b: Finding): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0);
}
