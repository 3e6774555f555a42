// Every plaintext `kind: Secret` (apiVersion v1, with data or stringData) of the parsed files, its
// values decoded as the API server would (data is base64, stringData wins over data for the same
// key). Secrets Kubernetes itself reads (image pull, service-account token, bootstrap token) or
// whose values are not text cannot be moved into KV and rendered back byte for byte: they carry a
// problem and stay where they are.

import { isMap, isPair, isScalar, type Node, type YAMLMap } from 'yaml';
import type { SecretSource } from './types.js';
import type { SourceFile } from './source.js';

export const str = (n: unknown): string | undefined => (isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number') ? String(n.value) : undefined);

export function get(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  for (const p of map.items) if (isPair(p) && str(p.key) === key) return p.value;
  return undefined;
}

export function getPair(map: YAMLMap, key: string): import('yaml').Pair | undefined {
  for (const p of map.items) if (isPair(p) && str(p.key) === key) return p as import('yaml').Pair;
  return undefined;
}

const KUBE_READS: Readonly<Record<string, string>> = {
  'kubernetes.io/dockerconfigjson': 'an image pull Secret: the kubelet reads it, not the pod, so the injector cannot deliver it',
  'kubernetes.io/dockercfg': 'an image pull Secret: the kubelet reads it, not the pod, so the injector cannot deliver it',
  'kubernetes.io/service-account-token': "a service-account token Secret: Kubernetes fills it; use the pod's projected token instead",
  'bootstrap.kubernetes.io/token': 'a bootstrap token: the API server reads it',
};

export function lineOf(file: SourceFile, chunk: number, offset: number): number {
  let before = '';
  for (let i = 0; i < chunk; i++) before += file.chunks[i]!.text;
  const text = before + file.chunks[chunk]!.text.slice(0, offset);
  return text.split('\n').length;
}

export function findSecrets(file: SourceFile, defaultNamespace: string): SecretSource[] {
  const out: SecretSource[] = [];
  file.chunks.forEach((c, i) => {
    const root = c.doc?.contents;
    if (!isMap(root) || str(get(root, 'kind')) !== 'Secret' || str(get(root, 'apiVersion')) !== 'v1') return;
    const data = get(root, 'data');
    const stringData = get(root, 'stringData');
    if (!isMap(data) && !isMap(stringData)) return;
    const meta = get(root, 'metadata');
    const name = str(get(meta, 'name')) ?? '';
    const namespace = str(get(meta, 'namespace')) ?? defaultNamespace;
    const type = str(get(root, 'type')) ?? 'Opaque';
    const s: SecretSource = { id: `${namespace}/${name}`, name, namespace, type, file: file.path, chunk: i, line: lineOf(file, i, (root as Node).range?.[0] ?? 0), data: {} };
    const problems: string[] = [];
    if (name === '') problems.push('it has no metadata.name');
    if (KUBE_READS[type]) problems.push(KUBE_READS[type]!);
    if (isMap(data)) {
      for (const p of data.items) {
        if (!isPair(p)) continue;
        const key = str(p.key) ?? '';
        const raw = isScalar(p.value) && p.value.value !== null ? String(p.value.value).replace(/\s+/g, '') : '';
        const bytes = Buffer.from(raw, 'base64');
        if (bytes.toString('base64').replace(/=+$/, '') !== raw.replace(/=+$/, '')) {
          problems.push(`data key "${key}" is not valid base64`);
          continue;
        }
        const text = bytes.toString('utf8');
        if (!Buffer.from(text, 'utf8').equals(bytes)) {
          problems.push(`data key "${key}" is binary (not UTF-8 text): KV holds text, so it could not be rendered back byte for byte`);
          continue;
        }
        s.data[key] = text;
      }
    }
    if (isMap(stringData)) {
      for (const p of stringData.items) {
        if (!isPair(p)) continue;
        const key = str(p.key) ?? '';
        s.data[key] = isScalar(p.value) && p.value.value !== null ? String(p.value.value) : '';
      }
    }
    for (const key of Object.keys(s.data)) if (!/^[-._a-zA-Z0-9]+$/.test(key)) problems.push(`key "${key}" is not a valid Secret key`);
    if (problems.length > 0) s.problem = problems.join('; ');
    out.push(s);
  });
  return out;
}
