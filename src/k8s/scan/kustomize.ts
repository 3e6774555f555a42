// Kustomize's secretGenerator makes Secrets from values kept beside the kustomization: `literals`
// (KEY=VALUE in the kustomization itself), `files` (a file's content under its name or KEY=path) and
// `envs` (KEY=VALUE lines of an env file). Each value is a plaintext secret in the repository; this
// reports each one where it is written, with its key and a fingerprint. configMapGenerator literals
// are not secrets by declaration, so they become candidates for the literal rules instead.

import { basename } from 'node:path';
import { isMap, isPair, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { fingerprint } from './fingerprint.js';
import type { Candidate, ParsedFile } from './manifest.js';
import { lineCounterFor, positionOf, sourceOffset } from './position.js';
import type { Finding, RefReader, ScanError } from './types.js';

export const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);

export interface KustomizeScan {
  findings: Finding[];
  candidates: Candidate[];
  /** configMapGenerator values kept in other files (files, envs), to check with the literal rules. */
  external: ExternalValue[];
  errors: ScanError[];
}

export interface ExternalValue {
  file: string;
  key: string;
  value: string;
  /** Whether the key is a name chosen for the value (an env line's), so the credential-name rule applies. */
  named: boolean;
  locate(offset: number): { line: number; column: number };
}

const str = (n: unknown): string | undefined => (isScalar(n) && typeof n.value === 'string' ? n.value : undefined);

function get(map: YAMLMap, key: string): unknown {
  for (const p of map.items) if (isPair(p) && str(p.key) === key) return p.value;
  return undefined;
}

/** Scalars of a list field (or the one scalar of a legacy single-value field such as `env`). */
function scalars(n: unknown): Scalar[] {
  if (isScalar(n)) return [n];
  if (isSeq(n)) return n.items.filter((i): i is Scalar => isScalar(i) && typeof i.value === 'string');
  return [];
}

export function scanKustomization(file: string, content: string, parsed: ParsedFile, readRef: RefReader): KustomizeScan {
  const out: KustomizeScan = { findings: [], candidates: [], external: [], errors: [] };
  const at = (node: Node, offset = 0): { line: number; column: number } =>
    isScalar(node) ? positionOf(parsed.lc, sourceOffset(content, node, offset)) : positionOf(parsed.lc, node.range?.[0] ?? 0);
  const root = parsed.docs[0]?.contents;
  if (!isMap(root)) return out;

  const generators = (field: string): YAMLMap[] => {
    const g = get(root, field);
    return isSeq(g) ? g.items.filter((i): i is YAMLMap => isMap(i)) : [];
  };

  for (const gen of generators('secretGenerator')) {
    const label = `secretGenerator "${str(get(gen, 'name')) ?? '(no name)'}"`;
    for (const lit of scalars(get(gen, 'literals'))) {
      const text = String(lit.value);
      const eq = text.indexOf('=');
      const key = eq === -1 ? text : text.slice(0, eq);
      const value = eq === -1 ? '' : text.slice(eq + 1);
      out.findings.push({
        file,
        ...at(lit),
        rule: 'kustomize-secret-literal',
        message: `${label} has literal "${key}" in plain text in the kustomization`,
        key,
        fingerprint: fingerprint(value),
      });
    }
    for (const ref of scalars(get(gen, 'files'))) {
      const text = String(ref.value);
      const eq = text.indexOf('=');
      const path = eq === -1 ? text : text.slice(eq + 1);
      const key = eq === -1 ? basename(path) : text.slice(0, eq);
      const got = readRef(file, path);
      if ('error' in got) {
        out.errors.push({ file, ...at(ref), message: `${label} file "${path}": ${got.error}` });
        continue;
      }
      out.findings.push({
        file,
        ...at(ref),
        rule: 'kustomize-secret-file',
        message: `${label} takes key "${key}" from ${got.path}, a plaintext file in the repository`,
        key,
        fingerprint: fingerprint(got.content),
      });
    }
    for (const ref of [...scalars(get(gen, 'envs')), ...scalars(get(gen, 'env'))]) {
      const path = String(ref.value);
      const got = readRef(file, path);
      if ('error' in got) {
        out.errors.push({ file, ...at(ref), message: `${label} env file "${path}": ${got.error}` });
        continue;
      }
      out.findings.push(...envFileFindings(got.path, Buffer.from(got.content).toString('utf8'), label));
    }
  }

  for (const gen of generators('configMapGenerator')) {
    const label = `configMapGenerator "${str(get(gen, 'name')) ?? '(no name)'}"`;
    for (const lit of scalars(get(gen, 'literals'))) {
      const text = String(lit.value);
      const eq = text.indexOf('=');
      if (eq <= 0 || eq === text.length - 1) continue;
      out.candidates.push({ key: text.slice(0, eq), value: text.slice(eq + 1), node: lit, prefix: '', valueOffset: eq + 1 });
    }
    for (const ref of scalars(get(gen, 'files'))) {
      const text = String(ref.value);
      const eq = text.indexOf('=');
      const path = eq === -1 ? text : text.slice(eq + 1);
      const key = eq === -1 ? basename(path) : text.slice(0, eq);
      const got = readRef(file, path);
      if ('error' in got) {
        out.errors.push({ file, ...at(ref), message: `${label} file "${path}": ${got.error}` });
        continue;
      }
      const value = Buffer.from(got.content).toString('utf8');
      const lc = lineCounterFor(value);
      out.external.push({ file: got.path, key, value, named: eq !== -1, locate: (o) => positionOf(lc, o) });
    }
    for (const ref of [...scalars(get(gen, 'envs')), ...scalars(get(gen, 'env'))]) {
      const path = String(ref.value);
      const got = readRef(file, path);
      if ('error' in got) {
        out.errors.push({ file, ...at(ref), message: `${label} env file "${path}": ${got.error}` });
        continue;
      }
      out.external.push(...envFileValues(got.path, Buffer.from(got.content).toString('utf8')));
    }
  }
  return out;
}

/** Each KEY=VALUE line of an env file, located at its value. */
export function envFileValues(path: string, content: string): ExternalValue[] {
  const lc = lineCounterFor(content);
  const out: ExternalValue[] = [];
  let offset = 0;
  for (const line of content.split('\n')) {
    const body = line.trimStart();
    const eq = body.indexOf('=');
    if (body !== '' && !body.startsWith('#') && eq > 0) {
      const valueAt = offset + (line.length - body.length) + eq + 1;
      const value = body.slice(eq + 1).replace(/\r$/, '');
      if (value.trim() !== '') out.push({ file: path, key: body.slice(0, eq).trim(), value, named: true, locate: (o) => positionOf(lc, valueAt + o) });
    }
    offset += line.length + 1;
  }
  return out;
}

/** One finding per KEY=VALUE line of an env file (blank lines and # comments skipped), at the key. */
export function envFileFindings(path: string, content: string, label: string): Finding[] {
  const lc = lineCounterFor(content);
  const findings: Finding[] = [];
  let offset = 0;
  for (const line of content.split('\n')) {
    const lead = line.length - line.trimStart().length;
    const body = line.trim();
    const eq = body.indexOf('=');
    if (body !== '' && !body.startsWith('#') && eq > 0) {
      const key = body.slice(0, eq).trim();
      const value = body.slice(eq + 1);
      if (value !== '') {
        findings.push({
          file: path,
          ...positionOf(lc, offset + lead),
          rule: 'kustomize-secret-env',
          message: `${label} takes "${key}" from this env file, a plaintext file in the repository`,
          key,
          fingerprint: fingerprint(value),
        });
      }
    }
    offset += line.length + 1;
  }
  return findings;
}
