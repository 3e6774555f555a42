// The injector end to end in-process: AdmissionReview in, JSONPatch out, applied to the pod and
// validated against Kubernetes' schemas; every injected VAULT_CONFIG loaded by the agent's real
// configuration loader; vault-k8s's defaults; Coffer's native sidecar; what is never mutated; and
// malformed annotations and garbage requests.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { defaultSettings } from '../../src/k8s/annotations/index.js';
import { review } from '../../src/k8s/injector/index.js';
import { admissionReview, admit, agentConfigOf, container, makePod, SA_MOUNT, SETTINGS } from './support.js';

const V = 'vault.hashicorp.com/';
const base = { [`${V}agent-inject`]: 'true', [`${V}role`]: 'app', [`${V}agent-inject-secret-db.txt`]: 'secret/data/shop/db' };
const NATIVE = defaultSettings({ ...SETTINGS, kubeVersion: { major: 1, minor: 30 } });

describe('injector: vault-k8s defaults (classic: Kubernetes version unknown)', () => {
  const { response, pod } = admit(makePod(base));
  it('allows with a JSONPatch', () => {
    assert.equal(response.allowed, true);
    assert.equal(response.patchType, 'JSONPatch');
    assert.equal(response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
  });
  it('adds vault-agent-init (last init container) and vault-agent, from the Coffer image, shell-free', () => {
    const init = container(pod, 'vault-agent-init')!;
    const side = container(pod, 'vault-agent')!;
    assert.deepEqual(pod.spec!.initContainers!.map((c) => c.name), ['vault-agent-init']);
    assert.deepEqual(pod.spec!.containers.map((c) => c.name), ['app', 'vault-agent']);
    for (const c of [init, side]) {
      assert.equal(c.image, 'coffer:0.1.0');
      assert.deepEqual(c.command, ['coffer', 'agent', '-config-env=VAULT_CONFIG']);
      assert.equal(c.restartPolicy, undefined);
    }
  });
  it('mounts vault-secrets (memory emptyDir) at /vault/secrets in the app, and the SA token where the app has it', () => {
    assert.deepEqual(pod.spec!.volumes!.find((v) => v.name === 'vault-secrets'), { name: 'vault-secrets', emptyDir: { medium: 'Memory' } });
    assert.ok(container(pod, 'app')!.volumeMounts!.some((m) => m.name === 'vault-secrets' && m.mountPath === '/vault/secrets'));
    for (const n of ['vault-agent-init', 'vault-agent']) {
      const mounts = container(pod, n)!.volumeMounts!;
      assert.ok(mounts.some((m) => m.name === 'kube-api-access-x7k2p' && m.mountPath === SA_MOUNT && m.readOnly === true), n);
      assert.ok(mounts.some((m) => m.mountPath === '/home/vault'), n);
    }
  });
  it("runs as vault-k8s's uid 100 / gid 1000, read-only root, no privilege escalation, all capabilities dropped", () => {
    assert.deepEqual(container(pod, 'vault-agent')!.securityContext, { runAsUser: 100, runAsGroup: 1000, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  });
  it("sizes resources to the agent's measured use (10m/64Mi requests, 500m/128Mi limits)", () => {
    assert.deepEqual(container(pod, 'vault-agent')!.resources, { requests: { cpu: '10m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } });
  });
  it('marks the pod agent-inject-status: injected', () => {
    assert.equal(pod.metadata!.annotations![`${V}agent-inject-status`], 'injected');
  });
  it('VAULT_CONFIG: init exits after auth, sidecar stays; both load in the agent as vault-k8s writes them', () => {
    const init = agentConfigOf(container(pod, 'vault-agent-init')!);
    const side = agentConfigOf(container(pod, 'vault-agent')!);
    assert.equal(init.loaded.exitAfterAuth, true);
    assert.equal(side.loaded.exitAfterAuth, false);
    const l = side.loaded;
    assert.equal(l.vault.address, 'https://coffer.coffer.svc:8200');
    assert.equal(l.autoAuth!.method.type, 'kubernetes');
    assert.equal(l.autoAuth!.method.mountPath, 'auth/kubernetes');
    assert.deepEqual(l.autoAuth!.method.config, { role: 'app', token_path: `${SA_MOUNT}/token` });
    assert.deepEqual(l.autoAuth!.sinks.map((s) => s.path), ['/home/vault/.vault-token']);
    assert.equal(l.pidFile, '/home/vault/.pid');
    assert.equal(l.templates.length, 1);
    assert.equal(l.templates[0]!.destination, '/vault/secrets/db.txt');
    assert.equal(l.templates[0]!.text, '{{ with secret "secret/data/shop/db" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\n{{ end }}{{ end }}');
    assert.equal(l.templateConfig.exitOnRetryFailure, true);
    assert.equal(l.templates[0]!.errorOnMissingKey, true, 'fail-fast: on by default');
    assert.equal(side.json.exit_after_auth, false);
  });
  it('a second admission of the injected pod changes nothing', () => {
    const again = admit(pod);
    assert.equal(again.response.allowed, true);
    assert.equal(again.response.patch, undefined);
    assert.deepEqual(again.pod, pod);
  });
});

describe('injector: Coffer native sidecar', () => {
  it('on Kubernetes >= 1.29: one vault-agent init container with restartPolicy Always and a startupProbe on /ready', () => {
    const { pod } = admit(makePod(base), NATIVE);
    assert.deepEqual(pod.spec!.initContainers!.map((c) => c.name), ['vault-agent']);
    assert.deepEqual(pod.spec!.containers.map((c) => c.name), ['app']);
    const c = container(pod, 'vault-agent')!;
    assert.equal(c.restartPolicy, 'Always');
    assert.deepEqual(c.startupProbe!.httpGet, { path: '/ready', port: 8250 });
    const cfg = agentConfigOf(c);
    assert.equal(cfg.loaded.exitAfterAuth, false);
    assert.deepEqual(cfg.loaded.readiness && { address: cfg.loaded.readiness.address }, { address: '0.0.0.0:8250' });
  });
  it('on 1.28 it stays classic; coffer.dev/native-sidecar: "false" opts out on 1.30; "true" opts in when the version is unknown', () => {
    assert.ok(container(admit(makePod(base), defaultSettings({ ...SETTINGS, kubeVersion: { major: 1, minor: 28 } })).pod, 'vault-agent-init'));
    const out = admit(makePod({ ...base, 'coffer.dev/native-sidecar': 'false' }), NATIVE).pod;
    assert.ok(container(out, 'vault-agent-init'));
    const on = admit(makePod({ ...base, 'coffer.dev/native-sidecar': 'true' })).pod;
    assert.equal(container(on, 'vault-agent')!.restartPolicy, 'Always');
  });
  it('native-sidecar "true" on a cluster known to be 1.27 is refused with the reason', () => {
    const r = admit(makePod({ ...base, 'coffer.dev/native-sidecar': 'true' }), defaultSettings({ ...SETTINGS, kubeVersion: { major: 1, minor: 27 } }));
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status!.message, /coffer\.dev\/native-sidecar: needs Kubernetes 1\.29/);
  });
  it('agent-pre-populate-only (Jobs) keeps the one exit_after_auth init container', () => {
    const { pod } = admit(makePod({ ...base, [`${V}agent-pre-populate-only`]: 'true' }), NATIVE);
    assert.deepEqual(pod.spec!.initContainers!.map((c) => c.name), ['vault-agent-init']);
    assert.equal(agentConfigOf(container(pod, 'vault-agent-init')!).loaded.exitAfterAuth, true);
  });
  it('agent-pre-populate: "false" keeps the native sidecar but does not make the app wait', () => {
    const c = container(admit(makePod({ ...base, [`${V}agent-pre-populate`]: 'false' }), NATIVE).pod, 'vault-agent')!;
    assert.equal(c.restartPolicy, 'Always');
    assert.equal(c.startupProbe, undefined);
  });
});

describe('injector: never mutates', () => {
  it('a pod without the opt-in annotation, or with agent-inject: "false"', () => {
    for (const ann of [{}, { [`${V}agent-inject`]: "false", [`${V}role`]: "x" }] as Record<string, string>[]) {
      const r = admit(makePod(ann));
      assert.equal(r.response.allowed, true);
      assert.equal(r.response.patch, undefined);
    }
  });
  it('a pod in kube-system or kube-public (allowed unchanged, with a warning)', () => {
    for (const ns of ['kube-system', 'kube-public']) {
      const r = admit(makePod(base), SETTINGS, ns);
      assert.equal(r.response.allowed, true);
      assert.equal(r.response.patch, undefined);
      assert.match(r.response.warnings![0]!, new RegExp(ns));
    }
  });
  it('anything but a pod CREATE', () => {
    const ar = admissionReview(makePod(base)) as { request: Record<string, unknown> };
    ar.request.operation = 'UPDATE';
    const r = review(ar, SETTINGS);
    assert.equal(r.http, 200);
    assert.equal(r.http === 200 && r.body.response.patch, undefined);
  });
});

describe('injector: bad input', () => {
  it('garbage that is no AdmissionReview: HTTP 400 (the API server then applies failurePolicy)', () => {
    for (const body of [null, 'x', [], {}, { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1beta1', request: { uid: 'u' } }, { kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1' }]) {
      const r = review(body, SETTINGS);
      assert.equal(r.http, 400, JSON.stringify(body));
    }
  });
  it('an AdmissionReview whose object is not a pod: allowed false with a message, uid echoed', () => {
    const r = review(admissionReview({ spec: 'nope' }), SETTINGS);
    assert.equal(r.http, 200);
    if (r.http !== 200) return;
    assert.equal(r.body.response.allowed, false);
    assert.equal(r.body.response.uid, '705ab4f5-6393-11e8-b7cc-42010a800002');
    assert.match(r.body.response.status!.message, /not a Pod/);
  });
  it('a malformed agent-inject value is denied naming it', () => {
    const r = admit(makePod({ ...base, [`${V}agent-inject`]: 'yes' }));
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status!.message, /vault\.hashicorp\.com\/agent-inject: must be "true" or "false", not "yes"/);
  });
  it('the kubernetes method without a mounted service-account token is denied with the fix', () => {
    const r = admit(makePod(base, { noToken: true }));
    assert.equal(r.response.allowed, false);
    assert.match(r.response.status!.message, /automountServiceAccountToken: true/);
  });
  it('every mistake is reported at once', () => {
    const r = admit(makePod({ ...base, [`${V}agent-limits-cpu`]: 'lots', [`${V}agent-inject-containres`]: 'app', [`${V}agent-inject-perms-db.txt`]: '999' }));
    assert.equal(r.response.allowed, false);
    const m = r.response.status!.message;
    assert.match(m, /agent-limits-cpu: must be a Kubernetes quantity/);
    assert.match(m, /agent-inject-containres: .*did you mean vault\.hashicorp\.com\/agent-inject-containers\?/);
    assert.match(m, /agent-inject-perms-db\.txt: must be an octal file mode/);
  });
});
