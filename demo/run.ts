// `npm run demo`: the tutorial (/work/shared/seed/, test/fixtures/k8s-doctor/seed/) end to end on
// this machine with no cluster, its mistakes fixed: a Coffer server with TLS, the fake Kubernetes
// API, Kubernetes auth at kube-policy, the policy and the role, the tutorial's app as an annotated
// pod run through the injector and then as a kubelet would (test/support/pod-runner), the app
// printing its secret; then the tutorial's opening MySQL pod done right (the database engine on
// this machine's MariaDB gives the pod its own database user, which the app logs in with, and
// which is dropped when its lease is revoked); then what `coffer k8s doctor` says about the
// tutorial's original files.
// Prints each step (what it does, the command a user would type, the result), never a token or a
// secret (only the app's own output shows the secret, which is the point). Needs root and
// `unshare -m` (exit 2 otherwise). Everything it starts or creates is removed at the end, also on
// failure and on Ctrl-C.

import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import fastJsonPatch from 'fast-json-patch';
import { defaultSettings } from '../src/k8s/annotations/index.js';
import { review } from '../src/k8s/injector/index.js';
import type { Pod } from '../src/k8s/pod.js';
import { startFakeKube, type FakeKube } from '../test/support/fake-kube/index.js';
import { api, type ApiResult } from '../test/support/http.js';
import { createMariadbAdmin, MARIADB_HOST, MARIADB_PORT, mariadbUserExists, type MariadbAdmin } from '../test/support/mariadb-admin.js';
import { checkPodRunner, cofferBinDir, runPod, serviceAccountVolume, type RunningPod } from '../test/support/pod-runner/index.js';
import { COFFER_BIN, startTlsServer, type ServerProcess } from '../test/support/server.js';
import { makeTestPki } from '../test/support/tls.js';
import { removeTempDirs, tempDir } from '../test/support/tmp.js';

const REPO = resolve(import.meta.dirname, '../..');
const SEED = join(REPO, 'test/fixtures/k8s-doctor/seed');
const NS = 'app-namespace';
const SA_VOLUME = 'kube-api-access-x7k2p';
const SA_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const TLS_SECRET = 'coffer-ca';
const V = 'vault.hashicorp.com/';
// The tutorial's template, with mistake 1 fixed: on KV v2 the fields are under .Data.data.
const TEMPLATE = `{{- with secret "secret/data/myapp/config" -}}
export AWS_ACCESS_KEY_ID='{{ .Data.data.aws_access_key_id }}'
export AWS_SECRET_ACCESS_KEY='{{ .Data.data.aws_secret_access_key }}'
{{ end -}}
`;
// Made-up values in AWS's documented example format: the secret the app prints at the end.
const SECRET = { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

let stepNo = 0;
let interrupted = false;
const out = (s = ''): void => void process.stdout.write(`${s}\n`);
const indent = (s: string): string =>
  s
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

function step(what: string, command: string): void {
  if (interrupted) throw new Error('interrupted');
  out();
  out(`== Step ${++stepNo}: ${what}`);
  out(indent(command.split('\n').map((l, i) => (i === 0 ? `$ ${l}` : `  ${l}`)).join('\n')));
}
const result = (s: string): void => out(indent(s).replace(/^ {4}/, '  → ').replace(/\n {4}/g, '\n    '));

// What is running, for cleanup (in reverse order of start).
const cleanups: { name: string; run: () => Promise<unknown> }[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        await c.run();
      } catch (e) {
        process.stderr.write(`demo: stopping ${c.name}: ${(e as Error).message}\n`);
      }
    }
    removeTempDirs();
  })();
  return cleaning;
}

/** Registers what `starting` starts for cleanup at once, so a Ctrl-C while it starts still stops it. */
function started<T>(name: string, starting: Promise<T>, stop: (t: T) => Promise<unknown>): Promise<T> {
  cleanups.push({ name, run: async () => {
    const t = await starting.catch(() => undefined); // a start that failed has cleaned up after itself
    if (t !== undefined) await stop(t);
  } });
  return starting;
}

