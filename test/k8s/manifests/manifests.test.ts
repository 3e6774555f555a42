// `coffer k8s manifests`: every printed object validates against Kubernetes' schemas with unknown
// fields rejected, every pod passes the "restricted" Pod Security Standard, the objects refer to
// each other correctly (selectors, ports, volumes, service accounts), no Secret or credential is
// printed, the injector's webhook is fail-open and skips kube-system and its own namespace, and
// bad flags (or -ha, which does not exist yet) are refused with a clear message.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateStrict } from '../../support/k8s-schema.js';
import { checkRestricted } from '../../support/pod-security.js';
import { makeTestPki } from '../../support/tls.js';
import { tempDir } from '../../support/server.js';
import { find, podTemplates, printManifests, printManifestsCli, type Obj } from './print.js';

const dir = tempDir('coffer-k8s-manifests-');
after(() => rmSync(dir, { recursive: true, force: true }));
const pki = makeTestPki(dir);

const VARIANTS: Record<string, string[]> = {
  'default (SQLite)': [],
  'SQLite with a storage class, TLS and another name': ['-namespace=vault-system', '-name=secrets', '-storage-size=20Gi', '-storage-class=fast-ssd', '-tls-secret=secrets-tls', '-image=registry.example.com/coffer:1.2.3'],
  PostgreSQL: ['-storage=postgresql', '-postgresql-secret=coffer-pg', '-postgresql-table=coffer_kv'],
  'injector with -tls-auto': ['-injector'],
  'injector with a CA file': ['-injector', `-ca-file=${pki.caFile}`, '-injector-tls-secret=my-injector-cert', '-log-level=debug'],
};

/** Checks that hold for every variant: schema, restricted pods, references between objects. */
function checkAll(objects: Obj[]): void {
  assert.ok(objects.length >= 6);
  for (const o of objects) assert.deepEqual(validateStrict(o), [], `${o.kind}/${o.metadata.name}`);
  const templates = podTemplates(objects);
  for (const { owner, template } of templates) {
    assert.deepEqual(checkRestricted(template.spec, template.metadata), [], `${owner.kind}/${owner.metadata.name}`);
    for (const c of template.spec.containers) {
      assert.equal(c.securityContext.readOnlyRootFilesystem, true);
      // volumes mounted exist in the pod or as the StatefulSet's claim templates
      const volumes = new Set([...template.spec.volumes.map((v: Obj) => v.name), ...(owner.spec.volumeClaimTemplates ?? []).map((v: Obj) => v.metadata.name)]);
      for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), `volume ${m.name} of ${owner.metadata.name}`);
      assert.ok(c.volumeMounts.some((m: Obj) => m.mountPath === '/tmp'), 'a writable /tmp');
    }
    // the workload's own selector matches its pods
    for (const [k, v] of Object.entries(owner.spec.selector.matchLabels)) assert.equal(template.metadata.labels[k], v);
    const sa = find(objects, 'ServiceAccount', template.spec.serviceAccountName);
    assert.equal(sa.metadata.namespace, owner.metadata.namespace);
    for (const v of template.spec.volumes) {
      if (v.configMap) assert.equal(find(objects, 'ConfigMap', v.configMap.name).metadata.namespace, owner.metadata.namespace);
    }
  }
  // every Service selects exactly one workload's pods, and its target port is a named container port
  for (const svc of objects.filter((o) => o.kind === 'Service')) {
    const matching = templates.filter(({ template }) => Object.entries(svc.spec.selector).every(([k, v]) => template.metadata.labels[k] === v));
    assert.equal(matching.length, 1, `Service ${svc.metadata.name} selects ${matching.length} workloads`);
    const portNames = matching[0]!.template.spec.containers.flatMap((c: Obj) => c.ports.map((p: Obj) => p.name));
    for (const p of svc.spec.ports) assert.ok(portNames.includes(p.targetPort), `${svc.metadata.name} targets ${p.targetPort}`);
  }
  for (const sts of objects.filter((o) => o.kind === 'StatefulSet')) {
    const governing = find(objects, 'Service', sts.spec.serviceName);
    assert.equal(governing.spec.clusterIP, 'None');
  }
  // nothing secret is printed
  assert.equal(objects.filter((o) => o.kind === 'Secret').length, 0);
}

