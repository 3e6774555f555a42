// The two reads a login may need besides the TokenReview, each behind a one-method interface:
// a namespace's labels (bound_service_account_namespace_selector) and a service account's
// annotations (use_annotations_as_alias_metadata).

import { CofferError } from '../../framework/index.js';
import { KubeHttp, statusMessage } from './kube_http.js';
import { readForbidden } from './rbac_hint.js';
import type { KubeTarget } from './types.js';

export interface NamespaceLookup {
  /** The namespace's labels, or null when it does not exist. */
  labels(target: KubeTarget, namespace: string): Promise<Record<string, string> | null>;
}

export interface ServiceAccountLookup {
  annotations(target: KubeTarget, namespace: string, name: string): Promise<Record<string, string>>;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

function metadataOf(json: unknown): { labels?: unknown; annotations?: unknown } {
  const md = typeof json === 'object' && json !== null ? (json as { metadata?: unknown }).metadata : undefined;
  return typeof md === 'object' && md !== null ? (md as { labels?: unknown; annotations?: unknown }) : {};
}

export class KubeLookupsApi implements NamespaceLookup, ServiceAccountLookup {
  constructor(private readonly http: KubeHttp) {}

  async labels(target: KubeTarget, namespace: string): Promise<Record<string, string> | null> {
    const res = await this.http.request(target, 'GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`);
    if (res.status === 403) throw new CofferError(403, `permission denied: ${readForbidden('namespaces', 'bound_service_account_namespace_selector', statusMessage(res), target)}`);
    if (res.status === 404) return null;
    if (res.status !== 200) throw new CofferError(500, `reading namespace "${namespace}" from the Kubernetes API failed (${res.status}): ${statusMessage(res)}`);
    return stringMap(metadataOf(res.json).labels);
  }

  async annotations(target: KubeTarget, namespace: string, name: string): Promise<Record<string, string>> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/serviceaccounts/${encodeURIComponent(name)}`;
    const res = await this.http.request(target, 'GET', path);
    if (res.status === 403) throw new CofferError(403, `permission denied: ${readForbidden('serviceaccounts', 'use_annotations_as_alias_metadata', statusMessage(res), target)}`);
    if (res.status !== 200) throw new CofferError(500, `reading service account ${namespace}/${name} from the Kubernetes API failed (${res.status}): ${statusMessage(res)}`);
    return stringMap(metadataOf(res.json).annotations);
  }
}
