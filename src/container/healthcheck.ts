// The container image's HEALTHCHECK (see Containerfile): asks the local server's sys/health and
// exits 0 when it answers, sealed or not (a sealed server waits for an operator; restarting it
// would not help), 1 otherwise, with one line saying why. Slim images have no curl, so this is
// node with Coffer's own client: VAULT_ADDR (default http://127.0.0.1:8200), VAULT_CACERT and
// VAULT_SKIP_VERIFY apply as for the CLI.

import { pathToFileURL } from 'node:url';
import { Client } from '../client/index.js';

export async function healthcheck(env: Readonly<Record<string, string | undefined>> = process.env): Promise<{ healthy: boolean; message: string }> {
  let client: Client | undefined;
  try {
    client = new Client({ env, retries: 0, timeoutMs: 4000 });
    // sealed and uninitialized answer 200 too (with their state in the body)
    const { status, body } = await client.sys.health({ standbyok: true, sealedcode: 200, uninitcode: 200 });
    const state = !body ? 'no body' : !body.initialized ? 'not initialized' : body.sealed ? 'sealed' : 'unsealed';
    return status === 200 ? { healthy: true, message: `ok: ${state}` } : { healthy: false, message: `sys/health answered ${status} (${state})` };
  } catch (e) {
    return { healthy: false, message: `sys/health: ${(e as Error).message}` };
  } finally {
    client?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await healthcheck();
  process.stdout.write(`${r.message}\n`);
  process.exitCode = r.healthy ? 0 : 1;
}