function checkOk(r: ApiResult, what: string): ApiResult {
  // The error text of a Vault-style API never holds the secret or token sent to it.
  if (r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text}`);
  return r;
}

function runCoffer(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const p = spawn(process.execPath, [COFFER_BIN, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((res, rej) => {
    p.on('error', rej);
    p.on('close', (code) => res({ code: code ?? 1, stdout, stderr }));
  });
  cleanups.push({
    name: `coffer ${args.slice(0, 2).join(' ')}`,
    run: async () => {
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGTERM');
      await done.catch(() => undefined);
    },
  });
  return done;
}

// The tutorial's MySQL pod's credentials, as the lines its shell sources (DB_USER, DB_PASSWORD).
const DB_TEMPLATE = `{{- with secret "database/creds/app" -}}
export DB_USER='{{ .Data.username }}'
export DB_PASSWORD='{{ .Data.password }}'
{{- end }}
`;
const DB_CREATION = "CREATE USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'; GRANT SELECT ON *.* TO '{{name}}'@'%';";

/** The tutorial's opening pod (mysql-db, container db), its plaintext Secret replaced by annotations. */
function mysqlPod(): Pod {
  const app = resolve(import.meta.dirname, 'mysql-app.js');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'mysql-db',
      namespace: NS,
      annotations: {
        [`${V}agent-inject`]: 'true',
        [`${V}role`]: 'db-app',
        [`${V}auth-path`]: 'auth/kube-policy',
        [`${V}agent-inject-secret-db-creds`]: 'database/creds/app',
        [`${V}agent-inject-template-db-creds`]: DB_TEMPLATE,
        [`${V}tls-secret`]: TLS_SECRET,
        [`${V}ca-cert`]: '/vault/tls/ca.crt',
      },
    },
    spec: {
      serviceAccountName: 'my-sa',
      containers: [
        {
          name: 'db',
          image: 'mysql',
          env: [
            { name: 'DB_HOST', value: MARIADB_HOST },
            { name: 'DB_PORT', value: String(MARIADB_PORT) },
          ],
          command: ['/bin/sh'],
          // The tutorial ran `mysql -u $DB_USER -p$DB_PASSWORD -h $DB_HOST`; the demo's app does the same with mysql2.
          args: ['-c', `. /vault/secrets/db-creds && exec ${process.execPath} ${app}`],
          volumeMounts: [{ name: SA_VOLUME, mountPath: SA_PATH, readOnly: true }],
        },
      ],
      volumes: [{ name: SA_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    },
  };
}

function tutorialPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'my-app',
      namespace: NS,
      annotations: {
        [`${V}agent-inject`]: 'true',
        [`${V}role`]: 'my-role',
        [`${V}auth-path`]: 'auth/kube-policy',
        [`${V}agent-inject-secret-config.txt`]: 'secret/data/myapp/config',
        [`${V}agent-inject-template-config.txt`]: TEMPLATE,
        [`${V}tls-secret`]: TLS_SECRET,
        [`${V}ca-cert`]: '/vault/tls/ca.crt',
      },
    },
    spec: {
      serviceAccountName: 'my-sa',
      containers: [{ name: 'app', image: 'debian', command: ['cat', '/vault/secrets/config.txt'], volumeMounts: [{ name: SA_VOLUME, mountPath: SA_PATH, readOnly: true }] }],
      volumes: [{ name: SA_VOLUME, projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
    },
  };
}

async function main(): Promise<number> {
  out('Coffer demo: the tutorial "Securing Kubernetes secrets with Vault", end to end on this machine, no cluster.');
  try {
    if (process.getuid?.() !== 0) throw new Error('not running as root');
    checkPodRunner();
  } catch (e) {
    process.stderr.write(
      `demo: this demo needs root and \`unshare -m\` (util-linux) on Linux, to run the pod's containers each in its own mount namespace as a kubelet would.\n` +
        `  ${(e as Error).message}\n  Run it as root (e.g. sudo npm run demo, or in a container started with --privileged).\n`,
    );
    return 2;
  }
  // The server must not pick up a real service-account directory of this machine.
  process.env.COFFER_K8S_SA_DIR = join(tempDir('coffer-demo-no-sa-'), 'absent');
  const work = tempDir('coffer-demo-');

  step('Make a CA and a certificate for 127.0.0.1, so Coffer serves TLS', 'openssl req -x509 -newkey ec ... -out ca.pem; openssl x509 -req ... -out server.pem');
  const pki = makeTestPki(work);
  result(`CA ${relative(work, pki.caFile)} and server certificate ${relative(work, pki.certFile)} (SAN IP:127.0.0.1) in a temporary folder`);

  step(
    'Start a Coffer server: SQLite storage, a TLS listener',
    'cat > server.hcl <<EOF\nstorage "sqlite" { path = "coffer.db" }\nlistener "tcp" { address = "127.0.0.1:PORT"  tls_cert_file = "server.pem"  tls_key_file = "server.key" }\nEOF\ncoffer server -config=server.hcl',
  );
  const srv: ServerProcess = await started('the Coffer server', startTlsServer(`storage "sqlite" {\n  path = "${join(work, 'coffer.db')}"\n}`, pki, work), (s) => s.stop());
  const ca = pki.ca;
  result(`listening on ${srv.addr} (pid ${srv.proc.pid})`);

  step('Initialize and unseal it (one key share here; the keys and root token stay inside this demo)', `export VAULT_ADDR=${srv.addr} VAULT_CACERT=ca.pem\ncoffer operator init -key-shares=1 -key-threshold=1\ncoffer operator unseal <key>`);
  const init = checkOk(await api(srv.addr, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 }, ca }), 'init');
  const keys = init.body.keys as string[];
  const root = init.body.root_token as string;
  const unseal = checkOk(await api(srv.addr, 'PUT', 'sys/unseal', { body: { key: keys[0] }, ca }), 'unseal');
  result(`initialized; sealed: ${String(unseal.body.sealed)}`);
  const as = (method: string, path: string, body?: unknown): Promise<ApiResult> => api(srv.addr, method, path, { token: root, body, ca }).then((r) => checkOk(r, `${method} ${path}`));

  step('Mount KV version 2 at secret/ and write the app\'s secret (the values are not shown here; the app prints them at the end)', 'coffer secrets enable -path=secret -version=2 kv\ncoffer kv put secret/myapp/config aws_access_key_id=... aws_secret_access_key=...');
  await as('POST', 'sys/mounts/secret', { type: 'kv', options: { version: '2' } });
  const put = await as('PUT', 'secret/data/myapp/config', { data: SECRET });
  result(`secret/data/myapp/config, version ${String(put.body.data.version)}`);

  step(
    'Start the fake Kubernetes API (HTTPS with its own CA): namespace app-namespace with service account my-sa; default/vault-auth bound to system:auth-delegator',
    'npm run fake-kube   # or, on a cluster: kubectl create sa my-sa -n app-namespace; kubectl create clusterrolebinding ... --clusterrole=system:auth-delegator',
  );
  const kube: FakeKube = await started('the fake Kubernetes API', startFakeKube(), (k) => k.close());
  kube.createNamespace(NS);
  kube.createServiceAccount(NS, 'my-sa');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');
  result(`listening on ${kube.url}`);

  step(
    'Enable Kubernetes auth at kube-policy and point it at the Kubernetes API (the reviewer JWT from a token Secret, not a ServiceAccount\'s .secrets[], which is empty since 1.24)',
    'coffer auth enable -path=kube-policy kubernetes\ncoffer write auth/kube-policy/config kubernetes_host="$K8S_HOST" kubernetes_ca_cert=@k8s-ca.pem token_reviewer_jwt="$TOKEN_REVIEWER_JWT"',
  );
  await as('POST', 'sys/auth/kube-policy', { type: 'kubernetes' });
  await as('POST', 'auth/kube-policy/config', { token_reviewer_jwt: kube.legacyToken('default', 'vault-auth'), kubernetes_host: kube.url, kubernetes_ca_cert: kube.caPem });
  result('auth/kube-policy/ is a kubernetes auth method, configured');

  const policy = 'path "secret/data/myapp/*" {\n  capabilities = ["read", "list"]\n}\n';
  step('Write the policy (the tutorial\'s, with its path fixed for KV v2: secret/data/myapp/*)', `coffer policy write myapp-policy - <<EOF\n${policy}EOF`);
  await as('PUT', 'sys/policies/acl/myapp-policy', { policy });
  result('policy myapp-policy written');

  step('Write the role at the auth path it was enabled at (auth/kube-policy, not auth/kubernetes)', `coffer write auth/kube-policy/role/my-role bound_service_account_names=my-sa bound_service_account_namespaces=${NS} policies=myapp-policy`);
  await as('POST', 'auth/kube-policy/role/my-role', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: NS, policies: 'myapp-policy' });
  const role = await as('GET', 'auth/kube-policy/role/my-role');
  result(`role my-role binds ${String(role.body.data.bound_service_account_names)} in ${String(role.body.data.bound_service_account_namespaces)}, policies ${String(role.body.data.token_policies)}`);

  const pod = tutorialPod();
  step(
    "The tutorial's app as an annotated pod: the injector adds the agent, so no agent container, ConfigMap or shared volume by hand",
    'kubectl apply -f my-app.yaml   # the pod below; the admission webhook (coffer injector) mutates it',
  );
  out(indent(Object.entries(pod.metadata!.annotations!).map(([k, v]) => `${k}: ${v.includes('\n') ? `|\n${indent(v)}` : v}`).join('\n')));
  out(indent(`container app: ${pod.spec!.containers[0]!.command!.join(' ')}`));

  step('The injector mutates the pod (the AdmissionReview a kube-apiserver sends)', 'coffer injector -vault-address=... -tls-cert-file=... -tls-key-file=...   # as a MutatingWebhookConfiguration');
  const injected = inject(pod, srv.addr);

  step(
    'Run the mutated pod as a kubelet would: each container in its own mount namespace, the token volume from the fake Kubernetes API, the CA from the tls-secret',
    'kubectl get pod my-app -n app-namespace -w',
  );
  const tlsDir = tempDir('coffer-demo-tls-');
  writeFileSync(join(tlsDir, 'ca.crt'), ca, { mode: 0o644 });
  chmodSync(tlsDir, 0o755); // as a Secret volume: readable by the agent's non-root user
  const saDir = serviceAccountVolume(kube.projectedToken(NS, 'my-sa', { podName: 'my-app' }), kube.caPem, NS);
  const running: RunningPod = await started('the pod', runPod({ pod: injected, volumeSources: { [SA_VOLUME]: saDir, 'vault-tls-secrets': tlsDir }, path: [cofferBinDir(COFFER_BIN)] }), (p) => p.stop());
  const init0 = running.containers.get('vault-agent-init');
  if (init0) result(`vault-agent-init logged in at auth/kube-policy as my-sa, rendered /vault/secrets/config.txt and exited ${await init0.exited}`);
  const app = running.containers.get('app')!;
  const code = await app.exited;
  if (code !== 0) throw new Error(`the app exited ${code}:\n${running.describe()}`);
  result(`app started after it, and exited ${code}`);

  const sidecar = running.containers.get('vault-agent');
  if (sidecar) {
    await sidecar.waitForOutput(/token written/);
    result('vault-agent (the sidecar) logged in too and keeps the token and the file fresh');
  }

  step("The app's output: the tutorial's secret, from Coffer", 'kubectl logs my-app -c app -n app-namespace');
  out(indent(app.output()));
  await running.stop();
  result('pod stopped (the vault-agent sidecar ends on SIGTERM)');

  await databasePod({ as, srvAddr: srv.addr, ca, kube });

  step("What `coffer k8s doctor` says about the tutorial's original files (the mistakes this demo fixed by hand)", `coffer k8s doctor -f ${relative(REPO, SEED)}`);
  const doc = await runCoffer(['k8s', 'doctor', '-f', relative(REPO, SEED)], { VAULT_ADDR: '', VAULT_TOKEN: '' });
  out(indent(doc.stdout + doc.stderr));
  result(`doctor exited ${doc.code} (1: findings)`);
  if (doc.code !== 1) throw new Error(`doctor exited ${doc.code}, expected 1 (findings)`);

  out();
  out('Done: everything this demo started is being stopped and its temporary files removed.');
  return 0;
}

