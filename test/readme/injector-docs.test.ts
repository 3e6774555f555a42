// Keeps README.md's injector docs honest: the tutorial's Deployment (marker `example
// injector-deployment`) really is injected as the text says, with the server commands beside it
// naming the same paths, role, service account and namespace; and the annotation tables (markers
// `table vault-annotations`, `table coffer-annotations`) list exactly the names in
// src/k8s/annotations/names.ts, with the status names.ts gives them and the defaults the plan uses.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { buildPlan, defaultSettings, RESOURCE_DEFAULTS, type InjectionPlan } from '../../src/k8s/annotations/index.js';
import { ALL_COFFER, ALL_VAULT_EXACT, AUTH_CONFIG_FAMILY, ENV_FAMILY, NO_EFFECT, NOT_YET, NOT_YET_FAMILIES, PER_SECRET_FAMILIES } from '../../src/k8s/annotations/names.js';
import type { Container, Pod } from '../../src/k8s/pod.js';
import { validateStrict } from '../support/k8s-schema.js';
import { COFFER_BIN } from '../support/server.js';
import { admit, agentConfigOf, container, SA_MOUNT, SETTINGS } from '../k8s/support.js';
import { markedExample, markedTable, parseReadme } from './blocks.js';

const README_TEXT = readFileSync(join(resolve(dirname(COFFER_BIN), '..'), 'README.md'), 'utf8');

interface Deployment {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: { template: { metadata: NonNullable<Pod['metadata']>; spec: NonNullable<Pod['spec']> } };
}

const example = markedExample(README_TEXT, 'injector-deployment');
const deployment = parse(example.code) as Deployment;
const TOKEN_VOLUME = 'kube-api-access-9xq2d';

/** The pod the Deployment's ReplicaSet creates, as the API server hands it to the webhook (token volume added). */
function podOf(d: Deployment): Pod {
  const spec = structuredClone(d.spec.template.spec);
  spec.containers = spec.containers.map((c: Container) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), { name: TOKEN_VOLUME, mountPath: SA_MOUNT, readOnly: true }] }));
  spec.volumes = [...(spec.volumes ?? []), { name: TOKEN_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } as { path: string } }] } }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...structuredClone(d.spec.template.metadata), name: `${d.metadata.name}-5d8c7b9f4-x2k8q`, namespace: d.metadata.namespace }, spec };
}

const ann = (key: string): string => {
  const v = deployment.spec.template.metadata.annotations?.[`vault.hashicorp.com/${key}`];
  assert.ok(v !== undefined, `the README's Deployment has no vault.hashicorp.com/${key}`);
  return v;
};

describe("README: the tutorial's Deployment with the injector", () => {
  it('is one strictly valid apps/v1 Deployment, with no init container, ConfigMap or volume of its own', () => {
    assert.equal(example.lang, 'yaml');
    assert.equal(deployment.kind, 'Deployment');
    assert.deepEqual(validateStrict(deployment), []);
    assert.equal(deployment.spec.template.spec.initContainers, undefined);
    assert.equal(deployment.spec.template.spec.volumes, undefined);
    assert.doesNotMatch(example.code, /ConfigMap|configMap/);
  });

  for (const [mode, settings] of [
    ['classic (Kubernetes version unknown)', SETTINGS],
    ['native sidecar (Kubernetes 1.30)', defaultSettings({ ...SETTINGS, kubeVersion: { major: 1, minor: 30 } })],
  ] as const) {
    it(`${mode}: injected, logging in at auth/kube-policy as my-role and rendering the file the app sources`, () => {
      const { response, pod } = admit(podOf(deployment), settings, deployment.metadata.namespace);
      assert.equal(response.allowed, true, JSON.stringify(response.status));
      assert.deepEqual(validateStrict(pod), []);
      const native = settings.kubeVersion !== undefined;
      assert.deepEqual(pod.spec!.initContainers!.map((c) => c.name), [native ? 'vault-agent' : 'vault-agent-init']);
      assert.deepEqual(pod.spec!.containers.map((c) => c.name), native ? ['cloudwatch-exporter'] : ['cloudwatch-exporter', 'vault-agent']);
      if (native) assert.equal(container(pod, 'vault-agent')!.restartPolicy, 'Always');
      assert.equal(pod.metadata!.annotations!['vault.hashicorp.com/agent-inject-status'], 'injected');

      const agents = [container(pod, 'vault-agent')!, ...(native ? [] : [container(pod, 'vault-agent-init')!])];
      for (const agent of agents) {
        const { loaded } = agentConfigOf(agent);
        assert.equal(loaded.autoAuth!.method.type, 'kubernetes');
        assert.equal(loaded.autoAuth!.method.mountPath, 'auth/kube-policy');
        assert.equal(loaded.autoAuth!.method.config.role, 'my-role');
        assert.deepEqual(loaded.templates.map((t) => t.destination), ['/vault/secrets/cloudwatch-secrets']);
        assert.match(loaded.templates[0]!.text ?? '', /with secret "secret\/data\/myapp\/config"[\s\S]*\.Data\.data\.aws_access_key_id/);
      }
      const app = container(pod, 'cloudwatch-exporter')!;
      assert.ok(app.volumeMounts!.some((m) => m.name === 'vault-secrets' && m.mountPath === '/vault/secrets'), JSON.stringify(app.volumeMounts));
      assert.ok(app.command!.join(' ').includes('source /vault/secrets/cloudwatch-secrets '), 'the app sources the rendered file');
    });
  }

  it("the server commands beside it grant the template's path and bind the Deployment's service account and namespace on its auth path", () => {
    const block = parseReadme(README_TEXT).find((b) => b.line > example.line && b.code.includes('coffer policy write'));
    assert.ok(block, 'no sh block with coffer policy write after the Deployment');
    const secretPath = ann('agent-inject-secret-cloudwatch-secrets');
    assert.ok(ann('agent-inject-template-cloudwatch-secrets').includes(`with secret "${secretPath}"`));
    assert.ok(block.code.includes(`path "${secretPath}" {`), block.code);
    assert.match(block.code, /capabilities = \["read"\]/);
    const policy = /coffer policy write (\S+)/.exec(block.code)![1]!;
    assert.ok(block.code.includes(`coffer write ${ann('auth-path')}/role/${ann('role')} `), block.code);
    assert.ok(block.code.includes(`bound_service_account_names=${deployment.spec.template.spec.serviceAccountName} `), block.code);
    assert.ok(block.code.includes(`bound_service_account_namespaces=${deployment.metadata.namespace} `), block.code);
    assert.ok(block.code.includes(`token_policies=${policy} `), block.code);
    const kvPut = /coffer kv put secret\/(\S+)/.exec(block.code)![1]!;
    assert.equal(`secret/data/${kvPut}`, secretPath);
  });
});

