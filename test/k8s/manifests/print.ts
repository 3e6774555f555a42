// Runs the real `coffer k8s manifests` and parses what it prints, for the manifest tests.

import { parseAllDocuments } from 'yaml';
import { coffer, type RunResult } from '../../cli/run.js';

export type Obj = Record<string, any>;

export interface Printed extends RunResult {
  objects: Obj[];
}

export async function printManifests(args: string[]): Promise<Printed> {
  const r = await coffer(['k8s', 'manifests', ...args]);
  if (r.code !== 0) return { ...r, objects: [] };
  const docs = parseAllDocuments(r.stdout);
  if (!Array.isArray(docs)) throw new Error('no YAML documents printed');
  for (const d of docs) if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors.map((e) => e.message).join('; ')}`);
  return { ...r, objects: docs.map((d) => d.toJS() as Obj).filter((o) => o !== null) };
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