/** The injector's mutation of a pod, as a kube-apiserver would apply it. */
function inject(pod: Pod, vaultAddress: string): Pod {
  const r = review(
    { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'demo', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: NS, operation: 'CREATE', object: pod } },
    defaultSettings({ vaultAddress, image: 'coffer' }),
  );
  if (r.http !== 200 || !r.body.response.allowed || !r.body.response.patch) throw new Error(`the injector refused the pod: ${JSON.stringify(r.body)}`);
  const ops = JSON.parse(Buffer.from(r.body.response.patch, 'base64').toString('utf8')) as fastJsonPatch.Operation[];
  const injected = fastJsonPatch.applyPatch(structuredClone(pod), ops, true, false).newDocument as Pod;
  const names = (cs: { name: string }[] | undefined): string => (cs ?? []).map((c) => c.name).join(', ') || '(none)';
  result(`${ops.length} JSON-patch operations; initContainers: ${names(injected.spec!.initContainers)}; containers: ${names(injected.spec!.containers)}; volumes: ${names(injected.spec!.volumes)}`);
  for (const w of r.body.response.warnings ?? []) result(`warning: ${w}`);
  return injected;
}

/**
 * The tutorial's opening pod done right: no plaintext Secret; the database engine creates a
 * MariaDB user for the pod (a lease the pod's agent renews), the app logs in with it, and revoking
 * the lease drops the user. Skipped (said so) when no MariaDB answers on 127.0.0.1:3306 as root.
 */