const strip = (cell: string): string => cell.replace(/^`|`$/g, '');

/** The Default cell's value: undefined for "—", the first `code` when it starts with one, else null (prose). */
function defaultOf(cell: string): string | undefined | null {
  if (cell.startsWith('—')) return undefined;
  const m = /^`([^`]*)`/.exec(cell);
  return m ? m[1]! : null;
}

function planOf(extra: Record<string, string> = {}): InjectionPlan {
  const pod: Pod = {
    metadata: { annotations: { 'vault.hashicorp.com/agent-inject': 'true', 'vault.hashicorp.com/role': 'r', 'vault.hashicorp.com/agent-inject-secret-DB': 'secret/data/db', ...extra } },
    spec: { containers: [{ name: 'app', image: 'a', volumeMounts: [{ name: TOKEN_VOLUME, mountPath: SA_MOUNT, readOnly: true }] }] },
  };
  const out = buildPlan(pod, 'shop', defaultSettings({ vaultAddress: 'https://coffer.coffer.svc:8200' }));
  if (!('plan' in out)) throw new Error(JSON.stringify(out.errors));
  return out.plan;
}

describe('README: the annotation tables match names.ts and the defaults the plan uses', () => {
  const vault = markedTable(README_TEXT, 'vault-annotations');
  const coffer = markedTable(README_TEXT, 'coffer-annotations');
  const vaultRows = new Map(vault.rows.map((r) => [strip(r[0]!), r]));
  const cofferRows = new Map(coffer.rows.map((r) => [strip(r[0]!), r]));

  it("vault-k8s's table: every name in names.ts, and no other, once each", () => {
    assert.deepEqual(vault.header, ['Annotation', 'Default', 'Coffer', 'Notes']);
    const expected = new Set([...ALL_VAULT_EXACT, ...PER_SECRET_FAMILIES.map((f) => `${f}-NAME`), `${AUTH_CONFIG_FAMILY}-KEY`, ...Object.keys(NOT_YET_FAMILIES).map((f) => `${f}-KEY`)]);
    assert.equal(vaultRows.size, vault.rows.length, 'a name appears twice in the table');
    assert.deepEqual([...vaultRows.keys()].sort(), [...expected].sort());
  });

  it("each row's status is the one names.ts gives; a not-yet annotation's default is the one it accepts", () => {
    // plan.ts checks agent-revoke-grace is a whole number, and nothing reads it.
    const checkedOnly = ['agent-revoke-grace'];
    for (const [name, row] of vaultRows) {
      const ny = NOT_YET[name];
      const family = Object.keys(NOT_YET_FAMILIES).find((f) => name === `${f}-KEY`);
      const want = ny ? 'default only' : family ? 'not yet' : NO_EFFECT.includes(name) || checkedOnly.includes(name) ? 'no effect' : 'honoured';
      assert.equal(row[2], want, `${name}: status`);
      if (ny) assert.equal(defaultOf(row[1]!), ny.default === '' ? undefined : ny.default, `${name}: default`);
    }
  });

  it("each default the table states is the plan's with no annotation", () => {
    const p = planOf();
    const s = defaultSettings();
    const str = (v: unknown): string | undefined => (v === undefined ? undefined : String(v));
    const fromPlan: Record<string, string | undefined> = {
      'auth-path': p.auth.mountPath,
      'auth-type': p.auth.type,
      'agent-inject-default-template': p.secrets[0]!.template!.includes('range $k, $v := .Data') ? 'map' : 'json',
      'agent-inject-token': str(p.injectToken),
      'agent-pre-populate': str(p.init),
      'agent-pre-populate-only': str(!p.sidecar),
      'agent-init-first': str(p.initFirst),
      'agent-configmap': p.configMap,
      'secret-volume-path': p.secretVolumePath,
      'preserve-secret-case': str(p.secrets[0]!.name !== 'db'),
      'agent-limits-cpu': p.resources.limits.cpu,
      'agent-limits-mem': p.resources.limits.memory,
      'agent-limits-ephemeral': p.resources.limits['ephemeral-storage'],
      'agent-requests-cpu': p.resources.requests.cpu,
      'agent-requests-mem': p.resources.requests.memory,
      'agent-requests-ephemeral': p.resources.requests['ephemeral-storage'],
      'agent-run-as-user': str(p.securityContext?.runAsUser),
      'agent-run-as-group': str(p.securityContext?.runAsGroup),
      'agent-run-as-same-user': str(s.runAsSameUser),
      'agent-set-security-context': str(p.securityContext !== undefined),
      'tls-skip-verify': str(p.vault.tlsSkipVerify),
      'ca-cert': p.vault.caCert,
      'tls-secret': p.tlsSecret,
      'template-config-exit-on-retry-failure': str(p.templateConfig.exitOnRetryFailure),
      'template-static-secret-render-interval': p.templateConfig.staticSecretRenderInterval,
      'template-lease-renewal-threshold': str(p.templateConfig.leaseRenewalThreshold),
      'auth-min-backoff': p.auth.minBackoff,
      'auth-max-backoff': p.auth.maxBackoff,
      'agent-auto-auth-exit-on-err': str(p.auth.exitOnErr),
      'log-level': p.logLevel,
      'agent-json-patch': str(p.jsonPatch),
      'agent-init-json-patch': str(p.initJsonPatch),
      'agent-revoke-on-shutdown': str(p.revokeOnShutdown),
      'agent-image': p.image,
      'error-on-missing-key-NAME': str(p.secrets[0]!.errorOnMissingKey),
    };
    for (const [name, want] of Object.entries(fromPlan)) {
      const row = vaultRows.get(name);
      assert.ok(row, `${name} has no row`);
      assert.equal(defaultOf(row[1]!), want, `${name}: the table's default`);
    }
    assert.equal(defaultOf(vaultRows.get('agent-revoke-grace')![1]!), '5');
  });

  it("Coffer's table: every coffer.dev/ name, once each, with the plan's defaults", () => {
    assert.deepEqual(coffer.header, ['Annotation', 'Default', 'What it does']);
    assert.equal(cofferRows.size, coffer.rows.length, 'a name appears twice in the table');
    assert.deepEqual([...cofferRows.keys()].sort(), [...ALL_COFFER, `${ENV_FAMILY}-VAR`].sort());
    const p = planOf();
    assert.equal(defaultOf(cofferRows.get('fail-fast')![1]!), String(p.failFast));
    assert.equal(defaultOf(cofferRows.get('readiness-port')![1]!), String(p.readinessPort));
    assert.equal(defaultOf(cofferRows.get('resource-defaults')![1]!), 'coffer');
    assert.deepEqual(planOf({ 'coffer.dev/resource-defaults': 'coffer' }).resources, p.resources);
    assert.equal(p.resources.requests.cpu, RESOURCE_DEFAULTS.cpuRequest);
    assert.notDeepEqual(planOf({ 'coffer.dev/resource-defaults': 'vault-k8s' }).resources, p.resources);
    assert.equal(p.native, false, 'native-sidecar: off when the Kubernetes version is unknown');
  });
});

