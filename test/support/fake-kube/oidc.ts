// Service account issuer discovery: /.well-known/openid-configuration and /openid/v1/jwks, shaped
// like kube-apiserver's (pkg/serviceaccount/openidmetadata.go). jwks_uri points at this fake, as if
// --service-account-jwks-uri were set, so a client outside the "cluster" can fetch it.

import type { KeyObject } from 'node:crypto';
import type { Jwk } from './types.js';

export interface OidcDiscovery {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
}

export function discoveryDocument(issuer: string, baseUrl: string): OidcDiscovery {
  return {
    issuer,
    jwks_uri: `${baseUrl}/openid/v1/jwks`,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
  };
}

export function jwks(publicKey: KeyObject, kid: string): { keys: Jwk[] } {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) throw new Error('fake-kube: the signing key is not RSA');
  return { keys: [{ use: 'sig', kty: 'RSA', kid, alg: 'RS256', n: jwk.n, e: jwk.e }] };
}
