// The strict schema helper itself: it must reject what the API server's strict field validation
// rejects (an unknown field at any depth, a wrong type, a missing required field, an unknown kind)
// and accept real objects, including open maps (labels, annotations, ConfigMap data) and
// IntOrString / Quantity values.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pod } from 'kubernetes-models/v1/Pod';
import { validateStrict } from './k8s-schema.js';

function statefulSet(): Record<string, any> {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'x', labels: { 'app.kubernetes.io/name': 'db' }, annotations: { 'example.com/any-key': 'v' } },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: {
        metadata: { labels: { app: 'db' } },
        spec: {
          containers: [
            {
              name: 'db',
              image: 'db:1',
              ports: [{ name: 'http', containerPort: 8200 }],
              resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/', port: 'http' } },
              livenessProbe: { tcpSocket: { port: 8200 } },
            },
          ],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
}

describe('validateStrict', () => {
  it('accepts a real object with open maps, IntOrString ports and Quantities', () => {
    assert.deepEqual(validateStrict(statefulSet()), []);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { 'server.hcl': 'x', 'any.key': 'y' } };
    assert.deepEqual(validateStrict(cm), []);
  });

  it('rejects unknown fields at depth, which the schemas alone accept', () => {
    const bad = statefulSet();
    bad.spec.template.spec.containers[0].bogus = 1;
    bad.spec.template.spec.bogus = true;
    bad.spec.template.spec.containers[0].resources.requestz = {};
    // the library's own validation lets these through: that is why this helper exists
    assert.doesNotThrow(() => new Pod({ metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'i', bogus: 1 } as never] } }).validate());
    assert.deepEqual(validateStrict(bad).sort(), [
      '/spec/template/spec/bogus: unknown field "bogus"',
      '/spec/template/spec/containers/0/bogus: unknown field "bogus"',
      '/spec/template/spec/containers/0/resources/requestz: unknown field "requestz"',
    ]);
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labelz: {} }, spec: { containers: [{ name: 'c', securityContext: { capabilities: { drop: ['ALL'], dropp: [] } } }] } };
    assert.deepEqual(validateStrict(pod).sort(), [
      '/metadata/labelz: unknown field "labelz"',
      '/spec/containers/0/securityContext/capabilities/dropp: unknown field "dropp"',
    ]);
  });

  it('reports wrong types, missing required fields and wrong enums', () => {
    const bad = statefulSet();
    bad.spec.replicas = 'two';
    delete bad.spec.template.spec.containers[0].name;
    bad.metadata.labels.n = 3;
    const errors = validateStrict(bad);
    assert.ok(errors.includes('/spec/replicas: must be integer'), errors.join('\n'));
    assert.ok(errors.includes('/spec/template/spec/containers/0: missing required field "name"'), errors.join('\n'));
    assert.ok(errors.includes('/metadata/labels/n: must be string'), errors.join('\n'));
    assert.ok(validateStrict({ apiVersion: 'v2', kind: 'ConfigMap', metadata: { name: 'c' } }).some((e) => /no schema here for v2 ConfigMap/.test(e)));
    assert.ok(validateStrict({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: {} }).some((e) => /missing required field "selector"/.test(e)));
    assert.deepEqual(validateStrict('x'), ['/: a Kubernetes object must be a JSON object']);
  });

  it('leaves the object it checks unchanged', () => {
    const s = statefulSet();
    const before = JSON.stringify(s);
    validateStrict(s);
    assert.equal(JSON.stringify(s), before);
  });
});
