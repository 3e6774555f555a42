// Loading the agent configuration in-process: defaults (and where Coffer's differ from Vault's),
// both HCL block shapes, JSON, several files and directories merged as Vault merges them, the
// address precedence (flag > VAULT_ADDR > vault.address), KV v2 path shims, durations.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadAgentConfig, parseDurationMs } from '../../src/agent/config/index.js';
import { resolveConnection } from '../../src/agent/connection.js';
import { shimKvV2Path } from '../../src/agent/secret-fetcher.js';
import { tempDir } from '../support/server.js';

const dir = tempDir('coffer-agent-cfg-');
let n = 0;
function file(text: string, ext = 'hcl'): string {
  const p = join(dir, `c${n++}.${ext}`);
  writeFileSync(p, text);
  return p;
}

const K8S = `auto_auth {
  method "kubernetes" {
    config = { role = "my-role" }
  }
  sink "file" {
    config = { path = "/tmp/t" }
  }
}
`;

describe('agent config: defaults and shapes', () => {
  it('applies Vault\'s defaults, and Coffer\'s fail-fast ones', () => {
    const c = loadAgentConfig([file(`${K8S}template {\n  destination = "/d"\n  contents = "x"\n}\n`)], { env: {} });
    const m = c.autoAuth!.method;
    assert.equal(m.mountPath, 'auth/kubernetes');
    assert.equal(m.minBackoffMs, 1000);
    assert.equal(m.maxBackoffMs, 300_000);
    assert.equal(m.exitOnErr, undefined);
    assert.equal(c.autoAuth!.sinks[0]!.mode, 0o640);
    const t = c.templates[0]!;
    assert.equal(t.errorOnMissingKey, true, 'Coffer: error_on_missing_key defaults to true (Vault: false)');
    assert.equal(c.templateConfig.exitOnRetryFailure, true, 'Coffer: exit_on_retry_failure defaults to true (Vault: false)');
    assert.equal(c.templateConfig.staticSecretRenderIntervalMs, 300_000);
    assert.equal(t.createDestDirs, true);
    assert.equal(t.perms, undefined);
    assert.equal(c.exitAfterAuth, false);
  });

  it('reads `method { type = ... }` and `sink { type = ... }`, octal modes as numbers or strings, durations', () => {
    const c = loadAgentConfig(
      [
        file(`auto_auth {
  method {
    type = "approle"
    mount_path = "/auth/my-approle/"
    min_backoff = "250ms"
    max_backoff = 10
    exit_on_err = "true"
    config = {
      role_id_file_path = "/r"
      remove_secret_id_file_after_reading = false
    }
  }
  sink {
    type = "file"
    config = {
      path = "/tmp/s"
      mode = "0600"
    }
  }
}
template {
  destination = "/d"
  perms = 0640
  contents = "[[ env \\"HOME\\" ]]"
  left_delimiter = "[["
  right_delimiter = "]]"
}
`),
      ],
      { env: {} },
    );
    const m = c.autoAuth!.method;
    assert.equal(m.type, 'approle');
    assert.equal(m.mountPath, 'auth/my-approle');
    assert.equal(m.minBackoffMs, 250);
    assert.equal(m.maxBackoffMs, 10_000);
    assert.equal(m.exitOnErr, true);
    assert.equal(m.config.remove_secret_id_file_after_reading, false);
    assert.equal(c.autoAuth!.sinks[0]!.mode, 0o600);
    assert.equal(c.templates[0]!.perms, 0o640);
  });

  it('reads JSON', () => {
    const c = loadAgentConfig(
      [file(JSON.stringify({ exit_after_auth: true, auto_auth: { method: { kubernetes: { config: { role: 'r' } } }, sink: [{ type: 'file', config: { path: '/t' } }] }, template: [{ destination: '/a', contents: 'x' }] }), 'json')],
      { env: {} },
    );
    assert.equal(c.exitAfterAuth, true);
    assert.equal(c.autoAuth!.method.type, 'kubernetes');
    assert.equal(c.templates.length, 1);
  });

  it('merges several files as Vault does: later stanzas win, templates add up, exit_after_auth is sticky', () => {
    const a = file(`vault {\n  address = "http://a:8200"\n}\nexit_after_auth = true\n${K8S}template {\n  destination = "/a"\n  contents = "a"\n}\n`);
    const b = file(`vault {\n  address = "http://b:8200"\n}\ntemplate {\n  destination = "/b"\n  contents = "b"\n}\ntemplate_config {\n  static_secret_render_interval = "30s"\n}\n`);
    const c = loadAgentConfig([a, b], { env: {} });
    assert.equal(c.vault.address, 'http://b:8200');
    assert.deepEqual(c.templates.map((t) => t.destination), ['/a', '/b']);
    assert.equal(c.exitAfterAuth, true);
    assert.equal(c.templateConfig.staticSecretRenderIntervalMs, 30_000);
    assert.equal(c.templateConfig.exitOnRetryFailure, true);
  });

  it('loads a directory\'s .hcl and .json files in name order, skipping others', () => {
    const d = join(dir, 'conf.d');
    mkdirSync(d);
    writeFileSync(join(d, '10-auth.hcl'), K8S);
    writeFileSync(join(d, '20-tpl.json'), JSON.stringify({ template: { destination: '/x', contents: 'x' } }));
    writeFileSync(join(d, 'README.md'), 'not config');
    const c = loadAgentConfig([d], { env: {} });
    assert.equal(c.files.length, 2);
    assert.equal(c.templates[0]!.destination, '/x');
  });

  it('templates without auto_auth need VAULT_TOKEN', () => {
    const f = file('template {\n  destination = "/x"\n  contents = "x"\n}\n');
    assert.throws(() => loadAgentConfig([f], { env: {} }), /templates need a token: add an auto_auth block \(or set VAULT_TOKEN\)/);
    assert.equal(loadAgentConfig([f], { env: { VAULT_TOKEN: 't' } }).templates.length, 1);
  });

  it('warns about Vault keys that change nothing here', () => {
    const c = loadAgentConfig([file(`log_format = "json"\n${K8S}`)], { env: {} });
    assert.match(c.warnings[0]!, /:1: the agent configuration\.log_format is accepted for compatibility with Vault and has no effect in Coffer/);
  });
});