describe('readme-test markers for content other tests read', () => {
  it('example and table markers are found; a marker above nothing of its kind, or unknown, is an error with its line', () => {
    const text = 'x\n<!-- readme-test: example demo -->\n```yaml\na: 1\n```\n<!-- readme-test: table t -->\n| A | B |\n|---|---|\n| `x` | 1 |\n\n';
    assert.deepEqual(markedExample(text, 'demo'), { line: 3, lang: 'yaml', code: 'a: 1' });
    assert.deepEqual(markedTable(text, 't'), { line: 7, header: ['A', 'B'], rows: [['`x`', '1']] });
    assert.deepEqual(parseReadme(text), []);
    assert.throws(() => parseReadme('<!-- readme-test: examples demo -->\n```yaml\na: 1\n```\n'), /README.md:1: marker "examples demo" is not above a shell block/);
    assert.throws(() => parseReadme('<!-- readme-test: example demo -->\n```sh\necho\n```\n'), /README.md:1: "example demo" must be right above a non-shell code block/);
    assert.throws(() => parseReadme('<!-- readme-test: table t -->\n\n| A |\n'), /README.md:1: "table t" must be right above a table/);
    assert.throws(() => markedExample(text, 'other'), /no <!-- readme-test: example other --> marker/);
  });
});
