// -tls-auto: the injector's own CA and serving certificate, generated in memory as vault-k8s does.
// The serving certificate (24 h) is renewed when within 10% of its expiry and handed to the server;
// the CA lives as long as the process. In a cluster, the CA goes into clientConfig.caBundle of every
// webhook of the named MutatingWebhookConfiguration: patched at start (retried with backoff until it
// succeeds) and checked again every minute, so a `helm upgrade` or `kubectl apply` that resets the
// caBundle is repaired. Each replica has its own CA: run one replica with -tls-auto (vault-k8s
// elects a leader for that; Coffer does not yet).

import type { Logger } from '../../agent/log.js';
import { getMutatingWebhookConfiguration, patchCaBundle, type KubeConfig, type WebhookConfiguration } from '../kube-api.js';
import { DEFAULT_CERT_VALIDITY_MS, generateCa, issueServingCert, type ServingCert } from './certs.js';

export { generateCa, issueServingCert, sanEntries, CA_VALIDITY_MS, DEFAULT_CERT_VALIDITY_MS, type GeneratedCa, type ServingCert } from './certs.js';

const CN = 'Coffer Injector';

export interface TlsAutoOptions {
  /** Name of the MutatingWebhookConfiguration to keep the caBundle of. */
  webhookConfig: string;
  hosts: readonly string[];
  /** In-cluster API access; without it the certificate is served but no caBundle is patched. */
  kube?: KubeConfig;
  log: Logger;
  onCertificate(cert: ServingCert): void;
  validityMs?: number;
  /** Renew this long before expiry; default 10% of the validity (vault-k8s's ExpiryWithin). */
  renewBeforeMs?: number;
  /** How often to check the caBundle after a successful patch. */
  recheckMs?: number;
}

export interface TlsAuto {
  caPem: string;
  current: ServingCert;
  stop(): void;
}

const MAX_BACKOFF_MS = 30_000;

/** vault-k8s's Helm chart names: SERVICE, SERVICE.NAMESPACE, SERVICE.NAMESPACE.svc, from the first webhook's clientConfig.service. */
export function hostsFromWebhookConfig(mwc: WebhookConfiguration): string[] {
  const svc = mwc.webhooks?.find((w) => w.clientConfig?.service?.name)?.clientConfig?.service;
  if (!svc?.name) return [];
  const ns = svc.namespace || 'default';
  return [svc.name, `${svc.name}.${ns}`, `${svc.name}.${ns}.svc`];
}

/** -tls-auto-hosts when given; else the names of the service the webhook configuration calls. */
export async function resolveHosts(flag: string, webhookConfig: string, kube: KubeConfig | undefined): Promise<string[]> {
  const given = flag.split(',').map((h) => h.trim()).filter(Boolean);
  if (given.length > 0) return given;
  if (!kube) throw new Error('-tls-auto outside a cluster needs -tls-auto-hosts (the names the certificate is for)');
  const hosts = hostsFromWebhookConfig(await getMutatingWebhookConfiguration(kube, webhookConfig));
  if (hosts.length === 0) throw new Error(`MutatingWebhookConfiguration ${webhookConfig} calls no service (clientConfig.url?): give -tls-auto-hosts`);
  return hosts;
}

export async function startTlsAuto(o: TlsAutoOptions): Promise<TlsAuto> {
  const validity = o.validityMs ?? DEFAULT_CERT_VALIDITY_MS;
  const renewBefore = o.renewBeforeMs ?? Math.floor(validity * 0.1);
  const recheck = o.recheckMs ?? 60_000;
  const log = o.log;
  const ca = await generateCa(CN);
  let current = await issueServingCert(ca, CN, o.hosts, validity);
  log.info('generated a CA and a serving certificate', { hosts: o.hosts.join(','), not_after: current.notAfter.toISOString() });
  let stopped = false;
  let renewTimer: NodeJS.Timeout | undefined;
  let patchTimer: NodeJS.Timeout | undefined;

  const scheduleRenewal = (): void => {
    const wait = Math.max(1, current.notAfter.getTime() - renewBefore - Date.now());
    renewTimer = setTimeout(() => void renew(), Math.min(wait, 2 ** 31 - 1));
    renewTimer.unref();
  };
  const renew = async (): Promise<void> => {
    if (stopped) return;
    if (current.notAfter.getTime() - renewBefore > Date.now()) return scheduleRenewal(); // a capped timer fired early
    try {
      current = await issueServingCert(ca, CN, o.hosts, validity);
      if (stopped) return;
      o.onCertificate(current);
      log.info('serving certificate renewed', { not_after: current.notAfter.toISOString() });
    } catch (e) {
      log.error('serving certificate renewal failed; trying again', { error: (e as Error).message });
    }
    if (!stopped) scheduleRenewal();
  };
  scheduleRenewal();

  if (o.kube) {
    const kube = o.kube;
    let failures = 0;
    const patch = async (): Promise<void> => {
      if (stopped) return;
      let next = recheck;
      try {
        const changed = await patchCaBundle(kube, o.webhookConfig, ca.certPem);
        if (changed > 0) log.info('caBundle set on the MutatingWebhookConfiguration', { name: o.webhookConfig, webhooks: changed });
        failures = 0;
      } catch (e) {
        failures += 1;
        next = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(failures - 1, 5));
        log.error('cannot set the caBundle of the MutatingWebhookConfiguration; trying again', { name: o.webhookConfig, error: (e as Error).message, retry_in_ms: next });
      }
      if (!stopped) {
        patchTimer = setTimeout(() => void patch(), next);
        patchTimer.unref();
      }
    };
    void patch();
  } else {
    log.warn('not in a cluster: the caBundle is not patched, so the API server will not trust this certificate', { name: o.webhookConfig });
  }

  return {
    caPem: ca.certPem,
    get current() {
      return current;
    },
    stop() {
      stopped = true;
      clearTimeout(renewTimer);
      clearTimeout(patchTimer);
    },
  };
}
