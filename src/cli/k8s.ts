// `coffer k8s manifests`: prints the YAML that deploys Coffer to a cluster (the server, and with
// -injector the agent injector), for `kubectl apply -f -`. The objects come from
// src/k8s/manifests/; this file reads the flags and the CA file and prints.

import { readFileSync } from 'node:fs';
import { ArgsError, expectArgs, type CommandSpec, type Group } from './base.js';
import { scanCommand } from './k8s-scan.js';
import { LocalError } from './config.js';
import { buildManifests, toYaml, type ManifestOptions, type StorageChoice } from '../k8s/manifests/index.js';
import { VERSION } from '../server/version.js';

const manifestsCommand: CommandSpec = {
  name: 'k8s manifests',
  synopsis: 'Prints the Kubernetes objects that deploy Coffer',
  args: '[options]',
  sets: [],
  help: `
  Prints the objects that deploy a Coffer server (and with -injector the agent
  injector) as YAML: ServiceAccount, ClusterRoleBinding to system:auth-delegator,
  ConfigMap with server.hcl, Services, StatefulSet (SQLite on a volume, or
  PostgreSQL), and for the injector its Deployment, Service and
  MutatingWebhookConfiguration. Every pod passes the "restricted" Pod Security
  Standard. Nothing is sent to a cluster: pipe the output to kubectl.

      $ coffer k8s manifests -namespace=coffer | kubectl apply -f -

  PostgreSQL, with the connection URL in a Secret you create (never printed):

      $ kubectl -n coffer create secret generic coffer-pg \\
          --from-literal=connection_url='postgres://coffer:...@db:5432/coffer'
      $ coffer k8s manifests -storage=postgresql -postgresql-secret=coffer-pg | kubectl apply -f -

  With the injector; its webhook's caBundle is filled from -ca-file (the
  serving certificate is then in the Secret -injector-tls-secret), or without
  -ca-file the injector makes its own certificate and patches the caBundle:

      $ coffer k8s manifests -injector | kubectl apply -f -`,
  flags: {
    namespace: { type: 'string', default: 'coffer', usage: 'Namespace of every namespaced object.' },
    name: { type: 'string', default: 'coffer', usage: 'Base name of the objects; clients reach the server at http://NAME.NAMESPACE.svc:8200.' },
    image: { type: 'string', default: `coffer:${VERSION}`, usage: 'The Coffer image (built from the Containerfile) for the server, the injector and the injected agents.' },
    storage: { type: 'string', default: 'sqlite', usage: 'sqlite (a PersistentVolumeClaim) or postgresql.' },
    'storage-size': { type: 'string', default: '10Gi', usage: 'Size of the SQLite volume.' },
    'storage-class': { type: 'string', default: '', usage: 'StorageClass of the SQLite volume (default: the cluster default).' },
    'postgresql-secret': { type: 'string', default: '', usage: 'With -storage=postgresql: the Secret holding the connection URL, passed to the server as VAULT_PG_CONNECTION_URL.' },
    'postgresql-secret-key': { type: 'string', default: 'connection_url', usage: 'The key of that Secret.' },
    'postgresql-table': { type: 'string', default: '', usage: 'The table (default vault_kv_store).' },
    'tls-secret': { type: 'string', default: '', usage: 'A kubernetes.io/tls Secret for the server listener (HTTPS); plain HTTP without it.' },
    'log-level': { type: 'string', default: 'info', usage: 'trace, debug, info, warn or error.' },
    injector: { type: 'bool', default: false, usage: 'Also print the agent injector.' },
    'ca-file': { type: 'string', default: '', usage: "PEM file of the CA that signed the injector's serving certificate: fills the webhook's caBundle. Without it the injector runs with -tls-auto." },
    'injector-tls-secret': { type: 'string', default: '', usage: "With -ca-file: the kubernetes.io/tls Secret with the injector's certificate (default NAME-injector-tls)." },
    'auth-path': { type: 'string', default: 'auth/kubernetes', usage: 'The auth path injected agents log in with.' },
    ha: { type: 'bool', default: false, usage: 'High availability: not available yet.' },
  },
  async run(c) {
    expectArgs(c.args, 0);
    if (c.bool('ha')) {
      throw new LocalError(
        'Error: -ha is not available yet: Coffer has no high-availability mode (an active node with a lock in PostgreSQL and standbys). ' +
          'It comes with the HA work; until then deploy one server (run without -ha).',
      );
    }
    const storage = storageChoice(c);
    if (!c.bool('injector')) {
      for (const f of ['ca-file', 'injector-tls-secret', 'auth-path']) if (c.given(f)) throw new ArgsError(`-${f} needs -injector`);
    }
    if (c.given('injector-tls-secret') && !c.given('ca-file')) throw new ArgsError('-injector-tls-secret needs -ca-file (without it the injector makes its own certificate)');
    const name = c.str('name');
    const options: ManifestOptions = {
      namespace: c.str('namespace'),
      name,
      image: c.str('image'),
      storage,
      logLevel: c.str('log-level').toLowerCase(),
      ...(c.str('tls-secret') ? { serverTlsSecret: c.str('tls-secret') } : {}),
      ...(c.bool('injector')
        ? {
            injector: {
              tlsSecret: c.str('injector-tls-secret') || `${name}-injector-tls`,
              authPath: c.str('auth-path').replace(/^\/+|\/+$/g, ''),
              ...(c.str('ca-file') ? { caPem: readCa(c.str('ca-file')) } : {}),
            },
          }
        : {}),
    };
    let objects;
    try {
      objects = buildManifests(options, VERSION);
    } catch (e) {
      throw new LocalError(`Error: ${(e as Error).message}`);
    }
    const given = Object.keys(manifestsCommand.flags!).filter((f) => c.given(f));
    const flags = given.map((f) => (typeof c.flags[f] === 'boolean' ? `-${f}` : `-${f}=${String(c.flags[f])}`));
    const header = `# Coffer ${VERSION}: coffer k8s manifests ${flags.join(' ')}`.trimEnd();
    c.ui.raw(toYaml(objects, `${header}\n`));
    return 0;
  },
};