async function databasePod(o: { as: (method: string, path: string, body?: unknown) => Promise<ApiResult>; srvAddr: string; ca: string; kube: FakeKube }): Promise<void> {
  const { as, kube } = o;
  step(
    "The tutorial's opening pod, done right: a MariaDB admin user for Coffer (this machine's MariaDB on 127.0.0.1:3306; root's own password is left alone)",
    `mysql -u root -e "CREATE USER 'coffer_admin'@'%' IDENTIFIED BY '...'; GRANT ALL PRIVILEGES ON *.* TO 'coffer_admin'@'%' WITH GRANT OPTION"`,
  );
  let admin: MariadbAdmin;
  try {
    admin = await started('the MariaDB users this demo created', createMariadbAdmin(), async (a) => {
      // Revoking the leases drops their users through Coffer; whatever is left (a failed step) goes here.
      await as('PUT', 'sys/leases/revoke-prefix/database/creds/app').catch(() => undefined);
      await a.cleanup();
    });
  } catch (e) {
    result(`skipped the database steps: ${(e as Error).message}`);
    return;
  }
  result(`admin user ${admin.user} with a random password (dropped at the end of the demo, with every user made for the pod)`);

  step(
    'Enable the database secrets engine and connect it to MariaDB (the admin password is written, never read back)',
    `coffer secrets enable database
coffer write database/config/mariadb plugin_name=mysql-database-plugin connection_url="{{username}}:{{password}}@tcp(${MARIADB_HOST}:${MARIADB_PORT})/" allowed_roles=app username=${admin.user} password=...`,
  );
  await as('POST', 'sys/mounts/database', { type: 'database' });
  await as('POST', 'database/config/mariadb', {
    plugin_name: 'mysql-database-plugin',
    connection_url: admin.connectionUrl,
    username: admin.user,
    password: admin.password,
    allowed_roles: 'app',
    // The demo's tag in every name it makes, so its clean-up finds them all.
    username_template: `v-{{.RoleName}}-${admin.tag}-{{random 8}}`,
  });
  const cfg = await as('GET', 'database/config/mariadb');
  result(`database/config/mariadb: plugin ${String(cfg.body.data.plugin_name)}, allowed_roles ${String(cfg.body.data.allowed_roles)}, password not returned: ${String(!JSON.stringify(cfg.body.data).includes(admin.password))}`);

  step(
    'A role: each read of database/creds/app creates a MariaDB user with a random password and a one-hour lease (renewable up to a day)',
    `coffer write database/roles/app db_name=mariadb creation_statements="${DB_CREATION}" default_ttl=1h max_ttl=24h`,
  );
  await as('POST', 'database/roles/app', { db_name: 'mariadb', creation_statements: DB_CREATION, default_ttl: '1h', max_ttl: '24h' });
  result('role app written');

  const policy = 'path "database/creds/app" {\n  capabilities = ["read"]\n}\n';
  step('A policy and a Kubernetes role for the pod: my-sa may read database/creds/app', `coffer policy write db-app - <<EOF\n${policy}EOF\ncoffer write auth/kube-policy/role/db-app bound_service_account_names=my-sa bound_service_account_namespaces=${NS} policies=db-app`);
  await as('PUT', 'sys/policies/acl/db-app', { policy });
  await as('POST', 'auth/kube-policy/role/db-app', { bound_service_account_names: 'my-sa', bound_service_account_namespaces: NS, policies: 'db-app' });
  result('policy db-app and role db-app written');

  const pod = mysqlPod();
  step("The tutorial's mysql-db pod with annotations instead of the db-creds Secret: the agent renders DB_USER and DB_PASSWORD for the app's shell", 'kubectl apply -f mysql-db.yaml');
  out(indent(Object.entries(pod.metadata!.annotations!).map(([k, v]) => `${k}: ${v.includes('\n') ? `|\n${indent(v)}` : v}`).join('\n')));
  out(indent(`container db: sh -c '. /vault/secrets/db-creds && <log in as $DB_USER to $DB_HOST>'`));
  const injected = inject(pod, o.srvAddr);

  step('Run it as a kubelet would: the agent logs in as my-sa, reads database/creds/app (a new MariaDB user), and the app logs in with it', 'kubectl logs mysql-db -c db -n app-namespace');
  const tlsDir = tempDir('coffer-demo-tls-');
  writeFileSync(join(tlsDir, 'ca.crt'), o.ca, { mode: 0o644 });
  chmodSync(tlsDir, 0o755);
  const saDir = serviceAccountVolume(kube.projectedToken(NS, 'my-sa', { podName: 'mysql-db' }), kube.caPem, NS);
  const running: RunningPod = await started('the mysql-db pod', runPod({ pod: injected, volumeSources: { [SA_VOLUME]: saDir, 'vault-tls-secrets': tlsDir }, path: [cofferBinDir(COFFER_BIN)] }), (p) => p.stop());
  const app = running.containers.get('db')!;
  const code = await app.exited;
  if (code !== 0) throw new Error(`the db container exited ${code}:\n${running.describe()}`);
  out(indent(app.output()));
  const user = /logged in to MariaDB as (\S+);/.exec(app.output())?.[1];
  if (!user) throw new Error(`the db container did not say who it logged in as:\n${running.describe()}`);
  const leases = await as('LIST', 'sys/leases/lookup/database/creds/app/');
  const ids = (leases.body.data?.keys as string[] | undefined) ?? [];
  result(`db exited ${code}; leases under database/creds/app: ${ids.length} (the agents renew theirs while the pod runs)`);
  await running.stop();

  step('The pod is gone: revoke its leases, and Coffer drops the users it made', 'coffer lease revoke -prefix database/creds/app');
  await as('PUT', 'sys/leases/revoke-prefix/database/creds/app');
  const exists = await mariadbUserExists(user);
  result(`user ${user} still in MariaDB: ${String(exists)}`);
  if (exists) throw new Error(`revoking the leases left the MariaDB user ${user}`);
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    interrupted = true;
    process.stderr.write(`\ndemo: ${sig}, cleaning up\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (e) {
  if (!interrupted) process.stderr.write(`\ndemo failed: ${(e as Error).message}\n`);
} finally {
  await cleanup();
}
if (!interrupted) process.exit(exitCode);
