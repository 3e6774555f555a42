// Vault's HA configuration: ha_enabled/ha_table in storage "postgresql", a separate ha_storage stanza
// (same database only: fencing reads the lock in the write's transaction), cluster_addr and
// disable_clustering; and the clear errors for what cannot work.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServerConfig } from '../../../src/server/config-file.js';
import { haRequested, openHaBackend } from '../../../src/server/ha/factory.js';
import { tempDir } from '../../support/tmp.js';

const listener = 'listener "tcp" {\n  address = "127.0.0.1:8200"\n  tls_disable = true\n}\n';

function load(hcl: string): ReturnType<typeof loadServerConfig> {
  const dir = tempDir();
  const file = join(dir, 'server.hcl');
  writeFileSync(file, hcl + listener);
  return loadServerConfig([file]);
}

describe('HA configuration', () => {
  it('reads ha_enabled and ha_table in the storage stanza, api_addr, cluster_addr, disable_clustering', () => {
    const c = load(`storage "postgresql" {\n  connection_url = "postgres://u@db:5432/x"\n  ha_enabled = "true"\n  ha_table = "my_locks"\n}\napi_addr = "https://n1:8200"\ncluster_addr = "https://n1:8201"\ndisable_clustering = false\n`);
    assert.equal(c.storage.config.ha_enabled, 'true');
    assert.equal(c.storage.config.ha_table, 'my_locks');
    assert.equal(c.apiAddr, 'https://n1:8200');
    assert.equal(c.clusterAddr, 'https://n1:8201');
    assert.equal(c.disableClustering, false);
    assert.equal(haRequested(c.storage, c.haStorage), true);
  });

  it('reads a separate ha_storage stanza; ha_enabled defaults to true there and false in storage', () => {
    const c = load(`storage "postgresql" {\n  connection_url = "postgres://u@db:5432/x"\n}\nha_storage "postgresql" {\n  connection_url = "postgres://u@db:5432/x"\n  ha_table = "locks"\n}\n`);
    assert.deepEqual(c.haStorage, { type: 'postgresql', config: { connection_url: 'postgres://u@db:5432/x', ha_table: 'locks' } });
    assert.equal(haRequested(c.storage, c.haStorage), true);
    assert.equal(haRequested(c.storage, undefined), false);
    assert.equal(haRequested({ type: 'postgresql', config: { ha_enabled: 'false' } }, undefined), false);
    assert.throws(() => haRequested({ type: 'postgresql', config: { ha_enabled: 'maybe' } }, undefined), /ha_enabled must be true or false/);
  });

  it('refuses HA where fencing cannot hold, saying why', async () => {
    await assert.rejects(openHaBackend({ type: 'sqlite', config: { path: 'x', ha_enabled: 'true' } }, undefined), /needs storage "postgresql"/);
    const pgStorage = { type: 'postgresql', config: { connection_url: 'postgres://u@db:5432/x' } };
    await assert.rejects(openHaBackend(pgStorage, { type: 'consul', config: {} }), /ha_storage "consul" is not supported/);
    await assert.rejects(
      openHaBackend(pgStorage, { type: 'postgresql', config: { connection_url: 'postgres://u@other:5432/x' } }, {}),
      /must use the same database as storage "postgresql" \(db:5432\/x\), not other:5432\/x/,
    );
    await assert.rejects(openHaBackend(pgStorage, { type: 'postgresql', config: { ha_tabel: 'x' } }, {}), /unknown setting "ha_tabel"/);
    assert.equal(await openHaBackend(pgStorage, undefined, {}), null);
  });
});