describe('agent config: connection, paths, durations', () => {
  it('address precedence: -address, then VAULT_ADDR, then vault.address, then the default', () => {
    const vault = { address: 'https://config:8200', numRetries: 0 };
    assert.equal(resolveConnection(vault, { VAULT_ADDR: 'https://env:8200' }, { address: 'https://flag:8200' }).address, 'https://flag:8200');
    assert.equal(resolveConnection(vault, { VAULT_ADDR: 'https://env:8200' }).address, 'https://env:8200');
    assert.equal(resolveConnection(vault, {}).address, 'https://config:8200');
    assert.equal(resolveConnection({}, {}).address, 'http://127.0.0.1:8200');
    assert.equal(resolveConnection(vault, {}).numRetries, 12);
    assert.equal(resolveConnection({ numRetries: -1 }, {}).numRetries, 0);
    assert.equal(resolveConnection({ tlsSkipVerify: true }, { VAULT_SKIP_VERIFY: 'false' }).tlsSkipVerify, false);
  });

  it('inserts data/ (reads) or metadata/ (lists) into KV v2 paths as consul-template does', () => {
    assert.equal(shimKvV2Path('secret/myapp/config', 'secret/', 'read'), 'secret/data/myapp/config');
    assert.equal(shimKvV2Path('secret/data/myapp/config', 'secret/', 'read'), 'secret/data/myapp/config');
    assert.equal(shimKvV2Path('secret/metadata/myapp', 'secret/', 'read'), 'secret/metadata/myapp');
    assert.equal(shimKvV2Path('secret', 'secret/', 'read'), 'secret/data');
    assert.equal(shimKvV2Path('secret/myapp/', 'secret/', 'list'), 'secret/metadata/myapp/');
    assert.equal(shimKvV2Path('kv/team/a/b', 'kv/team/', 'read'), 'kv/team/data/a/b');
  });

  it('parses durations as Vault does', () => {
    assert.equal(parseDurationMs('5m'), 300_000);
    assert.equal(parseDurationMs('1h30m'), 5_400_000);
    assert.equal(parseDurationMs('250ms'), 250);
    assert.equal(parseDurationMs(30), 30_000);
    assert.equal(parseDurationMs('30'), 30_000);
    assert.throws(() => parseDurationMs('5 minutes'), /invalid duration/);
  });
});
