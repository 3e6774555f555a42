// A strict Kubernetes schema check for tests: an object must satisfy the OpenAPI schema of its
// apiVersion/kind AND carry no field that the schema does not declare (the API server's
// `fieldValidation=Strict`). kubernetes-models ships its schemas as ajv standalone code (no JSON
// schema to set `additionalProperties: false` on), and that code accepts unknown fields. So we run
// it on a copy of the object in which every plain object is a Proxy that records which keys the
// validator reads: the generated code reads each declared property (`void 0 !== data.name`) and,
// for a map (`additionalProperties: {type: string}`, e.g. labels, annotations, ConfigMap data),
// every key it holds. A key that was never read is a field the schema does not know.

import { validate as pod } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Pod';
import { validate as service } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Service';
import { validate as configMap } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ConfigMap';
import { validate as secret } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Secret';
import { validate as serviceAccount } from 'kubernetes-models/_schemas/IoK8sApiCoreV1ServiceAccount';
import { validate as namespace } from 'kubernetes-models/_schemas/IoK8sApiCoreV1Namespace';
import { validate as pvc } from 'kubernetes-models/_schemas/IoK8sApiCoreV1PersistentVolumeClaim';
import { validate as statefulSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1StatefulSet';
import { validate as deployment } from 'kubernetes-models/_schemas/IoK8sApiAppsV1Deployment';
import { validate as daemonSet } from 'kubernetes-models/_schemas/IoK8sApiAppsV1DaemonSet';
import { validate as job } from 'kubernetes-models/_schemas/IoK8sApiBatchV1Job';
import { validate as clusterRole } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRole';
import { validate as clusterRoleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1ClusterRoleBinding';
import { validate as role } from 'kubernetes-models/_schemas/IoK8sApiRbacV1Role';
import { validate as roleBinding } from 'kubernetes-models/_schemas/IoK8sApiRbacV1RoleBinding';
import { validate as mutatingWebhook } from 'kubernetes-models/_schemas/IoK8sApiAdmissionregistrationV1MutatingWebhookConfiguration';
import { validate as validatingWebhook } from 'kubernetes-models/_schemas/IoK8sApiAdmissionregistrationV1ValidatingWebhookConfiguration';
import { validate as pdb } from 'kubernetes-models/_schemas/IoK8sApiPolicyV1PodDisruptionBudget';
import { validate as networkPolicy } from 'kubernetes-models/_schemas/IoK8sApiNetworkingV1NetworkPolicy';

/** One error as ajv's generated code reports it. */
interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}

/** A generated validator: returns true when valid, and leaves its errors on itself. */
export type CompiledValidator = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

const V = (fn: (data: unknown) => boolean): CompiledValidator => fn as CompiledValidator;

/** The kinds we can check, by `apiVersion/kind`. */
export const VALIDATORS: Readonly<Record<string, CompiledValidator>> = {
  'v1/Pod': V(pod),
  'v1/Service': V(service),
  'v1/ConfigMap': V(configMap),
  'v1/Secret': V(secret),
  'v1/ServiceAccount': V(serviceAccount),
  'v1/Namespace': V(namespace),
  'v1/PersistentVolumeClaim': V(pvc),
  'apps/v1/StatefulSet': V(statefulSet),
  'apps/v1/Deployment': V(deployment),
  'apps/v1/DaemonSet': V(daemonSet),
  'batch/v1/Job': V(job),
  'rbac.authorization.k8s.io/v1/ClusterRole': V(clusterRole),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': V(clusterRoleBinding),
  'rbac.authorization.k8s.io/v1/Role': V(role),
  'rbac.authorization.k8s.io/v1/RoleBinding': V(roleBinding),
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': V(mutatingWebhook),
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': V(validatingWebhook),
  'policy/v1/PodDisruptionBudget': V(pdb),
  'networking.k8s.io/v1/NetworkPolicy': V(networkPolicy),
};

interface Tracked {
  path: string;
  target: Record<string, unknown>;
  read: Set<string>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A deep copy of `value` whose plain objects record the keys read from them into `tracked`. */
function track(value: unknown, path: string, tracked: Tracked[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => track(item, `${path}/${i}`, tracked));
  if (!isPlainObject(value)) return value;
  const target: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) target[k] = track(v, `${path}/${escape(k)}`, tracked);
  const read = new Set<string>();
  tracked.push({ path, target, read });
  return new Proxy(target, {
    get(t, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return Reflect.get(t, key, receiver);
    },
  });
}

/** JSON Pointer escaping, as ajv's instancePath uses. */
function escape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function describe(e: AjvError): string {
  const p = e.params;
  const detail =
    e.keyword === 'required'
      ? `missing required field "${String(p.missingProperty)}"`
      : e.keyword === 'type'
        ? `must be ${String(p.type)}`
        : e.keyword === 'enum'
          ? `must be one of ${JSON.stringify(p.allowedValues)}`
          : `${e.keyword} ${JSON.stringify(p)}`;
  return `${e.instancePath || '/'}: ${detail}`;
}

/** Checks `obj` with one generated validator, strictly: schema errors plus unknown fields. */
export function strictCheck(validator: CompiledValidator, obj: unknown): string[] {
  const tracked: Tracked[] = [];
  const ok = validator(track(obj, '', tracked));
  const errors = ok ? [] : (validator.errors ?? []).map(describe);
  for (const t of tracked) {
    for (const key of Object.keys(t.target)) {
      if (!t.read.has(key)) errors.push(`${t.path}/${escape(key)}: unknown field "${key}"`);
    }
  }
  return errors;
}

/**
 * Validates a Kubernetes object against the schema of its apiVersion and kind, rejecting unknown
 * fields at any depth. Returns the errors (JSON Pointer, then what is wrong); empty when valid.
 */
export function validateStrict(obj: unknown): string[] {
  if (!isPlainObject(obj)) return ['/: a Kubernetes object must be a JSON object'];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['/: apiVersion and kind must be strings'];
  const validator = VALIDATORS[`${apiVersion}/${kind}`];
  if (!validator) return [`/: no schema here for ${apiVersion} ${kind} (known: ${Object.keys(VALIDATORS).join(', ')})`];
  return strictCheck(validator, obj);
}
