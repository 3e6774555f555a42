// The migration plan over the fixture repository (test/fixtures/migrate/repo), without a server:
// which Secrets move and which stay (conflicts, unsafe files), the rewritten manifests (valid
// against Kubernetes' schemas, every untouched byte kept, accepted by the injector's own annotation
// reader with the same files, modes and variables the Secrets gave), the policies, and no value in
// any output.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diffLines } from 'diff';
import { parseAllDocuments } from 'yaml';
import { buildPlan, formatJson, formatText, type KvState } from '../../../src/k8s/migrate/index.js';
import { buildPlan as injectorPlan, defaultSettings } from '../../../src/k8s/annotations/index.js';
import type { Pod } from '../../../src/k8s/pod.js';
import { validateStrict } from '../../support/k8s-schema.js';
import { fixtureFiles, FIXTURE, OPTIONS, VALUES } from './fixture.js';

function objects(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text, { version: '1.1' })
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((o): o is Record<string, unknown> => o !== null);
}

function podOf(o: Record<string, unknown>): Pod {
  const get = (x: unknown, ...keys: string[]): unknown => keys.reduce((v, k) => (v as Record<string, unknown> | undefined)?.[k], x);
  const t = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? get(o, 'spec', 'jobTemplate', 'spec', 'template') : get(o, 'spec', 'template');
  const pod = structuredClone(t) as Pod;
  // As the API server does when it creates the pod: the service-account token volume.
  pod.spec!.containers.forEach((c) => (c.volumeMounts = [...(c.volumeMounts ?? []), { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]));
  return pod;
}

describe('k8s migrate plan (fixture repository)', () => {
  const files = fixtureFiles();
  const plan = buildPlan(files, OPTIONS, new Map());
  const after = (path: string): string | null => plan.files.find((f) => f.path === path)!.after;

  it('moves the three usable Secrets; the Ingress TLS, image pull and Helm ones stay, each reported', () => {
    assert.deepEqual(plan.kv.map((w) => [w.path, w.keys.map((k) => k.key)]), [
      ['secret/shop/api-keys', ['PAYMENT_API_KEY', 'SEARCH_TOKEN']],
      ['secret/shop/web-files', ['server.crt', 'server.key']],
      ['secret/shop/db-credentials', ['password', 'username']],
    ]);
    assert.deepEqual(plan.files.map((f) => f.path).sort(), ['apps/debug-pod.json', 'apps/report-cron.yaml', 'apps/secrets.yaml', 'apps/web.yaml']);
    assert.equal(after('apps/secrets.yaml'), null, 'a file of Secrets only is removed');
    const problems = plan.problems.map((p) => `${p.file}: ${p.message}`);
    assert.ok(problems.some((p) => /^helm\/templates\/secret\.yaml: left untouched: a Helm/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^unsafe\/ingress\.yaml: left untouched: Ingress shop\/shop names Secret shop-tls at \.spec\.tls\[0\]\.secretName/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^unsafe\/registry\.yaml: left untouched: Deployment shop\/worker: imagePullSecrets/.test(p)), problems.join('\n'));
    assert.ok(problems.some((p) => /^unsafe\/registry\.yaml: Secret shop\/registry-pull stays: an image pull Secret/.test(p)), problems.join('\n'));
    assert.ok(!plan.files.some((f) => f.path.startsWith('unsafe/') || f.path.startsWith('helm/')));
  });

  it('rewritten manifests validate strictly against the Kubernetes schemas', () => {
    for (const f of plan.files) {
      if (f.after === null) continue;
      const objs = f.path.endsWith('.json') ? [JSON.parse(f.after) as Record<string, unknown>] : objects(f.after);
      for (const o of objs) {
        // No CronJob schema here: its job template is checked as the Job it makes.
        const checked = o.kind === 'CronJob' ? { apiVersion: 'batch/v1', kind: 'Job', metadata: o.metadata, spec: (o.spec as { jobTemplate: { spec: unknown } }).jobTemplate.spec } : o;
        assert.deepEqual(validateStrict(checked), [], `${f.path} ${String(o.kind)}`);
      }
      assert.ok(!objs.some((o) => o.kind === 'Secret'), `${f.path} has no Secret left`);
    }
  });

  it('keeps every untouched byte: only the Secret, the moved entries and volumes go; only annotations come', () => {
    const before = readFileSync(join(FIXTURE, 'apps/web.yaml'), 'utf8');
    const changes = diffLines(before, after('apps/web.yaml')!);
    const added = changes.filter((c) => c.added).flatMap((c) => c.value.split('\n').filter((l) => l !== ''));
    for (const l of added) assert.match(l, /^ {6}annotations:$|^ {8}(vault\.hashicorp\.com|coffer\.dev)\//, l);
    const removed = changes.filter((c) => c.removed).map((c) => c.value).join('');
    assert.match(removed, /^apiVersion: v1\nkind: Secret\n/);
    // Kept exactly as written (spacing, comments, flow style, anchors, YAML 1.1 octal modes elsewhere).
    for (const kept of ['  LOG_LEVEL:   info    # spacing kept as written\n', '          valueFrom: {configMapKeyRef: {name: web-config, key: LOG_LEVEL}}\n', '  labels: &labels\n', '    matchLabels: *labels\n', '        ports: [{containerPort: 8080}]\n', '# The web front end.\n', '# The web application: its database Secret, the Deployment, and a ConfigMap.\n']) {
      assert.ok(after('apps/web.yaml')!.includes(kept), kept);
    }
    for (const gone of ['secretKeyRef', 'secretRef', 'secretName', 'DB_REPLICA_PASSWORD', 'kind: Secret']) assert.ok(!after('apps/web.yaml')!.includes(gone), gone);
    // The CronJob keeps its own annotation and gets the injector's after it.
    assert.match(after('apps/report-cron.yaml')!, / {10}annotations:\n {12}team: data\n {12}vault\.hashicorp\.com\/agent-inject: "true"\n/);
  });

  it("the injector's own annotation reader accepts each rewritten pod and plans the same files, modes and variables", () => {
    const web = objects(after('apps/web.yaml')!).find((o) => o.kind === 'Deployment')!;
    const built = injectorPlan(podOf(web), 'shop', defaultSettings({ vaultAddress: 'https://coffer.coffer.svc:8200' }));
    assert.ok('plan' in built, JSON.stringify(built));
    if (!('plan' in built)) return;
    assert.deepEqual(built.plan.envVars.map((v) => `${v.name}=${v.path}#${v.key}`), [
      'DB_PASSWORD=secret/data/shop/db-credentials#password',
      'DB_USER=secret/data/shop/db-credentials#username',
      'PAYMENT_API_KEY=secret/data/shop/api-keys#PAYMENT_API_KEY',
      'SEARCH_TOKEN=secret/data/shop/api-keys#SEARCH_TOKEN',
    ]);
    assert.deepEqual(built.plan.secrets.map((s) => [s.destination, s.perms, s.path]).sort(), [
      ['/etc/web/tls/certs/server.crt', '0440', 'secret/data/shop/web-files'],
      ['/etc/web/tls/server.key', '0400', 'secret/data/shop/web-files'],
    ]);
    assert.deepEqual(built.plan.customMountPaths, ['/etc/web/tls']);
    assert.equal(built.plan.auth.config.role, 'migrated-shop-web');

    const debug = JSON.parse(after('apps/debug-pod.json')!) as Record<string, unknown>;
    const d = injectorPlan(podOf(debug), 'shop', defaultSettings({ vaultAddress: 'https://coffer.coffer.svc:8200' }));
    assert.ok('plan' in d, JSON.stringify(d));
    if ('plan' in d) assert.deepEqual(d.plan.secrets.map((s) => [s.destination, s.perms]).sort(), [['/keys/PAYMENT_API_KEY', '0400'], ['/keys/SEARCH_TOKEN', '0400']]);
  });

  it('one policy and role per service account, reading exactly the Secrets its pods used', () => {
    assert.deepEqual(plan.access.map((a) => [a.policyName, a.paths]), [
      ['migrated-shop-default', ['secret/data/shop/api-keys']],
      ['migrated-shop-report', ['secret/data/shop/db-credentials']],
      ['migrated-shop-web', ['secret/data/shop/api-keys', 'secret/data/shop/db-credentials', 'secret/data/shop/web-files']],
    ]);
    const web = plan.access.find((a) => a.serviceAccount === 'web')!;
    assert.deepEqual(web.role, { bound_service_account_names: ['web'], bound_service_account_namespaces: ['shop'], token_policies: ['migrated-shop-web'], token_ttl: '1h' });
    assert.match(web.policy, /^path "secret\/data\/shop\/web-files" \{\n {2}capabilities = \["read"\]\n\}$/m);
  });

  it('never shows a value, in text or JSON, dry run or not', () => {
    for (const out of [formatText(plan, false), formatText(plan, true), formatJson(plan, false)]) {
      for (const v of VALUES) assert.ok(!out.includes(v), `output shows ${v}`);
    }
    assert.match(formatText(plan, false), /password {2}sha256:[0-9a-f]{12}/);
  });

  it('-prefix and -mount go into the KV paths, templates and policies', () => {
    const p = buildPlan(files, { ...OPTIONS, mount: 'kv', prefix: 'apps/' }, new Map());
    assert.equal(p.kv[0]!.path, 'kv/apps/shop/api-keys');
    assert.match(p.files.find((f) => f.path === 'apps/report-cron.yaml')!.after!, /coffer\.dev\/agent-inject-env-DB_PASSWORD: "kv\/data\/apps\/shop\/db-credentials#password"/);
  });
});

describe('k8s migrate plan: what the server holds', () => {
  const files = fixtureFiles();
  it('a KV path with different data: that Secret stays, its consumers untouched, a conflict reported', () => {
    const states = new Map<string, KvState>([['shop/db-credentials', { state: 'conflict', version: 3 }]]);
    const plan = buildPlan(files, OPTIONS, states);
    assert.deepEqual(plan.kv.map((w) => w.secret), ['shop/api-keys', 'shop/web-files']);
    const web = plan.files.find((f) => f.path === 'apps/web.yaml')!.after!;
    assert.match(web, /kind: Secret\nmetadata:\n {2}name: db-credentials/);
    assert.match(web, /secretKeyRef:\n {14}name: db-credentials/);
    assert.ok(!plan.files.some((f) => f.path === 'apps/report-cron.yaml'), 'the CronJob only used the conflicting Secret');
    const c = plan.problems.find((p) => p.kind === 'conflict')!;
    assert.match(c.message, /secret\/shop\/db-credentials already holds different data \(version 3\).*coffer kv get secret\/shop\/db-credentials/);
  });

  it('a KV path with the same data: nothing to write, the manifests still move', () => {
    const states = new Map<string, KvState>([['shop/db-credentials', { state: 'same', version: 1 }]]);
    const plan = buildPlan(files, OPTIONS, states);
    assert.equal(plan.kv.find((w) => w.secret === 'shop/db-credentials')!.state, 'same');
    assert.ok(!plan.files.find((f) => f.path === 'apps/web.yaml')!.after!.includes('db-credentials\n'));
  });
});

describe('k8s migrate plan: uses it will not rewrite', () => {
  const secret = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  k: v-Secret-1\n';
  const deploy = (container: string, extra = ''): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n${extra}      containers:\n${container}`;
  const plan = (text: string) => buildPlan([{ path: 'x.yaml', content: `${secret}---\n${text}` }], OPTIONS, new Map());

  const cases: Array<[string, string, RegExp]> = [
    ['no command', deploy('      - name: app\n        image: i\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n'), /sets no command/],
    ['$(VAR) reference', deploy('      - name: app\n        image: i\n        command: [run, "--key=$(K)"]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n'), /uses \$\(K\) in its command/],
    ['missing key', deploy('      - name: app\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: nope}}\n'), /asks for key "nope"/],
    ['init container', deploy('      - name: app\n        image: i\n        command: [run]\n', '      initContainers:\n      - name: init\n        image: i\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n'), /initContainers "init" reads Secret s/],
    ['projected volume', deploy('      - name: app\n        image: i\n        command: [run]\n', '      volumes:\n      - name: p\n        projected:\n          sources:\n          - secret: {name: s}\n'), /projected volume "p"/],
    ['subPath', deploy('      - name: app\n        image: i\n        command: [run]\n        volumeMounts:\n        - {name: v, mountPath: /x/k, subPath: k}\n', '      volumes:\n      - name: v\n        secret: {secretName: s}\n'), /subPath/],
    ['different containers', deploy('      - name: a\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n      - name: b\n        image: i\n        command: [run]\n        env:\n        - name: L\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n'), /get different secrets/],
    ['an aliased env list', deploy('      - name: a\n        image: i\n        command: [run]\n        env: &common\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n      - name: b\n        image: i\n        command: [run]\n        env: *common\n'), /anchors or aliases/],
    ['another role', deploy('      - name: app\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n').replace('metadata: {labels: {a: b}}', 'metadata: {labels: {a: b}, annotations: {vault.hashicorp.com/role: mine}}'), /already logs in with role "mine"/],
  ];
  for (const [name, text, re] of cases) {
    it(`${name}: the file is left untouched, the Secret stays`, () => {
      const p = plan(text);
      assert.deepEqual(p.files, [], name);
      assert.deepEqual(p.kv, []);
      assert.ok(p.problems.some((x) => x.kind === 'unsafe' && re.test(x.message)), p.problems.map((x) => x.message).join('\n'));
    });
  }

  it('optional: true and a key the Secret lacks: the entry goes, no variable is asked for', () => {
    const p = plan(deploy('      - name: app\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n        - name: O\n          valueFrom: {secretKeyRef: {name: s, key: other, optional: true}}\n'));
    assert.deepEqual(p.problems, []);
    const text = p.files[0]!.after!;
    assert.match(text, /coffer\.dev\/agent-inject-env-K: "secret\/data\/default\/s#k"/);
    assert.ok(!text.includes('agent-inject-env-O') && !text.includes('name: O'));
  });

  it('envFrom: a key that env sets itself stays the env one (env wins in Kubernetes)', () => {
    const p = plan(deploy('      - name: app\n        image: i\n        command: [run]\n        env:\n        - {name: k, value: literal}\n        envFrom:\n        - secretRef: {name: s}\n'));
    assert.deepEqual(p.problems, []);
    assert.ok(!p.files[0]!.after!.includes('agent-inject-env-k'), p.files[0]!.after!);
  });

  it('a container that used no Secret gets none: agent-inject-containers names the ones that did', () => {
    const p = plan(deploy('      - name: a\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: s, key: k}}\n      - name: b\n        image: i\n        command: [run]\n'));
    assert.deepEqual(p.problems, []);
    assert.match(p.files[0]!.after!, /vault\.hashicorp\.com\/agent-inject-containers: "a"/);
  });

  it('a Secret no pod uses: moved, with a note that anything else reading it must change by hand', () => {
    const p = plan('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
    assert.equal(p.kv.length, 1);
    assert.match(p.notes.join('\n'), /Secret default\/s: no pod in these files uses it/);
    assert.equal(p.files[0]!.after, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n');
  });

  for (const [kind, apiVersion, at] of [['StatefulSet', 'apps/v1', 'spec:\n  serviceName: x\n  selector: {matchLabels: {a: b}}\n  template:\n'], ['DaemonSet', 'apps/v1', 'spec:\n  selector: {matchLabels: {a: b}}\n  template:\n'], ['ReplicaSet', 'apps/v1', 'spec:\n  selector: {matchLabels: {a: b}}\n  template:\n'], ['Job', 'batch/v1', 'spec:\n  template:\n']] as const) {
    it(`${kind}: its pod template is rewritten (a template without metadata gets one)`, () => {
      const text = `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: w\n${at}    spec:\n      restartPolicy: ${kind === 'Job' ? 'Never' : 'Always'}\n      containers:\n      - name: app\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom:\n            secretKeyRef: {name: s, key: k}\n`;
      const p = plan(text);
      assert.deepEqual(p.problems, []);
      const out = p.files[0]!.after!;
      assert.ok(out.endsWith(`${at}    spec:\n      restartPolicy: ${kind === 'Job' ? 'Never' : 'Always'}\n      containers:\n      - name: app\n        image: i\n        command: [run]\n    metadata:\n      annotations:\n        vault.hashicorp.com/agent-inject: "true"\n        vault.hashicorp.com/role: "migrated-default-default"\n        coffer.dev/agent-inject-env-K: "secret/data/default/s#k"\n`), out);
      const obj = parseAllDocuments(out, { version: '1.1' })[0]!.toJS() as Record<string, unknown>;
      if (kind !== 'ReplicaSet') assert.deepEqual(validateStrict(obj), []);
    });
  }

  it('an app running as its own user: the agent writes the files as that user (agent-run-as-same-user)', () => {
    const p = plan(deploy('      - name: app\n        image: i\n        command: [run]\n        securityContext: {runAsUser: 1000}\n        volumeMounts:\n        - {name: v, mountPath: /etc/app}\n', '      volumes:\n      - name: v\n        secret: {secretName: s, defaultMode: 0400}\n'));
    assert.deepEqual(p.problems, []);
    assert.match(p.files[0]!.after!, /vault\.hashicorp\.com\/agent-run-as-same-user: "true"/);
    assert.match(p.files[0]!.after!, /vault\.hashicorp\.com\/agent-inject-perms-v-k: "0400"/);
  });

  it('a Secret that stays next to a change: its lines are masked in the diff context too', () => {
    const text = `${secret}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: t\nstringData:\n  k: moving-Value-2\n---\n${deploy('      - name: app\n        image: i\n        command: [run]\n        env:\n        - name: K\n          valueFrom: {secretKeyRef: {name: t, key: k}}\n')}`;
    const p = buildPlan([{ path: 'x.yaml', content: text }], OPTIONS, new Map<string, KvState>([['default/s', { state: 'conflict', version: 2 }]]));
    assert.deepEqual(p.kv.map((w) => w.secret), ['default/t']);
    const out = formatText(p, false);
    assert.match(out, /^ {3}k: <masked>$/m, out);
    for (const v of ['v-Secret-1', 'moving-Value-2']) assert.ok(!out.includes(v) && !formatJson(p, false).includes(v), v);
  });

  it('a second Secret for a migrated pod: its files (with injector templates) are not taken for Helm templates', () => {
    const first = plan(deploy('      - name: app\n        image: i\n        command: [run]\n        volumeMounts:\n        - {name: v, mountPath: /etc/app}\n', '      volumes:\n      - name: v\n        secret: {secretName: s}\n'));
    const migrated = first.files[0]!.after!;
    assert.match(migrated, /agent-inject-template-v-k: "\{\{ with secret/);
    const second = buildPlan([{ path: 'x.yaml', content: migrated }, { path: 'y.yaml', content: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: v-Secret-1}\n' }], OPTIONS, new Map());
    assert.deepEqual(second.problems, []);
    // A real Helm template still is one.
    const helm = buildPlan([{ path: 'h.yaml', content: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {k: "{{ .Values.k }}"}\n' }], OPTIONS, new Map());
    assert.match(helm.problems[0]!.message, /a Helm \(Go\) template/);
  });

  it('a Secret defined twice is not moved', () => {
    const p = buildPlan([{ path: 'a.yaml', content: secret }, { path: 'b.yaml', content: secret }], OPTIONS, new Map());
    assert.deepEqual(p.kv, []);
    assert.match(p.problems[0]!.message, /defined more than once/);
  });

  it('binary data is not moved (KV holds text)', () => {
    const p = buildPlan([{ path: 'a.yaml', content: 'apiVersion: v1\nkind: Secret\nmetadata: {name: b}\ndata:\n  k: //79/A==\n' }], OPTIONS, new Map());
    assert.deepEqual(p.kv, []);
    assert.match(p.problems[0]!.message, /binary/);
  });
});
