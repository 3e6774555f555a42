// Runs `coffer k8s manifests` and parses what it prints, for the manifest tests: in-process through
// the command group (fast, for the many flag combinations) or as the real `coffer` process.

import { parseAllDocuments } from 'yaml';
import { runGroup } from '../../../src/cli/base.js';
import { k8sGroup } from '../../../src/cli/k8s.js';
import { coffer, type RunResult } from '../../cli/run.js';

export type Obj = Record<string, any>;

export interface Printed extends RunResult {
  objects: Obj[];
}

function parse(r: RunResult): Printed {
  if (r.code !== 0) return { ...r, objects: [] };
  const docs = parseAllDocuments(r.stdout);
  if (!Array.isArray(docs)) throw new Error('no YAML documents printed');
  for (const d of docs) if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors.map((e) => e.message).join('; ')}`);
  return { ...r, objects: docs.map((d) => d.toJS() as Obj).filter((o) => o !== null) };
}

/** `coffer k8s manifests ARGS` in this process, with stdout and stderr captured. */
export async function printManifests(args: string[]): Promise<Printed> {
  let stdout = '';
  let stderr = '';
  const ui = { out: (t: string) => void (stdout += `${t}\n`), err: (t: string) => void (stderr += `${t}\n`), raw: (t: string) => void (stdout += t), isTerminal: false };
  const code = await runGroup(k8sGroup, ['manifests', ...args], { ui, env: {}, stdin: async () => '' });
  return parse({ code, stdout, stderr });
}

/** The same through the real `coffer` executable. */
export async function printManifestsCli(args: string[]): Promise<Printed> {
  return parse(await coffer(['k8s', 'manifests', ...args]));
}

export function find(objects: Obj[], kind: string, name?: string): Obj {
  const o = objects.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!o) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

/** The pod templates of the workloads (StatefulSet, Deployment). */
export function podTemplates(objects: Obj[]): { owner: Obj; template: Obj }[] {
  return objects.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Deployment').map((owner) => ({ owner, template: owner.spec.template }));
}
