// Runs the fake kube-apiserver for demos: `npm run fake-kube [-- PORT]`. Seeds namespace
// app-namespace (team=payments) with service account my-sa, and default/vault-auth bound to
// system:auth-delegator, then prints shell exports you can paste. Stays up until Ctrl-C.

import { startFakeKube } from './index.js';

const DAY = 24 * 3600;

async function main(): Promise<void> {
  const port = Number(process.argv[2] ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`usage: main.js [PORT] (got "${process.argv[2]}")`);
  const kube = await startFakeKube({ port });
  kube.createNamespace('app-namespace', { team: 'payments' });
  kube.createServiceAccount('app-namespace', 'my-sa');
  kube.createServiceAccount('default', 'vault-auth');
  kube.bindAuthDelegator('default', 'vault-auth');

  const lines = [
    '# fake kube-apiserver is up; paste these lines into your shell. Ctrl-C stops it (and deletes the CA file).',
    `export K8S_HOST=${kube.url}`,
    `export K8S_CA_FILE=${kube.caFile}`,
    '# reviewer: default/vault-auth, legacy Secret token (no expiry), bound to system:auth-delegator',
    `export TOKEN_REVIEWER_JWT=${kube.legacyToken('default', 'vault-auth')}`,
    `# app-namespace/my-sa, projected token, audience ${kube.issuer}, valid 24h`,
    `export SA_JWT=${kube.projectedToken('app-namespace', 'my-sa', { expirationSeconds: DAY })}`,
    '# app-namespace/my-sa, projected token, audience "vault" (for roles with audience=vault), valid 24h',
    `export SA_JWT_VAULT=${kube.projectedToken('app-namespace', 'my-sa', { audiences: ['vault'], expirationSeconds: DAY })}`,
    '# then, for example:',
    '#   coffer auth enable kubernetes',
    '#   coffer write auth/kubernetes/config kubernetes_host="$K8S_HOST" kubernetes_ca_cert=@"$K8S_CA_FILE" token_reviewer_jwt="$TOKEN_REVIEWER_JWT"',
    '#   curl --cacert "$K8S_CA_FILE" -H "Authorization: Bearer $TOKEN_REVIEWER_JWT" "$K8S_HOST/api/v1/namespaces/app-namespace"',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  const stop = (): void => {
    kube.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-kube: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
