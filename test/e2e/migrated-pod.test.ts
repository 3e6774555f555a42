// A migrated pod gets what its Secrets gave it: the fixture repository's web Deployment (env from
// secretKeyRef, one of them optional and absent; envFrom; a secret volume with items, a subfolder and
// modes) is migrated with -apply against a real dev server (Kubernetes auth at auth/kubernetes
// against the fake Kubernetes API), the rewritten pod template goes through the injector, and the
// kubelet-like runner (test/support/pod-runner) runs it: the app sees the same variables and the
// same files (names, content, modes) at the same place as Kubernetes would have given it from the
// original Secrets, logging in with the role and policy migrate wrote.

import { strict as assert } from 'node:assert';
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { parseAllDocuments } from 'yaml';
import { defaultSettings } from '../../src/k8s/annotations/index.js';
import { review } from '../../src/k8s/injector/index.js';
import type { Pod } from '../../src/k8s/pod.js';
import { coffer } from '../cli/run.js';
import { FIXTURE, VALUES } from '../k8s/migrate/fixture.js';
import { api } from '../support/http.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { checkPodRunner, cofferBinDir, runPod, serviceAccountVolume } from '../support/pod-runner/index.js';
import { COFFER_BIN, startDevServer, type DevServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';

const ROOT = 'migrated-pod-root';
const SA_VOLUME = 'kube-api-access-m1g7r';
const SA_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
// The app prints its variables and the files at the old volume's mount path, with their modes.
const APP = `env | grep -E '^(DB_|PAYMENT_|SEARCH_)' | sort; echo files:; find /etc/web/tls -type f -exec stat -c '%a %n' {} + | sort; cat /etc/web/tls/server.key /etc/web/tls/certs/server.crt`;

/** What Kubernetes gives the web container from the original Secrets (test/fixtures/migrate/repo). */
const EXPECTED_ENV = ['DB_PASSWORD=Pa55-db-Zk9w!', 'DB_USER=db-user-7Qx', 'PAYMENT_API_KEY=pk_live_payment_4Hf8Kq2Lm9', 'SEARCH_TOKEN=search-token-Vb71xQ'];
const KEY = '-----BEGIN FAKE KEY-----\nweb-private-key-material-Tq42\n-----END FAKE KEY-----\n';
const CRT = '-----BEGIN CERTIFICATE-----\nweb-certificate-body-Ru63\n-----END CERTIFICATE-----\n';
const EXPECTED_FILES = ['400 /etc/web/tls/server.key', '440 /etc/web/tls/certs/server.crt'];

let srv: DevServer;
let kube: FakeKube;

before(async () => {
  checkPodRunner();
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-no-sa-'), 'absent');
  kube = await startFakeKube();
  srv = await startDevServer(ROOT);
  kube.createNamespace('shop');
  kube.createServiceAccount('shop', 'web');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
  for (const [m, p, b] of [
    ['POST', 'sys/auth/kubernetes', { type: 'kubernetes' }],
    ['POST', 'auth/kubernetes/config', { token_reviewer_jwt: kube.legacyToken('default', 'vault-auth'), kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem }],
  ] as const) {
    const r = await api(srv.addr, m, p, { token: ROOT, body: b });
    assert.ok(r.status < 300, `${p}: ${r.text}`);
  }
});
after(async () => {
  await srv?.stop();
  await kube?.close();
});

describe('a migrated pod, injected and run as a kubelet would', () => {
  it('sees the same variables and files (names, content, modes) as the original Secrets gave it', async () => {
    const dir = tempDir('coffer-migrated-');
    cpSync(join(FIXTURE, 'apps'), join(dir, 'apps'), { recursive: true });
    const webFile = join(dir, 'apps/web.yaml');
    writeFileSync(webFile, readFileSync(webFile, 'utf8').replace('args: ["exec web-server --port=8080"]', `args: [${JSON.stringify(APP)}]`));

    const r = await coffer(['k8s', 'migrate', '-apply', 'apps'], { cwd: dir, env: { VAULT_ADDR: srv.addr, VAULT_TOKEN: ROOT } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const v of VALUES) assert.ok(!r.stdout.includes(v) && !r.stderr.includes(v), v);

    const deployment = parseAllDocuments(readFileSync(webFile, 'utf8'), { version: '1.1' })
      .map((d) => d.toJS() as { kind: string; spec: { template: Pod } })
      .find((o) => o.kind === 'Deployment')!;
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', ...structuredClone(deployment.spec.template) };
    pod.metadata = { ...pod.metadata, name: 'web-0', namespace: 'shop' };
    // As the API server admits it: the service-account token volume. The runner cannot resolve a
    // ConfigMap reference, so the one unrelated configMapKeyRef variable is left out.
    const app = pod.spec!.containers[0]!;
    app.env = (app.env ?? []).filter((e) => e.name !== 'LOG_LEVEL');
    if (app.env.length === 0) delete app.env;
    delete app.envFrom;
    app.volumeMounts = [...(app.volumeMounts ?? []), { name: SA_VOLUME, mountPath: SA_PATH, readOnly: true }];
    pod.spec!.volumes = [...(pod.spec!.volumes ?? []), { name: SA_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];

    const res = review(
      { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'm1', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'shop', operation: 'CREATE', object: pod } },
      defaultSettings({ vaultAddress: srv.addr, image: 'coffer' }),
    );
    assert.equal(res.http, 200);
    if (res.http !== 200) return;
    assert.equal(res.body.response.allowed, true, res.body.response.status?.message);
    const ops = JSON.parse(Buffer.from(res.body.response.patch!, 'base64').toString('utf8')) as fastJsonPatch.Operation[];
    const injected = fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument as Pod;

    const saDir = serviceAccountVolume(kube.projectedToken('shop', 'web', { podName: 'web-0' }), kube.caPem, 'shop');
    const p = await runPod({ pod: injected, volumeSources: { [SA_VOLUME]: saDir }, path: [cofferBinDir(COFFER_BIN)] });
    try {
      const web = p.containers.get('web')!;
      assert.equal(await web.exited, 0, p.describe());
      // The app's own output, without the wrapping agent's log lines.
      const out = web.output().split('\n').filter((l) => !/^\d{4}-\d\d-\d\dT[\d:.]+Z \[/.test(l)).join('\n');
      const [envPart, rest] = out.split('files:\n');
      assert.deepEqual(envPart!.trim().split('\n'), EXPECTED_ENV, p.describe());
      assert.ok(!out.includes('DB_REPLICA_PASSWORD'), 'the optional key the Secret lacked is still unset');
      const lines = rest!.split('\n');
      assert.deepEqual(lines.slice(0, 2), EXPECTED_FILES, p.describe());
      assert.equal(lines.slice(2).join('\n'), KEY + CRT, p.describe());
      // The same, seen from the host: the volume the agent rendered into.
      const vol = p.volumeDir('vault-secrets-custom-0');
      assert.equal(readFileSync(join(vol, 'server.key'), 'utf8'), KEY);
      assert.equal(statSync(join(vol, 'server.key')).mode & 0o777, 0o400);
      assert.equal(statSync(join(vol, 'certs/server.crt')).mode & 0o777, 0o440);
    } finally {
      await p.stop();
    }
  });
});