describe('coffer k8s manifests', () => {
  for (const [label, args] of Object.entries(VARIANTS)) {
    it(`${label}: valid, restricted and consistent`, async () => {
      const r = await printManifests(args);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      checkAll(r.objects);
    });
  }

  it('the real executable prints the same YAML, with the flags given in its first line', async () => {
    const cli = await printManifestsCli(['-namespace=team-a', '-injector']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^# Coffer \d+\.\d+\.\d+: coffer k8s manifests -namespace=team-a -injector\n---\n/);
    assert.equal(cli.stdout, (await printManifests(['-namespace=team-a', '-injector'])).stdout);
    const ha = await printManifestsCli(['-ha']);
    assert.equal(ha.code, 1);
    assert.equal(ha.stdout, '');
  });

  it('the server: auth-delegator binding, config, one replica on a claim, probes on sys/health', async () => {
    const { objects } = await printManifests(['-namespace=team-a']);
    const crb = find(objects, 'ClusterRoleBinding');
    assert.deepEqual(crb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' });
    assert.deepEqual(crb.subjects, [{ kind: 'ServiceAccount', name: 'coffer', namespace: 'team-a' }]);
    const sts = find(objects, 'StatefulSet', 'coffer');
    assert.equal(sts.spec.replicas, 1);
    assert.deepEqual(sts.spec.volumeClaimTemplates[0].spec.resources.requests, { storage: '10Gi' });
    const c = sts.spec.template.spec.containers[0];
    assert.deepEqual([...c.command, ...c.args], ['coffer', 'server', '-config=/coffer/config/server.hcl']);
    assert.equal(c.readinessProbe.httpGet.path, '/v1/sys/health');
    assert.equal(c.livenessProbe.httpGet.path, '/v1/sys/health?sealedcode=204&uninitcode=204');
    assert.ok(c.volumeMounts.some((m: Obj) => m.name === 'data' && m.mountPath === '/coffer/data'));
    assert.equal(find(objects, 'Service', 'coffer').spec.ports[0].port, 8200);
    assert.equal(objects.filter((o) => o.kind === 'Deployment' || o.kind === 'MutatingWebhookConfiguration').length, 0);
  });

  it('PostgreSQL: the URL comes from the named Secret through VAULT_PG_CONNECTION_URL; no claim, no credential in the ConfigMap', async () => {
    const { objects } = await printManifests(VARIANTS.PostgreSQL!);
    const sts = find(objects, 'StatefulSet');
    assert.equal(sts.spec.volumeClaimTemplates, undefined);
    const env = sts.spec.template.spec.containers[0].env.find((e: Obj) => e.name === 'VAULT_PG_CONNECTION_URL');
    assert.deepEqual(env.valueFrom, { secretKeyRef: { name: 'coffer-pg', key: 'connection_url' } });
    const hcl: string = find(objects, 'ConfigMap').data['server.hcl'];
    assert.match(hcl, /storage "postgresql" \{\n {2}table = "coffer_kv"\n\}/);
    assert.doesNotMatch(hcl, /connection_url\s*=|postgres:\/\//);
  });

  it('TLS: the listener uses the mounted Secret and the probes and addresses say https', async () => {
    const { objects } = await printManifests([...VARIANTS['SQLite with a storage class, TLS and another name']!, '-injector']);
    const hcl: string = find(objects, 'ConfigMap', 'secrets-config').data['server.hcl'];
    assert.match(hcl, /tls_cert_file = "\/coffer\/tls\/tls.crt"/);
    assert.doesNotMatch(hcl, /tls_disable/);
    const pod = find(objects, 'StatefulSet', 'secrets').spec.template.spec;
    assert.deepEqual(pod.volumes.find((v: Obj) => v.name === 'tls').secret.secretName, 'secrets-tls');
    assert.equal(pod.containers[0].readinessProbe.httpGet.scheme, 'HTTPS');
    assert.equal(find(objects, 'StatefulSet', 'secrets').spec.volumeClaimTemplates[0].spec.storageClassName, 'fast-ssd');
    const args: string[] = find(objects, 'Deployment').spec.template.spec.containers[0].args;
    assert.ok(args.includes('-vault-address=https://secrets.vault-system.svc:8200'), args.join(' '));
    assert.ok(args.includes('-vault-image=registry.example.com/coffer:1.2.3'));
  });

  it('the injector with -tls-auto: fail-open webhook, own namespace and kube-system skipped, caBundle left for it to patch', async () => {
    const { objects } = await printManifests(['-injector', '-namespace=sec']);
    const mwc = find(objects, 'MutatingWebhookConfiguration');
    assert.equal(mwc.webhooks.length, 1);
    const w = mwc.webhooks[0];
    assert.equal(w.failurePolicy, 'Ignore');
    assert.equal(w.sideEffects, 'None');
    assert.deepEqual(w.admissionReviewVersions, ['v1']);
    assert.ok(w.timeoutSeconds > 0 && w.timeoutSeconds <= 10);
    assert.deepEqual(w.rules, [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Namespaced' }]);
    const excluded = w.namespaceSelector.matchExpressions.find((e: Obj) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn').values;
    assert.ok(excluded.includes('kube-system') && excluded.includes('sec'));
    assert.equal(w.clientConfig.caBundle, undefined);
    const svc = find(objects, 'Service', w.clientConfig.service.name);
    assert.equal(svc.metadata.namespace, 'sec');
    assert.equal(svc.spec.ports[0].port, w.clientConfig.service.port);
    const args: string[] = find(objects, 'Deployment').spec.template.spec.containers[0].args;
    assert.deepEqual(args, [
      'injector',
      '-listen=:8080',
      `-tls-auto=${mwc.metadata.name}`,
      '-vault-address=http://coffer.sec.svc:8200',
      '-vault-image=coffer:0.1.0',
      '-vault-auth-path=auth/kubernetes',
      '-log-level=info',
    ]);
    // it may patch its own webhook configuration, and no other
    const role = find(objects, 'ClusterRole');
    const patch = role.rules.filter((r: Obj) => r.verbs.includes('patch'));
    assert.deepEqual(patch, [{ apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: [mwc.metadata.name], verbs: ['patch'] }]);
    const binding = objects.find((o) => o.kind === 'ClusterRoleBinding' && o.roleRef.name === role.metadata.name)!;
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'coffer-injector', namespace: 'sec' }]);
  });

  it('the injector with -ca-file: caBundle is the CA, the serving certificate comes from the Secret, no ClusterRole', async () => {
    const { objects } = await printManifests(VARIANTS['injector with a CA file']!);
    const w = find(objects, 'MutatingWebhookConfiguration').webhooks[0];
    assert.equal(Buffer.from(w.clientConfig.caBundle, 'base64').toString(), pki.ca);
    const pod = find(objects, 'Deployment').spec.template.spec;
    assert.equal(pod.volumes.find((v: Obj) => v.secret).secret.secretName, 'my-injector-cert');
    const args: string[] = pod.containers[0].args;
    assert.ok(args.includes('-tls-cert-file=/coffer/injector-tls/tls.crt') && args.includes('-tls-key-file=/coffer/injector-tls/tls.key'));
    assert.ok(args.includes('-log-level=debug'));
    assert.ok(!args.some((a) => a.startsWith('-tls-auto')));
    assert.equal(objects.filter((o) => o.kind === 'ClusterRole').length, 0);
  });

  it('-ha is refused: there is no HA mode yet', async () => {
    const r = await printManifests(['-ha']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /-ha is not available yet: Coffer has no high-availability mode.*comes with the HA work/s);
  });

  it('refuses bad flags with a message that says what to do', async () => {
    const notPem = join(dir, 'not-a-cert.pem');
    writeFileSync(notPem, 'hello\n');
    const cases: [string[], RegExp][] = [
      [['-namespace=Bad_NS'], /namespace "Bad_NS" is not valid: use lower-case letters/],
      [['-name=' + 'x'.repeat(41)], /name "x{41}" is not valid.*at most 40 characters/],
      [['-storage=etcd'], /-storage must be sqlite or postgresql, not "etcd"/],
      [['-storage=postgresql'], /-storage=postgresql needs -postgresql-secret=NAME/],
      [['-postgresql-secret=x'], /-postgresql-secret needs -storage=postgresql/],
      [['-storage=postgresql', '-postgresql-secret=x', '-storage-size=1Gi'], /-storage-size is for -storage=sqlite/],
      [['-storage-size=lots'], /storage size "lots" is not a Kubernetes quantity/],
      [['-ca-file=/x.pem'], /-ca-file needs -injector/],
      [['-injector', `-ca-file=${notPem}`], /the CA file is not a PEM certificate/],
      [['-injector', `-ca-file=${join(dir, 'missing.pem')}`], /Error reading the CA file .*missing.pem: ENOENT/],
      [['-injector', '-injector-tls-secret=x'], /-injector-tls-secret needs -ca-file/],
      [['-log-level=loud'], /log level "loud" is not one of trace, debug, info, warn, error/],
      [['-bogus'], /flag provided but not defined: -bogus/],
      [['extra'], /Too many arguments/],
    ];
    for (const [args, expected] of cases) {
      const r = await printManifests(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
      assert.match(r.stderr, expected, args.join(' '));
    }
  });
});
