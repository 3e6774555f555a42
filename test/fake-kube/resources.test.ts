// GET /api/v1/namespaces/{ns} and /api/v1/namespaces/{ns}/serviceaccounts/{name}: Kubernetes object
// shapes, 404 Status for missing objects, 403 for callers the fake's RBAC does not allow.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startFakeKube, type FakeKube, type Namespace, type ServiceAccount, type Status } from '../support/fake-kube/index.js';
import { kubeRequest } from './client.js';

describe('fake kube-apiserver: namespaces and service accounts', () => {
  let kube: FakeKube;
  let reviewer: string;

  before(async () => {
    kube = await startFakeKube();
    kube.createNamespace('app-namespace', { team: 'payments' });
    kube.createServiceAccount('default', 'vault-auth');
    kube.bindAuthDelegator('default', 'vault-auth');
    reviewer = kube.legacyToken('default', 'vault-auth');
  });
  after(() => kube.close());

  test('a namespace has its labels plus kubernetes.io/metadata.name, and they can change', async () => {
    const res = await kubeRequest<Namespace>(kube, '/api/v1/namespaces/app-namespace', { bearer: reviewer });
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'Namespace');
    assert.equal(res.body.apiVersion, 'v1');
    assert.equal(res.body.metadata.name, 'app-namespace');
    assert.deepEqual(res.body.metadata.labels, { team: 'payments', 'kubernetes.io/metadata.name': 'app-namespace' });
    assert.match(res.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.status.phase, 'Active');

    kube.setNamespaceLabels('app-namespace', { team: 'billing', env: 'prod' });
    const changed = await kubeRequest<Namespace>(kube, '/api/v1/namespaces/app-namespace', { bearer: reviewer });
    assert.deepEqual(changed.body.metadata.labels, { team: 'billing', env: 'prod', 'kubernetes.io/metadata.name': 'app-namespace' });
    assert.notEqual(changed.body.metadata.resourceVersion, res.body.metadata.resourceVersion);
  });

  test('the system namespaces exist; a missing one is a 404 Status', async () => {
    assert.equal((await kubeRequest<Namespace>(kube, '/api/v1/namespaces/kube-system', { bearer: reviewer })).status, 200);
    const res = await kubeRequest<Status>(kube, '/api/v1/namespaces/nope', { bearer: reviewer });
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'namespaces "nope" not found', reason: 'NotFound', details: { name: 'nope', kind: 'namespaces' }, code: 404 });
  });

  test('a service account has its UID and annotations; a deleted one is a 404 Status', async () => {
    const annotations = { 'vault.hashicorp.com/alias-metadata-team': 'payments' };
    const { uid } = kube.createServiceAccount('app-namespace', 'my-sa', annotations);
    const res = await kubeRequest<ServiceAccount>(kube, '/api/v1/namespaces/app-namespace/serviceaccounts/my-sa', { bearer: reviewer });
    assert.equal(res.status, 200);
    assert.equal(res.body.kind, 'ServiceAccount');
    assert.equal(res.body.metadata.name, 'my-sa');
    assert.equal(res.body.metadata.namespace, 'app-namespace');
    assert.equal(res.body.metadata.uid, uid);
    assert.deepEqual(res.body.metadata.annotations, annotations);

    kube.deleteServiceAccount('app-namespace', 'my-sa');
    const gone = await kubeRequest<Status>(kube, '/api/v1/namespaces/app-namespace/serviceaccounts/my-sa', { bearer: reviewer });
    assert.equal(gone.status, 404);
    assert.equal(gone.body.message, 'serviceaccounts "my-sa" not found');
  });

  test('callers without the binding get a 403, bad tokens a 401, unknown paths a 404', async () => {
    kube.createServiceAccount('app-namespace', 'nobody');
    const bearer = kube.projectedToken('app-namespace', 'nobody');
    const ns = await kubeRequest<Status>(kube, '/api/v1/namespaces/app-namespace', { bearer });
    assert.equal(ns.status, 403);
    assert.equal(ns.body.message, 'namespaces "app-namespace" is forbidden: User "system:serviceaccount:app-namespace:nobody" cannot get resource "namespaces" in API group "" at the cluster scope');
    const sa = await kubeRequest<Status>(kube, '/api/v1/namespaces/default/serviceaccounts/vault-auth', {});
    assert.equal(sa.status, 403);
    assert.equal(sa.body.message, 'serviceaccounts "vault-auth" is forbidden: User "system:anonymous" cannot get resource "serviceaccounts" in API group "" in the namespace "default"');
    assert.equal((await kubeRequest<Status>(kube, '/api/v1/namespaces/default', { bearer: 'x.y.z' })).status, 401);
    assert.equal((await kubeRequest<Status>(kube, '/api/v1/pods', { bearer: reviewer })).status, 404);
  });

  test('the programmatic API refuses what the apiserver would', () => {
    assert.throws(() => kube.createNamespace('default'), /namespaces "default" already exists/);
    assert.throws(() => kube.createServiceAccount('missing-ns', 'x'), /namespaces "missing-ns" not found/);
    assert.throws(() => kube.createServiceAccount('default', 'vault-auth'), /already exists/);
    assert.throws(() => kube.deleteServiceAccount('default', 'never'), /not found/);
  });
});
