// Secrets as environment variables (coffer.dev/agent-inject-env-<VAR>: "<path>#<key>"): the app
// container's command wrapped by `coffer agent` run from the launcher volume, its original
// command and args after `--`, the launcher copied by coffer-env-init, the wrapper's
// configuration loaded by the agent's real loader; a container without a command gets an
// admission warning; malformed values are refused by name.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { configFromEnv, loadAgentConfig } from '../../src/agent/config/index.js';
import { defaultSettings } from '../../src/k8s/annotations/index.js';
import type { Container } from '../../src/k8s/pod.js';
import { COFFER_BIN } from '../support/server.js';
import { admit, container, makePod, SA_MOUNT, SETTINGS } from './support.js';

const V = 'vault.hashicorp.com/';
const C = 'coffer.dev/';
const PREFIX = ['/coffer-launcher/ld.so', '--library-path', '/coffer-launcher/lib', '/coffer-launcher/node', '/coffer-launcher/coffer/bin/coffer.js'];
const tokenMount = { name: 'kube-api-access-x7k2p', mountPath: SA_MOUNT, readOnly: true };
const app = (extra: Partial<Container> = {}): Container => ({ name: 'app', image: 'distroless/static', command: ['/app/server'], args: ['--db-password=$(DB_PASSWORD)'], volumeMounts: [tokenMount], ...extra });
const envOnly = { [`${V}agent-inject`]: 'true', [`${V}role`]: 'app', [`${C}agent-inject-env-DB_PASSWORD`]: 'secret/data/shop/db#password', [`${C}agent-inject-env-API_KEY`]: 'kv/api#api-key' };

function wrapperConfig(c: Container) {
  const value = c.env!.find((e) => e.name === 'COFFER_ENV_CONFIG')!.value!;
  const dashes = c.command!.indexOf('--');
  assert.ok(dashes > 0, 'the app command follows --');
  return loadAgentConfig([], { inline: [configFromEnv('COFFER_ENV_CONFIG', value)], env: {}, execCommand: c.args ?? [] });
}

