// MutatingWebhookConfigurations (admissionregistration.k8s.io/v1, cluster-scoped) for the fake
// kube-apiserver: GET and PATCH with application/json-patch+json (RFC 6902: add, remove, replace,
// test; a failed op is 422, as the apiserver answers a patch it cannot apply) or
// application/merge-patch+json (RFC 7386). Every change bumps metadata.resourceVersion. A caBundle
// that is not base64 is refused (400) as the apiserver's []byte decoding refuses it.

import { badRequest, statusReply, type Reply } from './status.js';

export const MWC_GROUP = 'admissionregistration.k8s.io';
export const MWC_RESOURCE = 'mutatingwebhookconfigurations';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const mwcNotFound = (name: string): Reply =>
  statusReply(404, 'NotFound', `${MWC_RESOURCE}.${MWC_GROUP} "${name}" not found`, { name, group: MWC_GROUP, kind: MWC_RESOURCE });

const unprocessable = (message: string): Reply => statusReply(422, 'Invalid', message);

function unescape(tok: string): string {
  return tok.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Applies one RFC 6902 op in place on a clone; a string is the error. */
function applyOp(doc: Json, op: Record<string, Json>): Json | string {
  const path = op['path'];
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) return `invalid path ${JSON.stringify(path)}`;
  const toks = path === '' ? [] : path.slice(1).split('/').map(unescape);
  if (toks.length === 0) return op['op'] === 'test' ? (JSON.stringify(doc) === JSON.stringify(op['value']) ? doc : 'testing value failed') : 'cannot replace the whole document';
  let parent: Json = doc;
  for (const t of toks.slice(0, -1)) {
    if (Array.isArray(parent)) parent = parent[Number(t)] as Json;
    else if (isObj(parent)) parent = parent[t] as Json;
    else return `doc is missing path: "${path}"`;
    if (parent === undefined) return `doc is missing path: "${path}"`;
  }
  const last = toks[toks.length - 1]!;
  const kind = op['op'];
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : /^\d+$/.test(last) ? Number(last) : NaN;
    if (Number.isNaN(i)) return `invalid array index ${last}`;
    if (kind === 'add') {
      if (i > parent.length) return `index out of bounds: ${i}`;
      parent.splice(i, 0, op['value'] as Json);
    } else if (i >= parent.length) return `doc is missing path: "${path}"`;
    else if (kind === 'replace') parent[i] = op['value'] as Json;
    else if (kind === 'remove') parent.splice(i, 1);
    else if (kind === 'test') return JSON.stringify(parent[i]) === JSON.stringify(op['value']) ? doc : 'testing value failed';
    else return `unexpected kind: ${JSON.stringify(kind)}`;
    return doc;
  }
  if (!isObj(parent)) return `doc is missing path: "${path}"`;
  if (kind === 'add') parent[last] = op['value'] as Json;
  else if (!(last in parent)) return kind === 'test' ? 'testing value failed' : `doc is missing path: "${path}"`;
  else if (kind === 'replace') parent[last] = op['value'] as Json;
  else if (kind === 'remove') delete parent[last];
  else if (kind === 'test') return JSON.stringify(parent[last]) === JSON.stringify(op['value']) ? doc : 'testing value failed';
  else return `unexpected kind: ${JSON.stringify(kind)}`;
  return doc;
}

function mergePatch(target: Json, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Record<string, Json> = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k] ?? null, v);
  }
  return out;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** PATCH: the patched object, or the Reply to send instead. */
export function patchObject(current: Record<string, Json>, contentType: string, body: Buffer): Record<string, Json> | Reply {
  let patch: Json;
  try {
    patch = JSON.parse(body.toString('utf8')) as Json;
  } catch (e) {
    return badRequest(`error decoding patch: ${(e as Error).message}`);
  }
  let next: Json = JSON.parse(JSON.stringify(current)) as Json;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json-patch+json') {
    if (!Array.isArray(patch)) return badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    for (const op of patch) {
      if (!isObj(op)) return badRequest('json: cannot unmarshal into Go value of type jsonpatch.Operation');
      const r = applyOp(next, op);
      if (typeof r === 'string') return unprocessable(r);
      next = r;
    }
  } else if (type === 'application/merge-patch+json') {
    next = mergePatch(next, patch);
  } else {
    return statusReply(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
  }
  if (!isObj(next)) return badRequest('the patched object is not an object');
  const webhooks = Array.isArray(next['webhooks']) ? next['webhooks'] : [];
  for (const w of webhooks) {
    const ca = isObj(w) && isObj(w['clientConfig']) ? w['clientConfig']['caBundle'] : undefined;
    if (ca !== undefined && (typeof ca !== 'string' || !BASE64.test(ca))) return badRequest('illegal base64 data in webhooks[].clientConfig.caBundle');
  }
  return next;
}
