// A small client for the few Kubernetes API calls the injector makes from inside its pod: GET
// /version, and GET/PATCH of its MutatingWebhookConfiguration (for -tls-auto's caBundle). In-cluster
// configuration as client-go's rest.InClusterConfig: KUBERNETES_SERVICE_HOST/PORT, and the pod's
// service-account directory (token, ca.crt), which COFFER_SERVICEACCOUNT_DIR may point elsewhere.
// The token is re-read for every call (projected tokens rotate); it never appears in an error.

import { readFileSync } from 'node:fs';
import https from 'node:https';
import { isIP } from 'node:net';
import { join } from 'node:path';

export const SERVICEACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface KubeConfig {
  url: string; // https://HOST:PORT
  caFile: string;
  tokenFile: string;
}

/** Undefined when not running in a cluster (no service variables, or no token to present). */
export function inClusterConfig(env: Readonly<Record<string, string | undefined>> = process.env): KubeConfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return undefined;
  const dir = env.COFFER_SERVICEACCOUNT_DIR || SERVICEACCOUNT_DIR;
  const tokenFile = join(dir, 'token');
  try {
    readFileSync(tokenFile);
  } catch {
    return undefined;
  }
  return { url: `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`, caFile: join(dir, 'ca.crt'), tokenFile };
}

export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The message of a metav1.Status body, or the start of whatever came back. */
function statusMessage(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return `${status}: ${body.message}`;
  } catch {
    // not JSON
  }
  return `${status}: ${text.slice(0, 200)}`;
}

export async function kubeRequest(cfg: KubeConfig, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<unknown> {
  const token = readFileSync(cfg.tokenFile, 'utf8').trim();
  const ca = readFileSync(cfg.caFile);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(path, cfg.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(payload);
    }
    const req = https.request(url, { method, ca, headers, timeout: TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) return void req.destroy(new Error(`${method} ${url.pathname}: response larger than ${MAX_RESPONSE_BYTES} bytes`));
        chunks.push(c);
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 299) return reject(new KubeApiError(`${method} ${url.pathname}: ${statusMessage(status, text)}`, status));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new KubeApiError(`${method} ${url.pathname}: the answer is not JSON`, status));
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${TIMEOUT_MS / 1000}s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** GET /version: {major, minor} as the API server reports them ("1", "29+"). */
export async function getServerVersion(cfg: KubeConfig): Promise<{ major: string; minor: string; gitVersion?: string }> {
  const v = (await kubeRequest(cfg, 'GET', '/version')) as { major?: unknown; minor?: unknown; gitVersion?: unknown };
  if (typeof v.major !== 'string' || typeof v.minor !== 'string') throw new Error('GET /version: no major/minor in the answer');
  return { major: v.major, minor: v.minor, ...(typeof v.gitVersion === 'string' ? { gitVersion: v.gitVersion } : {}) };
}

export interface WebhookConfiguration {
  metadata: { name: string; resourceVersion?: string };
  webhooks?: { name?: string; clientConfig?: { caBundle?: string; service?: { name?: string; namespace?: string } } }[];
}

const mwcPath = (name: string): string => `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${encodeURIComponent(name)}`;

export async function getMutatingWebhookConfiguration(cfg: KubeConfig, name: string): Promise<WebhookConfiguration> {
  return (await kubeRequest(cfg, 'GET', mwcPath(name))) as WebhookConfiguration;
}

/**
 * Sets clientConfig.caBundle (base64 of the PEM) on every webhook of the configuration, with a JSON
 * patch that first tests the resourceVersion read, so a concurrent change of the webhook list makes
 * it fail (and the caller retries) instead of patching the wrong entries. Returns how many webhooks
 * needed the change (0: nothing sent).
 */
export async function patchCaBundle(cfg: KubeConfig, name: string, caPem: string): Promise<number> {
  const mwc = await getMutatingWebhookConfiguration(cfg, name);
  const value = Buffer.from(caPem).toString('base64');
  const webhooks = mwc.webhooks ?? [];
  const ops: unknown[] = [];
  webhooks.forEach((w, i) => {
    if (w.clientConfig?.caBundle !== value) ops.push({ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value });
  });
  if (ops.length === 0) return 0;
  const test = mwc.metadata.resourceVersion ? [{ op: 'test', path: '/metadata/resourceVersion', value: mwc.metadata.resourceVersion }] : [];
  await kubeRequest(cfg, 'PATCH', mwcPath(name), [...test, ...ops], 'application/json-patch+json');
  return ops.length;
}
