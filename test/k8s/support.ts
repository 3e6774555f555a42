// Helpers for the injector tests: pods as the API server hands them to webhooks (with the
// kube-api-access-* token volume already added), AdmissionReviews, applying the returned JSON
// Patch with fast-json-patch, and loading an injected container's VAULT_CONFIG with the agent's
// real configuration loader.

import fastJsonPatch from 'fast-json-patch';
import { configFromEnv, loadAgentConfig, type AgentConfig } from '../../src/agent/config/index.js';
import { defaultSettings, type InjectorSettings } from '../../src/k8s/annotations/index.js';
import { review, type AdmissionResponse } from '../../src/k8s/injector/index.js';
import type { Container, Pod } from '../../src/k8s/pod.js';
import { validatePod } from './validate.js';

export const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

export function makePod(annotations: Record<string, string>, extra: { containers?: Container[]; initContainers?: Container[]; noToken?: boolean } = {}): Pod {
  const tokenMount = { name: 'kube-api-access-x7k2p', mountPath: SA_MOUNT, readOnly: true };
  const containers = extra.containers ?? [{ name: 'app', image: 'nginx:1.27', volumeMounts: extra.noToken ? [] : [tokenMount] }];
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'app-7d9f', namespace: 'shop', annotations },
    spec: {
      serviceAccountName: 'app',
      containers,
      volumes: extra.noToken
        ? []
        : [{ name: 'kube-api-access-x7k2p', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } as { path: string } }] } }],
    },
  };
  if (extra.initContainers) pod.spec!.initContainers = extra.initContainers;
  return pod;
}

export function admissionReview(pod: unknown, namespace = 'shop', uid = '705ab4f5-6393-11e8-b7cc-42010a800002'): Record<string, unknown> {
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      operation: 'CREATE',
      object: pod,
      dryRun: false,
    },
  };
}

export const SETTINGS: InjectorSettings = defaultSettings({ vaultAddress: 'https://coffer.coffer.svc:8200', image: 'coffer:0.1.0' });

export interface Admitted {
  response: AdmissionResponse;
  patch: fastJsonPatch.Operation[];
  pod: Pod;
}

/** Runs the pod through the webhook, applies the patch to a copy, validates the result. */
export function admit(pod: Pod, settings: InjectorSettings = SETTINGS, namespace = 'shop'): Admitted {
  const r = review(admissionReview(pod, namespace), settings);
  if (r.http !== 200) throw new Error(`HTTP ${r.http}: ${JSON.stringify(r.body)}`);
  const response = r.body.response;
  const patch: fastJsonPatch.Operation[] = response.patch ? JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) : [];
  const patched = fastJsonPatch.applyPatch(structuredClone(pod), patch, true, false).newDocument as Pod;
  if (response.allowed && patch.length > 0) validatePod(patched);
  return { response, patch, pod: patched };
}

export function container(pod: Pod, name: string): Container | undefined {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === name);
}

/** The container's VAULT_CONFIG as JSON, and as `coffer agent -config-env=VAULT_CONFIG` loads it. */
export function agentConfigOf(c: Container): { json: Record<string, unknown>; loaded: AgentConfig } {
  const value = c.env?.find((e) => e.name === 'VAULT_CONFIG')?.value;
  if (value === undefined) throw new Error(`${c.name} has no VAULT_CONFIG`);
  const json = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as Record<string, unknown>;
  const loaded = loadAgentConfig([], { inline: [configFromEnv('VAULT_CONFIG', value)], env: {} });
  return { json, loaded };
}
