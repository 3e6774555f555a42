// -tls-auto's pieces in-process: the generated CA and serving certificate (SANs, validity, CA flag,
// key usages, chain), the renewal of the serving certificate before its expiry, and the caBundle
// put back on the MutatingWebhookConfiguration (fake kube-apiserver) after something reset it.

import { strict as assert } from 'node:assert';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { generateCa, issueServingCert, CA_VALIDITY_MS, DEFAULT_CERT_VALIDITY_MS } from '../../src/k8s/tls-auto/certs.js';
import { hostsFromWebhookConfig, startTlsAuto, type ServingCert } from '../../src/k8s/tls-auto/index.js';
import { createLogger } from '../../src/agent/log.js';
import * as x509 from '@peculiar/x509';
import { startFakeKube } from '../support/fake-kube/index.js';
import { tempDir } from '../support/tmp.js';

const quiet = createLogger('error', () => {});
const NOW = new Date('2030-01-02T03:04:05Z');

function keyUsage(pem: string): { usages: number; critical: boolean } | undefined {
  const ext = new x509.X509Certificate(pem).getExtension(x509.KeyUsagesExtension);
  return ext ? { usages: ext.usages, critical: ext.critical } : undefined;
}

describe('tls-auto certificates', () => {
  it('the CA: self-signed, CA:TRUE (critical), keyCertSign, valid 10 years from a minute ago', { timeout: 60_000 }, async () => {
    const ca = await generateCa('Coffer Injector', NOW);
    const c = new X509Certificate(ca.certPem);
    assert.equal(c.ca, true);
    assert.equal(c.subject, 'CN=Coffer Injector CA');
    assert.ok(c.checkIssued(c) && c.verify(c.publicKey));
    assert.equal(new Date(c.validFrom).getTime(), NOW.getTime() - 60_000);
    assert.equal(new Date(c.validTo).getTime(), NOW.getTime() + CA_VALIDITY_MS);
    const bc = new x509.X509Certificate(ca.certPem).getExtension(x509.BasicConstraintsExtension)!;
    assert.deepEqual([bc.ca, bc.critical], [true, true]);
    assert.deepEqual(keyUsage(ca.certPem), { usages: x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, critical: true });
  });

  it('the serving certificate: the hosts as DNS/IP SANs, serverAuth, not a CA, 24 h, signed by the CA, with its key', { timeout: 60_000 }, async () => {
    const ca = await generateCa('Coffer Injector', NOW);
    const s = await issueServingCert(ca, 'Coffer Injector', ['coffer-injector', 'coffer-injector.coffer.svc', '127.0.0.1', '::1'], undefined, NOW);
    const c = new X509Certificate(s.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.equal(c.subjectAltName, 'DNS:coffer-injector, DNS:coffer-injector.coffer.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(c.ca, false);
    assert.deepEqual(c.keyUsage, ['1.3.6.1.5.5.7.3.1']); // node's keyUsage is the extended key usage list
    assert.deepEqual(keyUsage(s.certPem), { usages: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, critical: true });
    assert.equal(new Date(c.validTo).getTime() - new Date(c.validFrom).getTime(), DEFAULT_CERT_VALIDITY_MS + 60_000);
    assert.equal(s.notAfter.getTime(), NOW.getTime() + DEFAULT_CERT_VALIDITY_MS);
    assert.ok(c.checkIssued(caCert) && c.verify(caCert.publicKey));
    assert.equal(c.checkPrivateKey(createPrivateKey(s.keyPem)), true);
    assert.notEqual(c.serialNumber, caCert.serialNumber);
    await assert.rejects(issueServingCert(ca, 'x', []), /at least one host/);
  });

  it('default hosts come from the service the webhook configuration calls', () => {
    assert.deepEqual(hostsFromWebhookConfig({ metadata: { name: 'm' }, webhooks: [{ clientConfig: { service: { name: 'inj', namespace: 'coffer' } } }] }), ['inj', 'inj.coffer', 'inj.coffer.svc']);
    assert.deepEqual(hostsFromWebhookConfig({ metadata: { name: 'm' }, webhooks: [{ clientConfig: {} }] }), []);
  });
});

describe('startTlsAuto', () => {
  it('renews the serving certificate before it expires, with the same CA', { timeout: 60_000 }, async () => {
    const renewed: ServingCert[] = [];
    const auto = await startTlsAuto({ webhookConfig: 'm', hosts: ['h.test'], log: quiet, validityMs: 63_000, renewBeforeMs: 61_000, onCertificate: (c) => void renewed.push(c) });
    try {
      const first = auto.current;
      while (renewed.length === 0) await sleep(50); // due 1-2 s after issue; the test's timeout bounds the wait
      const next = new X509Certificate(renewed[0]!.certPem);
      assert.notEqual(next.serialNumber, new X509Certificate(first.certPem).serialNumber);
      assert.ok(next.verify(new X509Certificate(auto.caPem).publicKey));
      assert.equal(auto.current, renewed[0]);
      assert.ok(renewed[0]!.notAfter > first.notAfter);
    } finally {
      auto.stop();
    }
  });

  it('keeps the caBundle set: patches every webhook, and puts it back after it is reset', { timeout: 60_000 }, async () => {
    const kube = await startFakeKube();
    const dir = tempDir('coffer-sa-');
    let auto: Awaited<ReturnType<typeof startTlsAuto>> | undefined;
    try {
      kube.createServiceAccount('default', 'inj');
      kube.grant('default', 'inj', 'get', 'mutatingwebhookconfigurations');
      kube.grant('default', 'inj', 'patch', 'mutatingwebhookconfigurations');
      writeFileSync(join(dir, 'token'), kube.legacyToken('default', 'inj'));
      writeFileSync(join(dir, 'ca.crt'), kube.caPem);
      const apply = (): void =>
        kube.applyMutatingWebhookConfiguration({ metadata: { name: 'm' }, webhooks: [{ name: 'a.test', clientConfig: { url: 'https://a.test/mutate' } }, { name: 'b.test', clientConfig: { url: 'https://b.test/mutate', caBundle: 'b2xk' } }] });
      const bundles = (): (string | undefined)[] => (kube.mutatingWebhookConfiguration('m') as { webhooks: { clientConfig: { caBundle?: string } }[] }).webhooks.map((w) => w.clientConfig.caBundle);
      apply();
      const kubeCfg = { url: kube.url, caFile: join(dir, 'ca.crt'), tokenFile: join(dir, 'token') };
      auto = await startTlsAuto({ webhookConfig: 'm', hosts: ['h.test'], kube: kubeCfg, log: quiet, recheckMs: 100, onCertificate: () => {} });
      const want = Buffer.from(auto.caPem).toString('base64');
      while (bundles().some((b) => b !== want)) await sleep(50);
      apply(); // a helm upgrade puts the configuration back without our CA
      assert.deepEqual(bundles(), [undefined, 'b2xk']);
      while (bundles().some((b) => b !== want)) await sleep(50);
      assert.deepEqual(bundles(), [want, want]);
    } finally {
      auto?.stop();
      await kube.close();
    }
  });
});