describe('injector: secrets as environment variables', () => {
  const { response, pod } = admit(makePod(envOnly, { containers: [app()] }));
  it('allows without warnings, and adds no agent container (the wrapper logs in itself)', () => {
    assert.equal(response.allowed, true);
    assert.equal(response.warnings, undefined);
    assert.deepEqual(pod.spec!.containers.map((c) => c.name), ['app']);
    assert.deepEqual(pod.spec!.initContainers!.map((c) => c.name), ['coffer-env-init']);
    assert.equal(pod.spec!.volumes!.find((v) => v.name === 'vault-secrets'), undefined);
  });
  it('coffer-env-init copies the launcher into a disk emptyDir (no secret in it) from the Coffer image', () => {
    const init = container(pod, 'coffer-env-init')!;
    assert.equal(init.image, 'coffer:0.1.0');
    assert.deepEqual(init.command, ['coffer', 'launcher', 'install', '/coffer-launcher']);
    assert.deepEqual(init.volumeMounts, [{ name: 'coffer-launcher', mountPath: '/coffer-launcher', readOnly: false }]);
    assert.deepEqual(pod.spec!.volumes!.find((v) => v.name === 'coffer-launcher'), { name: 'coffer-launcher', emptyDir: {} });
    assert.equal(init.securityContext?.runAsNonRoot, true);
  });
  it("wraps the app's command: coffer agent from the launcher, the original command and args after -- (so $(VAR) still expands)", () => {
    const c = container(pod, 'app')!;
    assert.deepEqual(c.command, [...PREFIX, 'agent', '-config-env=COFFER_ENV_CONFIG', '--']);
    assert.deepEqual(c.args, ['/app/server', '--db-password=$(DB_PASSWORD)']);
    assert.ok(c.volumeMounts!.some((m) => m.name === 'coffer-launcher' && m.mountPath === '/coffer-launcher' && m.readOnly === true));
  });
  it("the wrapper's configuration: kubernetes login with the pod's token, one env_template per variable, no sink, exec = the app", () => {
    const cfg = wrapperConfig(container(pod, 'app')!);
    assert.equal(cfg.autoAuth!.method.type, 'kubernetes');
    assert.equal(cfg.autoAuth!.method.config.token_path, `${SA_MOUNT}/token`);
    assert.equal(cfg.autoAuth!.method.config.role, 'app');
    assert.deepEqual(cfg.autoAuth!.sinks, []);
    assert.equal(cfg.exitAfterAuth, false);
    assert.deepEqual(cfg.exec!.command, ['/app/server', '--db-password=$(DB_PASSWORD)']);
    assert.deepEqual(
      cfg.envTemplates.map((e) => [e.name, e.text, e.errorOnMissingKey]),
      [
        ['API_KEY', '{{ with secret "kv/api" }}{{ index .Data "api-key" }}{{ end }}', true],
        ['DB_PASSWORD', '{{ with secret "secret/data/shop/db" }}{{ .Data.data.password }}{{ end }}', true],
      ],
    );
  });
  it('with files too: the agent is injected as usual and the app container is both wrapped and given /vault/secrets', () => {
    const both = admit(makePod({ ...envOnly, [`${V}agent-inject-secret-cfg`]: 'secret/data/shop/cfg' }, { containers: [app()] }));
    assert.deepEqual(both.pod.spec!.initContainers!.map((c) => c.name), ['vault-agent-init', 'coffer-env-init']);
    assert.deepEqual(both.pod.spec!.containers.map((c) => c.name), ['app', 'vault-agent']);
    const c = container(both.pod, 'app')!;
    assert.ok(c.volumeMounts!.some((m) => m.mountPath === '/vault/secrets'));
    assert.equal(c.command!.at(-1), '--');
  });
  it('native sidecar and an existing init container: coffer-env-init goes last', () => {
    const init: Container = { name: 'migrate', image: 'busybox', command: ['true'] };
    const n = admit(makePod({ ...envOnly, [`${V}agent-inject-secret-cfg`]: 'secret/data/shop/cfg' }, { containers: [app()], initContainers: [init] }), defaultSettings({ ...SETTINGS, kubeVersion: { major: 1, minor: 30 } }));
    assert.deepEqual(n.pod.spec!.initContainers!.map((c) => c.name), ['migrate', 'vault-agent', 'coffer-env-init']);
  });
  it('only the containers of agent-inject-containers are wrapped', () => {
    const side: Container = { name: 'metrics', image: 'exporter', command: ['/exporter'] };
    const r = admit(makePod({ ...envOnly, [`${V}agent-inject-containers`]: 'app' }, { containers: [app(), side] }));
    assert.deepEqual(container(r.pod, 'metrics'), side);
    assert.equal(container(r.pod, 'app')!.command![0], '/coffer-launcher/ld.so');
  });
  it('a container that sets no command: an admission warning, and it runs `coffer launcher no-command` (exits 1 saying why)', () => {
    const r = admit(makePod(envOnly, { containers: [app({ command: undefined })] }));
    assert.equal(r.response.allowed, true);
    assert.equal(r.response.warnings?.length, 1);
    assert.match(r.response.warnings![0]!, /container "app" sets no command.*set command \(and args\) in the pod spec/);
    const c = container(r.pod, 'app')!;
    assert.deepEqual(c.command, [...PREFIX, 'launcher', 'no-command', 'app']);
    assert.equal(c.args, undefined);
  });
  it('the SA token is mounted into a wrapped container that lacks it', () => {
    const other: Container = { name: 'worker', image: 'w', command: ['/w'] };
    const r = admit(makePod(envOnly, { containers: [app(), other] }));
    assert.ok(container(r.pod, 'worker')!.volumeMounts!.some((m) => m.mountPath === SA_MOUNT && m.readOnly === true));
  });
  for (const [name, value, re] of [
    ['agent-inject-env-DB_PASSWORD', 'secret/data/shop/db', /must be "<path>#<key>"/],
    ['agent-inject-env-DB_PASSWORD', 'secret/data/x" }}{{ .Data #password', /must be "<path>#<key>"/],
    ['agent-inject-env-DB_PASSWORD', 'secret/data/db#pass}}word', /must be "<path>#<key>"/],
    ['agent-inject-env-9LIVES', 'secret/data/db#k', /"9LIVES" is not an environment variable name/],
    ['agent-inject-env-my.var', 'secret/data/db#k', /"my.var" is not an environment variable name/],
    ['agent-inject-envx-A', 'secret/data/db#k', /is not a Coffer annotation/],
  ] as const) {
    it(`refuses ${name}: ${JSON.stringify(value)}`, () => {
      const r = admit(makePod({ [`${V}agent-inject`]: 'true', [`${V}role`]: 'app', [`${V}agent-inject-secret-x`]: 'secret/data/x', [`${C}${name}`]: value }, { containers: [app()] }));
      assert.equal(r.response.allowed, false);
      assert.match(r.response.status!.message, new RegExp(`coffer\\.dev/${name.replace('.', '\\.')}: `));
      assert.match(r.response.status!.message, re);
    });
  }
});

describe('coffer agent -- COMMAND', () => {
  const hcl = 'vault { address = "http://127.0.0.1:1" }\nenv_template "X" { contents = "x" }\n';
  it('the command after -- becomes exec.command (an exec stanza keeps its other settings)', () => {
    const a = loadAgentConfig([], { inline: [{ name: '$C', text: hcl }], env: { VAULT_TOKEN: 't' }, execCommand: ['/app', '-v'] });
    assert.deepEqual([a.exec!.command, a.exec!.restartOnSecretChanges], [['/app', '-v'], 'always']);
    const b = loadAgentConfig([], { inline: [{ name: '$C', text: `${hcl}exec {\n  command = ["/old"]\n  restart_on_secret_changes = "never"\n}\n` }], env: { VAULT_TOKEN: 't' }, execCommand: ['/new'] });
    assert.deepEqual([b.exec!.command, b.exec!.restartOnSecretChanges], [['/new'], 'never']);
  });
  it('a stray argument without -- is still a usage error', () => {
    const r = spawnSync(process.execPath, [COFFER_BIN, 'agent', '-config-env=C', 'stray'], { env: { ...process.env, C: hcl }, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unexpected argument "stray": the agent takes only flags \(and, after --, the command of the app to run\)/);
  });
});
