// The server config loader: Vault's format (HCL and JSON), defaults, merging of several files,
// keys Vault has that we accept and ignore, and misspelled keys named with file and line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadServerConfig } from '../../../src/server/config-file.js';
import { tempDir } from '../../support/tmp.js';

function write(name: string, text: string, dir = tempDir('coffer-cfg-')): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

test('a Vault-style HCL file with storage, listener, TTLs and ignored Vault keys', () => {
  const p = write(
    'server.hcl',
    `storage "postgresql" {
  connection_url = "postgres://postgres@127.0.0.1:5432/test"
  table          = "vault_kv_store"
}
listener "tcp" {
  address       = "0.0.0.0:8300"
  tls_cert_file = "/etc/coffer/cert.pem"
  tls_key_file  = "/etc/coffer/key.pem"
  tls_min_version = "tls12"
}
api_addr          = "https://coffer.example:8300"
default_lease_ttl = "1h"
max_lease_ttl     = "24h"
log_level         = "Debug"
disable_mlock     = true
ui                = true
cluster_addr      = "https://127.0.0.1:8201"
telemetry {
  prometheus_retention_time = "30s"
}
`,
  );
  const c = loadServerConfig([p]);
  assert.deepEqual(c.storage, { type: 'postgresql', config: { connection_url: 'postgres://postgres@127.0.0.1:5432/test', table: 'vault_kv_store' } });
  assert.deepEqual(c.listeners, [{ host: '0.0.0.0', port: 8300, tlsDisable: false, tlsCertFile: '/etc/coffer/cert.pem', tlsKeyFile: '/etc/coffer/key.pem' }]);
  assert.equal(c.apiAddr, 'https://coffer.example:8300');
  assert.equal(c.defaultLeaseTtl, 3600);
  assert.equal(c.maxLeaseTtl, 86400);
  assert.equal(c.logLevel, 'debug');
});

test('SQLite is the default storage; JSON config works; a directory merges its files in order', () => {
  const dir = tempDir('coffer-cfg-');
  write('a.hcl', 'listener "tcp" {\n  address = "127.0.0.1:8200"\n  tls_disable = 1\n}\n', dir);
  write('b.json', '{"max_lease_ttl": "48h", "listener": {"tcp": {"address": "127.0.0.1:8201", "tls_disable": true}}}', dir);
  const c = loadServerConfig([dir]);
  assert.equal(c.storage.type, 'sqlite');
  assert.equal(c.maxLeaseTtl, 48 * 3600);
  assert.deepEqual(
    c.listeners.map((l) => l.port),
    [8200, 8201],
  );
});

test('a misspelled key is an error naming it, the file and the line, with a suggestion', () => {
  const p = write('server.hcl', 'listener "tcp" {\n  address = "127.0.0.1:8200"\n  tls_disable = true\n}\n\nstorag "sqlite" {\n  path = "/tmp/x.db"\n}\n');
  assert.throws(() => loadServerConfig([p]), (e: Error) => {
    assert.match(e.message, /server\.hcl:6: unknown key "storag" \(did you mean "storage"\?\)/);
    return true;
  });
  const q = write('server.hcl', 'listener "tcp" {\n  adress = "127.0.0.1:8200"\n}\n');
  assert.throws(() => loadServerConfig([q]), /server\.hcl:2: unknown key "adress" in listener "tcp" \(did you mean "address"\?\)/);
});

test('configs that can never work are refused with a reason', () => {
  assert.throws(() => loadServerConfig([write('s.hcl', 'storage "sqlite" { path = "/tmp/a" }\n')]), /no listener configured/);
  assert.throws(() => loadServerConfig([write('s.hcl', 'listener "tcp" { address = "127.0.0.1:1" }\n')]), /tls_cert_file and tls_key_file, or tls_disable/);
  assert.throws(() => loadServerConfig([write('s.hcl', 'listener "unix" { address = "/tmp/s" }\n')]), /listener "unix" is not supported/);
  assert.throws(() => loadServerConfig([write('s.hcl', 'listener "tcp" {\n tls_disable = true\n}\nlog_level = "loud"\n')]), /log_level "loud"/);
  assert.throws(() => loadServerConfig([write('s.hcl', 'listener "tcp" {\n tls_disable = true\n}\ndefault_lease_ttl = "2h"\nmax_lease_ttl = "1h"\n')]), /default_lease_ttl cannot be larger/);
  assert.throws(() => loadServerConfig(['/nonexistent/coffer.hcl']), /cannot read configuration file \/nonexistent\/coffer\.hcl/);
  assert.throws(() => loadServerConfig([write('s.hcl', 'listener "tcp" {\n')]), /s\.hcl:\d+:\d+/);
});
