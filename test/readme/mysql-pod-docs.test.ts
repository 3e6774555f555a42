// Keeps README.md's "The tutorial's MySQL pod with dynamic credentials" honest: its Deployment
// (marker `example mysql-db-deployment`) is valid and injected as the text says (the agent logs in
// at auth/kube-policy as db-app, renders database/creds/app to the file the app's shell sources,
// the sidecar revokes its token on shutdown), its template renders shell the app can source, and
// the server commands beside it grant that path and bind the Deployment's service account.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { defaultSettings } from '../../src/k8s/annotations/index.js';
import type { Container, Pod } from '../../src/k8s/pod.js';
import { parse as parseTemplate } from '../../src/template/index.js';
import { validateStrict } from '../support/k8s-schema.js';
import { COFFER_BIN } from '../support/server.js';
import { admit, agentConfigOf, container, SA_MOUNT, SETTINGS } from '../k8s/support.js';
import { markedExample, parseReadme } from './blocks.js';

const README_TEXT = readFileSync(join(resolve(dirname(COFFER_BIN), '..'), 'README.md'), 'utf8');

interface Deployment {
  kind: string;
  metadata: { name: string; namespace: string };
  spec: { template: { metadata: NonNullable<Pod['metadata']>; spec: NonNullable<Pod['spec']> } };
}

const example = markedExample(README_TEXT, 'mysql-db-deployment');
const deployment = parseYaml(example.code) as Deployment;
const annotations = deployment.spec.template.metadata.annotations ?? {};
const ann = (key: string): string => {
  const v = annotations[`vault.hashicorp.com/${key}`];
  assert.ok(v !== undefined, `the README's mysql-db Deployment has no vault.hashicorp.com/${key}`);
  return v;
};

function podOf(d: Deployment): Pod {
  const spec = structuredClone(d.spec.template.spec);
  spec.containers = spec.containers.map((c: Container) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), { name: 'kube-api-access-1', mountPath: SA_MOUNT, readOnly: true }] }));
  spec.volumes = [...(spec.volumes ?? []), { name: 'kube-api-access-1', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...structuredClone(d.spec.template.metadata), name: `${d.metadata.name}-1`, namespace: d.metadata.namespace }, spec };
}

describe("README: the tutorial's MySQL pod with dynamic credentials", () => {
  it('is a strictly valid Deployment with no Secret, and the template reads database/creds/app', () => {
    assert.equal(example.lang, 'yaml');
    assert.equal(deployment.kind, 'Deployment');
    assert.deepEqual(validateStrict(deployment), []);
    assert.doesNotMatch(example.code, /secretKeyRef|kind: Secret/);
    assert.ok(ann('agent-inject-template-db-creds').includes(`with secret "${ann('agent-inject-secret-db-creds')}"`));
    assert.equal(ann('agent-inject-secret-db-creds'), 'database/creds/app');
  });

  for (const [mode, settings] of [
    ['classic', SETTINGS],
    ['native sidecar', defaultSettings({ ...SETTINGS, kubeVersion: { major: 1, minor: 30 } })],
  ] as const) {
    it(`${mode}: the agent logs in at auth/kube-policy as db-app and renders the creds to the file the app sources`, () => {
      const { response, pod } = admit(podOf(deployment), settings, deployment.metadata.namespace);
      assert.equal(response.allowed, true, JSON.stringify(response.status));
      assert.deepEqual(validateStrict(pod), []);
      const native = settings.kubeVersion !== undefined;
      const agents = [container(pod, 'vault-agent')!, ...(native ? [] : [container(pod, 'vault-agent-init')!])];
      for (const agent of agents) {
        const { loaded } = agentConfigOf(agent);
        assert.equal(loaded.autoAuth!.method.mountPath, 'auth/kube-policy');
        assert.equal(loaded.autoAuth!.method.config.role, 'db-app');
        assert.deepEqual(loaded.templates.map((t) => t.destination), ['/vault/secrets/db-creds']);
        assert.match(loaded.templates[0]!.text ?? '', /with secret "database\/creds\/app"/);
      }
      // agent-revoke-on-shutdown: the long-running agent revokes its token (and so the lease) when the pod stops.
      assert.deepEqual(container(pod, 'vault-agent')!.lifecycle?.preStop?.exec?.command, ['coffer', 'token', 'revoke', '-self']);
      const app = container(pod, 'db')!;
      assert.ok(app.volumeMounts!.some((m) => m.name === 'vault-secrets' && m.mountPath === '/vault/secrets'));
      assert.ok([...(app.command ?? []), ...(app.args ?? [])].join(' ').includes('. /vault/secrets/db-creds &&'), 'the app sources the rendered file');
    });
  }

  it('the template renders two export lines of the username and password', () => {
    const tpl = parseTemplate(ann('agent-inject-template-db-creds'), {
      name: 'db-creds',
      funcs: { secret: () => ({ Data: { username: 'v-kube-app-Ab3', password: 'A1b-2c3D4e5F6g7H8i9J' }, LeaseID: 'database/creds/app/x', LeaseDuration: 3600, Renewable: true }) },
    });
    assert.equal(tpl.execute({}).trim(), "export DB_USER='v-kube-app-Ab3'\nexport DB_PASSWORD='A1b-2c3D4e5F6g7H8i9J'");
  });

  it('the server commands beside it grant the template path to the role the pod logs in with', () => {
    const block = parseReadme(README_TEXT).find((b) => b.line > example.line && b.code.includes('coffer write database/roles/app'));
    assert.ok(block, 'no sh block with the database role after the Deployment');
    assert.ok(block.code.includes(`path "${ann('agent-inject-secret-db-creds')}" {`), block.code);
    assert.ok(block.code.includes(`coffer write ${ann('auth-path')}/role/${ann('role')} `), block.code);
    assert.ok(block.code.includes(`bound_service_account_names=${deployment.spec.template.spec.serviceAccountName}`), block.code);
    assert.ok(block.code.includes(`bound_service_account_namespaces=${deployment.metadata.namespace}`), block.code);
    assert.match(block.code, /coffer secrets enable database\n/);
    assert.match(block.code, /database\/config\/mariadb plugin_name=mysql-database-plugin/);
  });
});
