// The objects that deploy Coffer to a cluster, from a few options, and their YAML. Pure: no file,
// no network; the CLI (src/cli/k8s.ts) reads flags and files and prints what this returns.

import { stringify } from 'yaml';
import { checkLabel, checkSubdomain } from './common.js';
import { injectorObjects } from './injector.js';
import { serverObjects } from './server.js';
import type { K8sObject, ManifestOptions } from './types.js';

export type { InjectorOptions, K8sObject, ManifestOptions, StorageChoice } from './types.js';
export { serverConfigHcl, serverAddress, PATHS, SERVER_PORT } from './server-config.js';
export { injectorArgs, injectorNames, INJECTOR_PORT, WEBHOOK_PATH } from './injector.js';

/** A Kubernetes Quantity for a volume's size, such as "10Gi" or "500M". */
const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];
const PEM_CERT = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*/;

/** Throws an Error naming the first option that Kubernetes (or Coffer) would refuse. */
export function checkOptions(o: ManifestOptions): void {
  checkLabel('namespace', o.namespace);
  // the longest derived name, "<name>-injector", and the StatefulSet's pod and revision names stay within limits
  checkLabel('name', o.name, 40);
  if (o.image.trim() === '' || /\s/.test(o.image)) throw new Error(`image "${o.image}" is not valid: give a reference such as registry.example.com/coffer:0.1.0`);
  if (!LOG_LEVELS.includes(o.logLevel)) throw new Error(`log level "${o.logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  if (o.storage.type === 'sqlite') {
    if (!QUANTITY.test(o.storage.size)) throw new Error(`storage size "${o.storage.size}" is not a Kubernetes quantity such as 10Gi`);
    if (o.storage.storageClass !== undefined) checkSubdomain('storage class', o.storage.storageClass);
  } else {
    checkSubdomain('PostgreSQL Secret name', o.storage.secret);
    if (!/^[-._a-zA-Z0-9]+$/.test(o.storage.key)) throw new Error(`Secret key "${o.storage.key}" is not valid: use letters, digits, '-', '_' and '.'`);
  }
  if (o.serverTlsSecret !== undefined) checkSubdomain('server TLS Secret name', o.serverTlsSecret);
  if (o.injector) {
    checkSubdomain('injector TLS Secret name', o.injector.tlsSecret);
    if (o.injector.caPem !== undefined && !PEM_CERT.test(o.injector.caPem)) {
      throw new Error('the CA file is not a PEM certificate (-----BEGIN CERTIFICATE----- ...)');
    }
    if (!/^auth\/[^\s]+[^/\s]$/.test(o.injector.authPath)) throw new Error(`auth path "${o.injector.authPath}" must look like auth/kubernetes`);
  }
}

/** Every object, in an order `kubectl apply -f -` can create them in. */
export function buildManifests(o: ManifestOptions, version: string): K8sObject[] {
  checkOptions(o);
  return [...serverObjects(o, version), ...(o.injector ? injectorObjects(o, o.injector, version) : [])];
}

/** A multi-document YAML stream, one document per object. */
export function toYaml(objects: K8sObject[], header = ''): string {
  const docs = objects.map((obj) => stringify(obj, { lineWidth: 0, aliasDuplicateObjects: false }));
  return `${header}${docs.map((d) => `---\n${d}`).join('')}`;
}
