// `config`: where the Kubernetes API is and how to call it, as path_config.go. A write replaces
// the whole config (as in Vault); a read never returns the reviewer JWT, only token_reviewer_jwt_set.
// Coffer adds kubernetes_request_timeout (default 10s): the bound on each call to the API.

import { X509Certificate } from 'node:crypto';
import { badRequest, getJson, notFound, putJson, type PathDef, type StorageView } from '../../framework/index.js';
import { decodeJwt, JwtFormatError } from './jwt.js';
import { parsePublicKeyPem } from './jwt_verify.js';
import type { KubeConfig } from './types.js';

export const CONFIG_KEY = 'config';
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 300_000;

export async function readConfig(storage: StorageView): Promise<KubeConfig | null> {
  const c = await getJson<KubeConfig>(storage, CONFIG_KEY);
  return c ? { ...c, kubernetes_request_timeout_ms: c.kubernetes_request_timeout_ms || DEFAULT_TIMEOUT_MS } : null;
}

/** kubernetes_host as a base URL: a host, host:port, or URL (https:// assumed when no scheme). */
export function normalizeHost(host: string): URL {
  const h = host.trim();
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(h) ? h : `https://${h}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw badRequest(`invalid "kubernetes_host" "${host}": expected a host, host:port, or URL such as https://kubernetes.default.svc:443`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badRequest(`invalid "kubernetes_host" "${host}": the scheme must be https (or http)`);
  if (url.search || url.hash || url.username || url.password) throw badRequest(`invalid "kubernetes_host" "${host}": no query, fragment or credentials allowed`);
  return url;
}

export function baseUrl(host: string): string {
  const u = normalizeHost(host);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

function checkCaBundle(pem: string): void {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  if (certs.length === 0) throw badRequest('invalid "kubernetes_ca_cert": the provided CA PEM data contains no valid certificates (expected -----BEGIN CERTIFICATE----- blocks)');
  certs.forEach((b, i) => {
    try {
      new X509Certificate(b[0]);
    } catch (e) {
      throw badRequest(`invalid "kubernetes_ca_cert": certificate ${i + 1} does not parse: ${(e as Error).message}`);
    }
  });
}

const TIMEOUT_PART = /(\d+(?:\.\d+)?)(ms|s|m)/g;

/** A timeout as seconds (number or numeric string) or a duration string ("500ms", "2s", "1m30s"). */
export function parseTimeoutMs(v: unknown): number {
  let ms: number | null = null;
  if (typeof v === 'number' && Number.isFinite(v)) ms = v * 1000;
  else if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d+(\.\d+)?$/.test(s)) ms = Number(s) * 1000;
    else if (/^((\d+(\.\d+)?)(ms|s|m))+$/.test(s)) {
      ms = 0;
      for (const m of s.matchAll(TIMEOUT_PART)) ms += Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 's' ? 1000 : 60_000);
    }
  }
  if (ms === null || ms <= 0 || ms > MAX_TIMEOUT_MS) {
    throw badRequest(`invalid "kubernetes_request_timeout" ${JSON.stringify(v)}: give a duration between 1ms and 5m, such as "10s" or "500ms"`);
  }
  return Math.round(ms);
}

export function pathConfig(): PathDef {
  return {
    pattern: 'config',
    fields: {
      kubernetes_host: { type: 'string', description: 'Host, host:port, or URL of the Kubernetes API server' },
      kubernetes_ca_cert: { type: 'string', description: 'PEM CA bundle for the API server; default: the pod CA, else the system trust store' },
      token_reviewer_jwt: { type: 'string', description: "Bearer for TokenReview; default: the pod's token, else the client's JWT" },
      pem_keys: { type: 'strings', description: 'PEM public keys or certificates to verify JWT signatures locally' },
      issuer: { type: 'string', description: 'Deprecated: expected iss claim' },
      disable_iss_validation: { type: 'bool', default: true, description: 'Deprecated: skip the iss check' },
      disable_local_ca_jwt: { type: 'bool', default: false, description: "Do not default to the pod's CA and token" },
      use_annotations_as_alias_metadata: { type: 'bool', default: false, description: 'Copy vault.hashicorp.com/alias-metadata-* SA annotations into alias metadata' },
      kubernetes_request_timeout: { type: 'raw', description: 'Coffer: bound on each Kubernetes API call (default 10s)' },
    },
    operations: {
      read: async (req) => {
        const c = await readConfig(req.storage);
        if (!c) throw notFound();
        return {
          data: {
            kubernetes_host: c.kubernetes_host,
            kubernetes_ca_cert: c.kubernetes_ca_cert,
            pem_keys: c.pem_keys,
            issuer: c.issuer,
            disable_iss_validation: c.disable_iss_validation,
            disable_local_ca_jwt: c.disable_local_ca_jwt,
            token_reviewer_jwt_set: c.token_reviewer_jwt !== '',
            use_annotations_as_alias_metadata: c.use_annotations_as_alias_metadata,
            kubernetes_request_timeout: c.kubernetes_request_timeout_ms / 1000,
          },
        };
      },
      update: async (req, f) => {
        const host = f.get<string>('kubernetes_host').trim();
        if (host === '') throw badRequest('no host provided: "kubernetes_host" is required (e.g. https://kubernetes.default.svc:443)');
        const url = normalizeHost(host);
        const caCert = f.get<string>('kubernetes_ca_cert');
        if (caCert.trim() !== '') checkCaBundle(caCert);
        const reviewer = f.get<string>('token_reviewer_jwt').trim();
        if (reviewer !== '') {
          try {
            decodeJwt(reviewer);
          } catch (e) {
            const why = e instanceof JwtFormatError ? e.message : 'it does not parse';
            throw badRequest(`invalid "token_reviewer_jwt": not a JWT (${why}); give a service account token, e.g. from kubectl create token <sa>`);
          }
        }
        const pemKeys = f.get<string[]>('pem_keys').filter((k) => k.trim() !== '');
        pemKeys.forEach((pem, i) => {
          try {
            parsePublicKeyPem(pem);
          } catch (e) {
            throw badRequest(`invalid "pem_keys" entry ${i + 1}: ${(e as Error).message}`);
          }
        });
        const timeoutMs = f.has('kubernetes_request_timeout') ? parseTimeoutMs(f.raw.kubernetes_request_timeout) : DEFAULT_TIMEOUT_MS;
        const config: KubeConfig = {
          kubernetes_host: host,
          kubernetes_ca_cert: caCert,
          token_reviewer_jwt: reviewer,
          pem_keys: pemKeys,
          issuer: f.get<string>('issuer'),
          disable_iss_validation: f.get<boolean>('disable_iss_validation'),
          disable_local_ca_jwt: f.get<boolean>('disable_local_ca_jwt'),
          use_annotations_as_alias_metadata: f.get<boolean>('use_annotations_as_alias_metadata'),
          kubernetes_request_timeout_ms: timeoutMs,
        };
        await putJson(req.storage, CONFIG_KEY, config);
        const warnings: string[] = [];
        if (url.protocol === 'http:') warnings.push('kubernetes_host uses http: service-account JWTs will cross the network unencrypted; use https');
        return warnings.length > 0 ? { data: null, warnings } : null;
      },
    },
    help: 'Configures how to reach the Kubernetes API (host, CA, reviewer JWT) and optional local JWT verification keys.',
  };
}
