// Table tests: one row per vault-k8s (and coffer.dev/) annotation, each checked in the patched,
// schema-validated pod and in the agent configuration as the agent's real loader reads it.
// Defaults as vault-k8s's agent-inject/agent/{agent,config,container_sidecar}.go.

import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { AgentConfig } from '../../src/agent/config/index.js';
import type { Container, Pod } from '../../src/k8s/pod.js';
import { admit, agentConfigOf, container, makePod } from './support.js';

const V = 'vault.hashicorp.com/';
const base = { [`${V}agent-inject`]: 'true', [`${V}role`]: 'app', [`${V}agent-inject-secret-db`]: 'secret/data/shop/db' };
const dir = mkdtempSync(join(tmpdir(), 'coffer-inject-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const tmplFile = join(dir, 'db.ctmpl');
writeFileSync(tmplFile, '{{ with secret "secret/data/shop/db" }}{{ .Data.data.password }}{{ end }}');

interface Row {
  name: string;
  ann: Record<string, string>;
  check(pod: Pod, side: Container | undefined, cfg: AgentConfig | undefined): void;
  pod?: Parameters<typeof makePod>[1];
}

const rows: Row[] = [
  { name: 'role', ann: { [`${V}role`]: 'shop' }, check: (_p, _s, c) => assert.equal(c!.autoAuth!.method.config.role, 'shop') },
  { name: 'auth-path', ann: { [`${V}auth-path`]: 'auth/k8s-east' }, check: (_p, _s, c) => assert.equal(c!.autoAuth!.method.mountPath, 'auth/k8s-east') },
  { name: 'auth-type approle + auth-config-*', ann: { [`${V}auth-type`]: 'approle', [`${V}auth-config-role-id-file-path`]: '/vault/custom/role-id' }, check: (_p, _s, c) => {
    assert.equal(c!.autoAuth!.method.type, 'approle');
    assert.equal(c!.autoAuth!.method.config.role_id_file_path, '/vault/custom/role-id');
  } },
  { name: 'auth-config-token-path overrides the SA mount', ann: { [`${V}auth-config-token-path`]: '/var/run/secrets/tokens/vault' }, check: (_p, _s, c) => assert.equal(c!.autoAuth!.method.config.token_path, '/var/run/secrets/tokens/vault') },
  { name: 'agent-inject-secret-<name> (lowercased file name)', ann: { [`${V}agent-inject-secret-API-Key`]: 'secret/data/shop/api' }, check: (_p, _s, c) => assert.ok(c!.templates.some((t) => t.destination === '/vault/secrets/api-key')) },
  { name: 'preserve-secret-case', ann: { [`${V}agent-inject-secret-API-Key`]: 'secret/data/shop/api', [`${V}preserve-secret-case`]: 'true' }, check: (_p, _s, c) => assert.ok(c!.templates.some((t) => t.destination === '/vault/secrets/API-Key')) },
  { name: 'agent-inject-template-<name>', ann: { [`${V}agent-inject-template-db`]: '{{ with secret "secret/data/shop/db" }}{{ .Data.data.password }}{{ end }}' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.text, '{{ with secret "secret/data/shop/db" }}{{ .Data.data.password }}{{ end }}') },
  { name: 'agent-inject-template-file-<name>', ann: { [`${V}agent-inject-template-file-db`]: tmplFile }, check: (_p, _s, c) => {
    assert.equal(c!.templates[0]!.source, tmplFile);
    assert.match(c!.templates[0]!.text, /Data\.data\.password/);
  } },
  { name: 'agent-inject-file-<name>', ann: { [`${V}agent-inject-file-db`]: 'conf/db.env' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.destination, '/vault/secrets/conf/db.env') },
  { name: 'agent-inject-perms-<name>', ann: { [`${V}agent-inject-perms-db`]: '0400' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.perms, 0o400) },
  { name: 'agent-inject-command-<name>', ann: { [`${V}agent-inject-command-db`]: 'kill -HUP 1' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.command, 'kill -HUP 1') },
  { name: 'error-on-missing-key-<name> (false, as vault-k8s by default)', ann: { [`${V}error-on-missing-key-db`]: 'false' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.errorOnMissingKey, false) },
  { name: 'coffer.dev/fail-fast: "false" restores vault-k8s (no error on a missing key)', ann: { 'coffer.dev/fail-fast': 'false' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.errorOnMissingKey, false) },
  { name: 'agent-inject-default-template json', ann: { [`${V}agent-inject-default-template`]: 'json' }, check: (_p, _s, c) => assert.equal(c!.templates[0]!.text, '{{ with secret "secret/data/shop/db" }}{{ .Data | toJSON }}\n{{ end }}') },
  { name: 'agent-inject-containers', ann: { [`${V}agent-inject-containers`]: 'web' }, pod: { containers: [{ name: 'web', image: 'a', volumeMounts: [{ name: 'kube-api-access-x7k2p', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }] }, { name: 'metrics', image: 'b' }] }, check: (p) => {
    assert.ok(container(p, 'web')!.volumeMounts!.some((m) => m.name === 'vault-secrets'));
    assert.ok(!(container(p, 'metrics')!.volumeMounts ?? []).some((m) => m.name === 'vault-secrets'));
  } },
  { name: 'agent-inject-token', ann: { [`${V}agent-inject-token`]: 'true' }, check: (_p, _s, c) => assert.deepEqual(c!.autoAuth!.sinks.map((s) => s.path), ['/home/vault/.vault-token', '/vault/secrets/token']) },
  { name: 'agent-pre-populate: false (sidecar only)', ann: { [`${V}agent-pre-populate`]: 'false' }, check: (p) => {
    assert.equal(container(p, 'vault-agent-init'), undefined);
    assert.ok(container(p, 'vault-agent'));
  } },
  { name: 'agent-pre-populate-only (init only)', ann: { [`${V}agent-pre-populate-only`]: 'true' }, check: (p) => {
    assert.ok(container(p, 'vault-agent-init'));
    assert.equal(p.spec!.containers.find((c) => c.name === 'vault-agent'), undefined);
  } },
  { name: 'agent-init-first', ann: { [`${V}agent-init-first`]: 'true' }, pod: { initContainers: [{ name: 'migrate', image: 'm' }] }, check: (p) => {
    assert.deepEqual(p.spec!.initContainers!.map((c) => c.name), ['vault-agent-init', 'migrate']);
    assert.ok(container(p, 'migrate')!.volumeMounts!.some((m) => m.name === 'vault-secrets'));
  } },
  { name: 'init container last by default', ann: {}, pod: { initContainers: [{ name: 'migrate', image: 'm' }] }, check: (p) => assert.deepEqual(p.spec!.initContainers!.map((c) => c.name), ['migrate', 'vault-agent-init']) },
  { name: 'agent-configmap', ann: { [`${V}agent-configmap`]: 'shop-agent' }, check: (p, s) => {
    assert.deepEqual(p.spec!.volumes!.find((v) => v.name === 'vault-config'), { name: 'vault-config', configMap: { name: 'shop-agent' } });
    assert.deepEqual(s!.command, ['coffer', 'agent', '-config=/vault/configs/config.hcl']);
    assert.deepEqual(container(p, 'vault-agent-init')!.command, ['coffer', 'agent', '-config=/vault/configs/config-init.hcl']);
    assert.equal(s!.env!.find((e) => e.name === 'VAULT_CONFIG'), undefined);
  } },
  { name: 'secret-volume-path', ann: { [`${V}secret-volume-path`]: '/etc/app/secrets' }, check: (p, _s, c) => {
    assert.ok(container(p, 'app')!.volumeMounts!.some((m) => m.mountPath === '/etc/app/secrets'));
    assert.equal(c!.templates[0]!.destination, '/etc/app/secrets/db');
  } },
  { name: 'agent-limits-* / agent-requests-*', ann: { [`${V}agent-limits-cpu`]: '1', [`${V}agent-limits-mem`]: '256Mi', [`${V}agent-limits-ephemeral`]: '1Gi', [`${V}agent-requests-cpu`]: '5m', [`${V}agent-requests-mem`]: '48Mi', [`${V}agent-requests-ephemeral`]: '100Mi' }, check: (_p, s) =>
    assert.deepEqual(s!.resources, { requests: { cpu: '5m', memory: '48Mi', 'ephemeral-storage': '100Mi' }, limits: { cpu: '1', memory: '256Mi', 'ephemeral-storage': '1Gi' } }) },
  { name: 'coffer.dev/resource-defaults: vault-k8s', ann: { 'coffer.dev/resource-defaults': 'vault-k8s' }, check: (_p, s) => assert.deepEqual(s!.resources, { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } }) },
  { name: 'agent-run-as-user / -group', ann: { [`${V}agent-run-as-user`]: '2000', [`${V}agent-run-as-group`]: '3000' }, check: (_p, s) => {
    assert.equal(s!.securityContext!.runAsUser, 2000);
    assert.equal(s!.securityContext!.runAsGroup, 3000);
  } },
  { name: 'agent-set-security-context: false', ann: { [`${V}agent-set-security-context`]: 'false' }, check: (_p, s) => assert.equal(s!.securityContext, undefined) },
  { name: 'service', ann: { [`${V}service`]: 'https://vault.other:8200' }, check: (_p, _s, c) => assert.equal(c!.vault.address, 'https://vault.other:8200') },
  { name: 'tls-skip-verify', ann: { [`${V}tls-skip-verify`]: 'true' }, check: (_p, _s, c) => assert.equal(c!.vault.tlsSkipVerify, true) },
  { name: 'ca-cert + tls-secret', ann: { [`${V}ca-cert`]: '/vault/tls/ca.crt', [`${V}tls-secret`]: 'coffer-ca' }, check: (p, s, c) => {
    assert.equal(c!.vault.caCert, '/vault/tls/ca.crt');
    assert.deepEqual(p.spec!.volumes!.find((v) => v.name === 'vault-tls-secrets'), { name: 'vault-tls-secrets', secret: { secretName: 'coffer-ca' } });
    assert.ok(s!.volumeMounts!.some((m) => m.name === 'vault-tls-secrets' && m.mountPath === '/vault/tls'));
  } },
  { name: 'template-config-exit-on-retry-failure: false', ann: { [`${V}template-config-exit-on-retry-failure`]: 'false' }, check: (_p, _s, c) => assert.equal(c!.templateConfig.exitOnRetryFailure, false) },
  { name: 'template-static-secret-render-interval', ann: { [`${V}template-static-secret-render-interval`]: '30s' }, check: (_p, _s, c) => assert.equal(c!.templateConfig.staticSecretRenderIntervalMs, 30_000) },
  { name: 'auth-min-backoff / auth-max-backoff', ann: { [`${V}auth-min-backoff`]: '2s', [`${V}auth-max-backoff`]: '1m' }, check: (_p, _s, c) => {
    assert.equal(c!.autoAuth!.method.minBackoffMs, 2000);
    assert.equal(c!.autoAuth!.method.maxBackoffMs, 60_000);
  } },
  { name: 'log-level', ann: { [`${V}log-level`]: 'debug' }, check: (_p, s, c) => {
    assert.equal(c!.logLevel, 'debug');
    assert.equal(s!.env!.find((e) => e.name === 'VAULT_LOG_LEVEL')!.value, 'debug');
  } },
  { name: 'agent-json-patch', ann: { [`${V}agent-json-patch`]: '[{"op":"add","path":"/env/-","value":{"name":"EXTRA","value":"1"}}]' }, check: (p, s) => {
    assert.ok(s!.env!.some((e) => e.name === 'EXTRA'));
    assert.ok(!container(p, 'vault-agent-init')!.env!.some((e) => e.name === 'EXTRA'));
  } },
  { name: 'agent-init-json-patch', ann: { [`${V}agent-init-json-patch`]: '[{"op":"replace","path":"/image","value":"coffer:debug"}]' }, check: (p, s) => {
    assert.equal(container(p, 'vault-agent-init')!.image, 'coffer:debug');
    assert.equal(s!.image, 'coffer:0.1.0');
  } },
  { name: 'agent-revoke-on-shutdown', ann: { [`${V}agent-revoke-on-shutdown`]: 'true' }, check: (p, s) => {
    assert.deepEqual(s!.lifecycle, { preStop: { exec: { command: ['coffer', 'token', 'revoke', '-self'] } } });
    assert.equal(container(p, 'vault-agent-init')!.lifecycle, undefined);
  } },
];

describe('annotations: one row each, patched pod validated, config loaded by the agent', () => {
  for (const row of rows) {
    it(row.name, () => {
      const { response, pod } = admit(makePod({ ...base, ...row.ann }, row.pod));
      assert.equal(response.allowed, true, response.status?.message);
      const side = pod.spec!.containers.find((c) => c.name === 'vault-agent');
      const cfgFrom = side ?? container(pod, 'vault-agent-init')!;
      const hasConfig = cfgFrom.env?.some((e) => e.name === 'VAULT_CONFIG');
      row.check(pod, side, hasConfig ? agentConfigOf(cfgFrom).loaded : undefined);
    });
  }
});

const bad: [string, Record<string, string>, RegExp][] = [
  ['role missing', { [`${V}role`]: '' }, /vault\.hashicorp\.com\/role: is required/],
  ['auth-type unknown', { [`${V}auth-type`]: 'aws' }, /auth-type: "aws" is not supported/],
  ['auth-path without auth/', { [`${V}auth-path`]: 'kubernetes' }, /auth-path: must be the full path of the auth mount, such as "auth\/kubernetes"/],
  ['auth-config key the method lacks', { [`${V}auth-config-audience`]: 'x' }, /auth-config-audience: "audience" is not a setting of the kubernetes method/],
  ['agent-inject-file escaping the volume', { [`${V}agent-inject-file-db`]: '../../etc/passwd' }, /agent-inject-file-db: must be a file name inside \/vault\/secrets/],
  ['per-secret annotation naming no secret', { [`${V}agent-inject-perms-dbx`]: '0400' }, /agent-inject-perms-dbx: names no secret "dbx"/],
  ['error-on-missing-key not a bool', { [`${V}error-on-missing-key-db`]: 'maybe' }, /error-on-missing-key-db: must be "true" or "false"/],
  ['default template unknown', { [`${V}agent-inject-default-template`]: 'yaml' }, /agent-inject-default-template: must be "map" or "json"/],
  ['agent-inject-containers naming no container', { [`${V}agent-inject-containers`]: 'ap' }, /agent-inject-containers: names no container of this pod: ap/],
  ['requests not a quantity', { [`${V}agent-requests-mem`]: '64MB!' }, /agent-requests-mem: must be a Kubernetes quantity/],
  ['run-as-user not a number', { [`${V}agent-run-as-user`]: 'root' }, /agent-run-as-user: must be a whole number/],
  ['run-as-same-user without the app uid', { [`${V}agent-run-as-same-user`]: 'true' }, /agent-run-as-same-user: needs spec\.containers\[0\]\.securityContext\.runAsUser/],
  ['service not a URL', { [`${V}service`]: 'vault:8200' }, /service: must be a URL/],
  ['ca-cert relative', { [`${V}ca-cert`]: 'ca.crt' }, /ca-cert: must be the absolute path/],
  ['log-level unknown', { [`${V}log-level`]: 'loud' }, /log-level: must be one of trace, debug, info, warn, error/],
  ['backoff not a duration', { [`${V}auth-min-backoff`]: 'soon' }, /auth-min-backoff: must be a duration/],
  ['min backoff above max', { [`${V}auth-min-backoff`]: '2m', [`${V}auth-max-backoff`]: '1m' }, /auth-min-backoff: \(2m\) is longer than/],
  ['json patch not JSON', { [`${V}agent-json-patch`]: '{op: add}' }, /agent-json-patch: is not JSON/],
  ['json patch that cannot apply', { [`${V}agent-init-json-patch`]: '[{"op":"replace","path":"/nothing/here","value":1}]' }, /agent-init-json-patch: cannot be applied to the vault-agent-init container/],
  ['template-config-* typo', { [`${V}template-config-exit-on-retry-fail`]: 'true' }, /template-config-exit-on-retry-fail: is not a vault-k8s annotation Coffer knows: did you mean vault\.hashicorp\.com\/template-config-exit-on-retry-failure\?/],
  ['not implemented yet, non-default', { [`${V}agent-cache-enable`]: 'true' }, /agent-cache-enable: is not supported by Coffer yet/],
  ['coffer.dev typo', { 'coffer.dev/native-sidecars': 'true' }, /coffer\.dev\/native-sidecars: is not a Coffer annotation: did you mean coffer\.dev\/native-sidecar\?/],
  ['nothing asked for', { [`${V}agent-inject-secret-db`]: '' }, /agent-inject: is true but asks for nothing/],
  ['pre-populate not a bool', { [`${V}agent-pre-populate`]: 'on' }, /agent-pre-populate: must be "true" or "false"/],
];

describe('malformed annotations: denied, naming the annotation and the fix', () => {
  for (const [name, ann, re] of bad) {
    it(name, () => {
      const { response } = admit(makePod({ ...base, ...ann }));
      assert.equal(response.allowed, false);
      assert.equal(response.status!.code, 400);
      assert.match(response.status!.message, re);
    });
  }
  it('accepts a not-yet-implemented annotation at its vault-k8s default (as vault-k8s writes it into pods)', () => {
    const { response } = admit(makePod({ ...base, [`${V}agent-cache-enable`]: 'false', [`${V}namespace`]: '', [`${V}log-format`]: 'standard' }));
    assert.equal(response.allowed, true, response.status?.message);
  });
});
