// Injected pods run the way a kubelet runs them (test/support/pod-runner: each container in its own
// mount namespace, emptyDirs shared, the service-account token volume filled from the fake
// Kubernetes API), against a real `coffer server -dev` with the tutorial's (seed/) Kubernetes auth
// set up, corrected: auth at kube-policy, role my-role for my-sa in app-namespace, policy on
// secret/data/myapp/*. (a) classic init container + sidecar, the app `cat`s its rendered file;
// (b) the same with the native sidecar; (c) the secret as an environment variable of the app
// process, on this machine's image and on a scratch image that has only a static binary (no
// shell, no node, no C library); (d) a container without command exits saying why (its log and
// termination message).

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fastJsonPatch from 'fast-json-patch';
import { defaultSettings, type InjectorSettings } from '../../src/k8s/annotations/index.js';
import { review } from '../../src/k8s/injector/index.js';
import type { Container, Pod } from '../../src/k8s/pod.js';
import { api } from '../support/http.js';
import { startFakeKube, type FakeKube } from '../support/fake-kube/index.js';
import { checkPodRunner, cofferBinDir, runPod, serviceAccountVolume, type RunningPod } from '../support/pod-runner/index.js';
import { COFFER_BIN, freePort, startDevServer, type DevServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';

const ROOT = 'pod-root';
const NS = 'app-namespace';
const SA_VOLUME = 'kube-api-access-x7k2p';
const SA_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const V = 'vault.hashicorp.com/';
const C = 'coffer.dev/';
const TEMPLATE = `{{- with secret "secret/data/myapp/config" }}
export AWS_ACCESS_KEY_ID='{{ .Data.data.aws_access_key_id }}'
export AWS_SECRET_ACCESS_KEY='{{ .Data.data.aws_secret_access_key }}'
{{- end }}
`;

let srv: DevServer;
let kube: FakeKube;
let binDir: string;
let saDir: string;
let scratchRoot: string;

before(async () => {
  checkPodRunner(); // fails the file at once, with the reason, where unshare cannot work
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-no-sa-'), 'absent');
  kube = await startFakeKube();
  srv = await startDevServer(ROOT);
  kube.createNamespace(NS);
  kube.createServiceAccount(NS, 'my-sa');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
  const root = (method: string, path: string, body?: unknown) => api(srv.addr, method, path, { token: ROOT, body });
  const steps: [string, string, unknown][] = [
    ['POST', 'sys/auth/kube-policy', { type: 'kubernetes' }],
    ['POST', 'auth/kube-policy/config', { token_reviewer_jwt: kube.legacyToken('default', 'vault-auth'), kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem }],
    ['PUT', 'sys/policies/acl/myapp-policy', { policy: 'path "secret/data/myapp/*" {\n  capabilities = ["read", "list"]\n}\n' }],
    ['POST', 'auth/kube-policy/role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: NS, policies: 'myapp-policy' }],
    ['PUT', 'secret/data/myapp/config', { data: { aws_access_key_id: 'AKIAPODTEST', aws_secret_access_key: 's3cr3t-from-coffer' } }],
  ];
  for (const [m, p, b] of steps) {
    const r = await root(m, p, b);
    assert.ok(r.status < 300, `${m} ${p}: ${r.status} ${r.text}`);
  }
  binDir = cofferBinDir(COFFER_BIN);
  saDir = serviceAccountVolume(kube.projectedToken(NS, 'my-sa', { podName: 'my-app' }), kube.caPem, NS);
  // A scratch image: one static binary that prints the variables named in its arguments.
  scratchRoot = tempDir('coffer-scratch-');
  const src = join(tempDir('coffer-cc-'), 'printenv.c');
  writeFileSync(src, '#include <stdio.h>\n#include <stdlib.h>\nint main(int c, char **v) { for (int i = 1; i < c; i++) { const char *x = getenv(v[i]); printf("%s=%s\\n", v[i], x ? x : "(unset)"); } return 0; }\n');
  mkdirSync(join(scratchRoot, 'app'));
  execFileSync('gcc', ['-static', '-O2', '-o', join(scratchRoot, 'app', 'printenv'), src]);
  assert.ok(!existsSync(join(scratchRoot, 'bin')) && !existsSync(join(scratchRoot, 'lib')), 'the scratch image has no shell and no libraries');
});
after(async () => {
  await srv?.stop();
  await kube?.close();
});

function makePod(annotations: Record<string, string>, app: Partial<Container>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'my-app', namespace: NS, annotations: { [`${V}agent-inject`]: 'true', [`${V}role`]: 'my-role', [`${V}auth-path`]: 'auth/kube-policy', ...annotations } },
    spec: {
      serviceAccountName: 'my-sa',
      containers: [{ name: 'app', image: 'debian', volumeMounts: [{ name: SA_VOLUME, mountPath: SA_PATH, readOnly: true }], ...app }],
      volumes: [{ name: SA_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    },
  };
}

function inject(pod: Pod, settings: Partial<InjectorSettings> = {}): { pod: Pod; warnings: string[] } {
  const r = review({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u1', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: NS, operation: 'CREATE', object: pod } }, defaultSettings({ vaultAddress: srv.addr, image: 'coffer', ...settings }));
  assert.equal(r.http, 200);
  if (r.http !== 200) throw new Error('unreachable');
  const res = r.body.response;
  assert.equal(res.allowed, true, res.status?.message);
  const ops = JSON.parse(Buffer.from(res.patch!, 'base64').toString('utf8')) as fastJsonPatch.Operation[];
  return { pod: fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument as Pod, warnings: res.warnings ?? [] };
}

async function run(pod: Pod): Promise<RunningPod> {
  return runPod({ pod, volumeSources: { [SA_VOLUME]: saDir }, path: [binDir], images: { scratch: scratchRoot } });
}

async function appOutput(p: RunningPod): Promise<{ code: number; out: string }> {
  const app = p.containers.get('app')!;
  const code = await app.exited;
  return { code, out: app.output() };
}

const fileAnnotations = { [`${V}agent-inject-secret-cloudwatch-secrets`]: 'secret/data/myapp/config', [`${V}agent-inject-template-cloudwatch-secrets`]: TEMPLATE };
// As Go's text/template renders it: the newline after the with action stays.
const EXPECTED_FILE = "\nexport AWS_ACCESS_KEY_ID='AKIAPODTEST'\nexport AWS_SECRET_ACCESS_KEY='s3cr3t-from-coffer'\n";

describe('injected pods, run as a kubelet would', () => {
  it('(a) classic: vault-agent-init renders the file before the app starts; the app cats it; vault-agent keeps running', async () => {
    const { pod } = inject(makePod(fileAnnotations, { command: ['cat', '/vault/secrets/cloudwatch-secrets'] }));
    assert.deepEqual(pod.spec!.initContainers!.map((c) => c.name), ['vault-agent-init']);
    const p = await run(pod);
    try {
      const { code, out } = await appOutput(p);
      assert.equal(code, 0, p.describe());
      assert.equal(out, EXPECTED_FILE, p.describe());
      assert.equal(await p.containers.get('vault-agent-init')!.exited, 0);
      const side = p.containers.get('vault-agent')!;
      await side.waitForOutput(/token written: path=\/home\/vault\/.vault-token/); // logged in (the file is unchanged, so no render is logged)
      assert.equal(side.proc.exitCode, null, `the sidecar keeps running:\n${p.describe()}`);
    } finally {
      await p.stop();
    }
    assert.equal(await p.containers.get('vault-agent')!.exited, 0, `the sidecar stops cleanly on SIGTERM:\n${p.describe()}`);
  });

  it('(b) native sidecar: started, its startupProbe passes once the file is rendered, then the app cats it', async () => {
    const port = await freePort();
    const { pod } = inject(makePod({ ...fileAnnotations, [`${C}readiness-port`]: String(port) }, { command: ['cat', '/vault/secrets/cloudwatch-secrets'] }), { kubeVersion: { major: 1, minor: 30 } });
    const agent = pod.spec!.initContainers!.find((c) => c.name === 'vault-agent')!;
    assert.equal(agent.restartPolicy, 'Always');
    assert.equal(agent.startupProbe?.httpGet?.port, port);
    const p = await run(pod);
    try {
      const { code, out } = await appOutput(p);
      assert.equal(code, 0, p.describe());
      assert.equal(out, EXPECTED_FILE, p.describe());
      assert.equal(p.containers.get('vault-agent')!.proc.exitCode, null, p.describe());
    } finally {
      await p.stop();
    }
  });

  it("(c) env var: the app process starts with the secret in its environment, its own args' $(VAR) expanded", async () => {
    const { pod, warnings } = inject(
      makePod(
        { [`${C}agent-inject-env-AWS_ACCESS_KEY_ID`]: 'secret/data/myapp/config#aws_access_key_id', [`${C}agent-inject-env-AWS_SECRET_ACCESS_KEY`]: 'secret/data/myapp/config#aws_secret_access_key' },
        { command: ['/bin/sh', '-c'], args: ['echo "id=$AWS_ACCESS_KEY_ID secret=$AWS_SECRET_ACCESS_KEY region=$1"', 'sh', '$(REGION)'], env: [{ name: 'REGION', value: 'eu-west-1' }] },
      ),
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(pod.spec!.containers.map((c) => c.name), ['app'], 'no agent container: the wrapper logs in itself');
    const p = await run(pod);
    try {
      const { code, out } = await appOutput(p);
      assert.equal(code, 0, p.describe());
      assert.match(out, /^id=AKIAPODTEST secret=s3cr3t-from-coffer region=eu-west-1$/m, p.describe());
      assert.ok(!p.containers.get('coffer-env-init')!.output().includes('s3cr3t'), 'the launcher install never sees a secret');
    } finally {
      await p.stop();
    }
  });

  it('(c) env var on a scratch image (a static binary, no shell, no node, no libc): the launcher brings its own', async () => {
    const { pod } = inject(
      makePod({ [`${C}agent-inject-env-AWS_ACCESS_KEY_ID`]: 'secret/data/myapp/config#aws_access_key_id' }, { image: 'scratch', command: ['/app/printenv', 'AWS_ACCESS_KEY_ID', 'HOME'] }),
    );
    const p = await run(pod);
    try {
      const { code, out } = await appOutput(p);
      assert.equal(code, 0, p.describe());
      assert.match(out, /^AWS_ACCESS_KEY_ID=AKIAPODTEST$/m, p.describe());
    } finally {
      await p.stop();
    }
  });

  it('(d) no command in the pod spec: an admission warning, and the container exits 1 saying what to do', async () => {
    const { pod, warnings } = inject(makePod({ [`${C}agent-inject-env-AWS_ACCESS_KEY_ID`]: 'secret/data/myapp/config#aws_access_key_id' }, { image: 'scratch' }));
    assert.equal(warnings.length, 1);
    const p = await run(pod);
    try {
      const { code, out } = await appOutput(p);
      assert.equal(code, 1, p.describe());
      assert.match(out, /container "app" asks for secrets as environment variables .* set command \(and args\) in the pod spec/);
      assert.match(p.containers.get('app')!.terminationMessage(), /^Coffer: container "app" asks for secrets as environment variables .* set command \(and args\) in the pod spec to what the image runs$/, 'kubectl describe pod shows it');
      assert.ok(!out.includes('AKIAPODTEST'));
    } finally {
      await p.stop();
    }
  });
});