function storageChoice(c: Parameters<CommandSpec['run']>[0]): StorageChoice {
  const type = c.str('storage');
  if (type === 'sqlite') {
    for (const f of ['postgresql-secret', 'postgresql-secret-key', 'postgresql-table']) if (c.given(f)) throw new ArgsError(`-${f} needs -storage=postgresql`);
    return { type, size: c.str('storage-size'), ...(c.str('storage-class') ? { storageClass: c.str('storage-class') } : {}) };
  }
  if (type === 'postgresql') {
    for (const f of ['storage-size', 'storage-class']) if (c.given(f)) throw new ArgsError(`-${f} is for -storage=sqlite`);
    if (!c.str('postgresql-secret')) {
      throw new ArgsError('-storage=postgresql needs -postgresql-secret=NAME: a Secret (which you create) whose key connection_url holds the URL');
    }
    return { type, secret: c.str('postgresql-secret'), key: c.str('postgresql-secret-key'), ...(c.str('postgresql-table') ? { table: c.str('postgresql-table') } : {}) };
  }
  throw new ArgsError(`-storage must be sqlite or postgresql, not "${type}"`);
}

function readCa(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new LocalError(`Error reading the CA file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const k8sGroup: Group = {
  name: 'k8s',
  synopsis: 'Deploy Coffer to Kubernetes; find, and move into Coffer, plaintext secrets; find mistakes in manifests',
  help: `
  Commands for running Coffer on Kubernetes. \`coffer k8s doctor -f FILE...\` (see
  \`coffer k8s doctor -h\`) checks manifests, scripts and code for the tutorial's
  mistakes and the injector's pitfalls. \`coffer k8s migrate PATH...\` (see
  \`coffer k8s migrate -h\`) moves plaintext Secrets into Coffer's KV and rewrites
  their consumers for the injector.

      $ coffer k8s manifests -namespace=coffer | kubectl apply -f -
      $ coffer k8s scan deploy/
      $ coffer k8s doctor -f deploy/
      $ coffer k8s migrate deploy/`,
  commands: [manifestsCommand, scanCommand],
};
