// AdmissionReview (admission.k8s.io/v1) in -> AdmissionReview out. A pod without the opt-in
// annotation, already injected, or in kube-system/kube-public is allowed unchanged; a pod with a
// malformed annotation is denied (allowed: false, status 400) with every annotation at fault and
// its fix; otherwise the answer carries a base64 JSONPatch (patchType: JSONPatch).
// A body that is not an AdmissionReview gets an HTTP 400 instead: without request.uid there is no
// answer the API server could accept, and it then applies the webhook's failurePolicy.

import { buildPlan, shouldInject, type AnnotationError, type InjectorSettings } from '../annotations/index.js';
import type { Pod } from '../pod.js';
import { ContainerPatchError } from './containers.js';
import { buildPatch } from './patch.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string; reason?: string };
  patchType?: 'JSONPatch';
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewOut {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

/** What happened, for logs and metrics (never a secret: annotation names and namespaces only). */
export type Outcome = 'injected' | 'skipped' | 'denied';

export type ReviewResult =
  | { http: 200; body: AdmissionReviewOut; outcome: Outcome; namespace: string; errors?: AnnotationError[]; reason?: string }
  | { http: 400; body: { error: string } };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(error: string): ReviewResult {
  return { http: 400, body: { error } };
}

/** Joins annotation errors into one message the user sees in `kubectl` output. */
export function denialMessage(errors: readonly AnnotationError[]): string {
  return `Coffer's injector refused the pod: ${errors.map((e) => `${e.annotation}: ${e.message}`).join('; ')}`;
}

export function review(input: unknown, settings: InjectorSettings): ReviewResult {
  if (!isRecord(input)) return bad('the body is not a JSON object: send an AdmissionReview (admission.k8s.io/v1)');
  if (input.kind !== 'AdmissionReview') return bad(`kind is ${JSON.stringify(input.kind)}: send an AdmissionReview (admission.k8s.io/v1)`);
  if (input.apiVersion !== ADMISSION_API_VERSION) return bad(`apiVersion ${JSON.stringify(input.apiVersion)} is not supported: use ${ADMISSION_API_VERSION} (admissionReviewVersions: ["v1"])`);
  const req = input.request;
  if (!isRecord(req) || typeof req.uid !== 'string' || req.uid === '') return bad('request.uid is missing: not an AdmissionReview request');
  const uid = req.uid;
  const namespaceRaw = typeof req.namespace === 'string' ? req.namespace : '';
  const answer = (r: Omit<AdmissionResponse, 'uid'>, outcome: Outcome, extra: { errors?: AnnotationError[]; reason?: string } = {}): ReviewResult => ({
    http: 200,
    body: { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response: { uid, ...r } },
    outcome,
    namespace: namespaceRaw,
    ...extra,
  });
  const kind = isRecord(req.kind) ? req.kind : {};
  if (kind.kind !== 'Pod' || (kind.group ?? '') !== '' || (req.operation !== undefined && req.operation !== 'CREATE')) {
    return answer({ allowed: true }, 'skipped', { reason: 'not a pod creation' });
  }
  const obj = req.object;
  if (!isRecord(obj) || !isRecord(obj.spec) || !Array.isArray(obj.spec.containers)) {
    return answer({ allowed: false, status: { code: 400, message: "Coffer's injector: request.object is not a Pod with spec.containers" } }, 'denied');
  }
  const pod = obj as Pod;
  const annotations = pod.metadata?.annotations;
  if (annotations !== undefined && (!isRecord(annotations) || !Object.values(annotations).every((v) => typeof v === 'string'))) {
    return answer({ allowed: false, status: { code: 400, message: "Coffer's injector: metadata.annotations must map names to strings" } }, 'denied');
  }
  const namespace = namespaceRaw || pod.metadata?.namespace || 'default';
  const decision = shouldInject(pod, namespace);
  if ('errors' in decision) return answer({ allowed: false, status: { code: 400, reason: 'BadRequest', message: denialMessage(decision.errors) } }, 'denied', { errors: decision.errors });
  if (!decision.inject) {
    return answer({ allowed: true, ...(decision.warning ? { warnings: [decision.warning] } : {}) }, 'skipped', { reason: decision.reason });
  }
  const built = buildPlan(pod, namespace, settings);
  if ('errors' in built) return answer({ allowed: false, status: { code: 400, reason: 'BadRequest', message: denialMessage(built.errors) } }, 'denied', { errors: built.errors });
  let patch;
  try {
    patch = buildPatch(pod, built.plan);
  } catch (e) {
    if (!(e instanceof ContainerPatchError)) throw e;
    return answer({ allowed: false, status: { code: 400, reason: 'BadRequest', message: denialMessage([e.error]) } }, 'denied', { errors: [e.error] });
  }
  return answer(
    { allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch.ops), 'utf8').toString('base64'), ...(patch.warnings.length > 0 ? { warnings: patch.warnings } : {}) },
    'injected',
  );
}
