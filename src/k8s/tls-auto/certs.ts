// Certificates for the injector's -tls-auto, as vault-k8s's helper/cert GenSource makes them: a
// self-signed ECDSA P-256 CA (10 years) and serving certificates it signs for the webhook service's
// names (24 hours by default; the caller renews them before expiry). Everything stays in memory.
// This is the one module that loads @peculiar/x509 (whose DI container needs reflect-metadata first).

import 'reflect-metadata';
import { KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const MINUTE = 60_000;
export const CA_VALIDITY_MS = 10 * 365 * 24 * 3600_000;
export const DEFAULT_CERT_VALIDITY_MS = 24 * 3600_000;

export interface GeneratedCa {
  certPem: string;
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface ServingCert {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

/** A positive 159-bit serial (vault-k8s draws below 2^159), hex. */
function serialNumber(): string {
  const b = randomBytes(20);
  b[0] = b[0]! & 0x7f;
  if (b[0] === 0) b[0] = 1;
  return b.toString('hex');
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
}

function privateKeyPem(key: CryptoKey): string {
  return KeyObject.from(key as webcrypto.CryptoKey).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Separates -tls-auto-hosts entries into DNS names and IP addresses for the subjectAltName. */
export function sanEntries(hosts: readonly string[]): { type: 'dns' | 'ip'; value: string }[] {
  return hosts.map((h) => ({ type: isIP(h) ? ('ip' as const) : ('dns' as const), value: h }));
}

export async function generateCa(name: string, now = new Date()): Promise<GeneratedCa> {
  const keys = await newKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: [`${name} CA`] }],
    notBefore: new Date(now.getTime() - MINUTE),
    notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), cert, keys };
}

export async function issueServingCert(ca: GeneratedCa, name: string, hosts: readonly string[], validityMs = DEFAULT_CERT_VALIDITY_MS, now = new Date()): Promise<ServingCert> {
  if (hosts.length === 0) throw new Error('a serving certificate needs at least one host');
  const keys = await newKeys();
  const notAfter = new Date(now.getTime() + validityMs);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: [{ CN: [`${name} Service`] }],
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - MINUTE),
    notAfter,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(sanEntries(hosts)),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey), notAfter: cert.notAfter };
}
