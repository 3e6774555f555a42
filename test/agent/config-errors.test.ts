// Every configuration the agent must refuse at once: `coffer agent -config=...` exits 1 before
// contacting any server (VAULT_ADDR points where nothing listens, so an agent that got past its
// configuration would sit in auth retries instead of exiting 1), and stderr names the file, the line
// and the key. No wall-clock bound: the test's own timeout catches an agent that does not stop.

import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { agentEnv, runAgentToExit, tempDir } from './support.js';

const dir = tempDir('coffer-agent-config-');
const AA = `auto_auth {
  method "approle" {
    config = {
      role_id_file_path = "/r"
    }
  }
  sink "file" {
    config = {
      path = "${dir}/token"
    }
  }
}
`;

interface Case {
  name: string;
  file?: string;
  text: string;
  /** The expected message after "Error loading configuration: <file>:". */
  expect: RegExp;
  args?: string[];
}

const CASES: Case[] = [
  { name: 'unknown top-level stanza, with a suggestion', text: `${AA}vualt {\n  address = "http://x:8200"\n}\n`, expect: /^13: unknown key "vualt" in the agent configuration \(did you mean "vault"\?\)/ },
  { name: 'unknown key in a method config', text: AA.replace('role_id_file_path', 'role_id_file'), expect: /^4: unknown key "role_id_file" in auto_auth\.method "approle"\.config \(did you mean "role_id_file_path"\?\)/ },
  { name: 'unknown key in the vault stanza', text: `vault {\n  adress = "http://x"\n}\n${AA}`, expect: /^2: unknown key "adress" in vault \(did you mean "address"\?\)/ },
  { name: 'unknown key in a template', text: `${AA}template {\n  destnation = "/x"\n  contents = "x"\n}\n`, expect: /^14: unknown key "destnation" in template #1 \(did you mean "destination"\?\)/ },
  { name: 'a template with no destination', text: `${AA}template {\n  contents = "{{ env \\"HOME\\" }}"\n}\n`, expect: /^14: template #1 has no destination/ },
  { name: 'a template with source and contents', text: `${AA}template {\n  destination = "/x"\n  contents = "x"\n  source = "/y"\n}\n`, expect: /^16: template "\/x" has both source and contents/ },
  { name: 'a template source that cannot be read', text: `${AA}template {\n  destination = "/x"\n  source = "${dir}/nope.ctmpl"\n}\n`, expect: new RegExp(`^15: template "/x"\\.source: cannot read ${dir}/nope\\.ctmpl: ENOENT`) },
  { name: 'a template syntax error', text: `${AA}template {\n  destination = "/x"\n  contents = "{{ with secret \\"a\\" }}"\n}\n`, expect: /^14: \/x: template: \/x:1: unexpected EOF/ },
  { name: 'two templates writing one file', text: `${AA}template {\n  destination = "/x"\n  contents = "a"\n}\ntemplate {\n  destination = "/x"\n  contents = "b"\n}\n`, expect: /^18: template destination \/x is also written by the template at .*:14/ },
  { name: 'exit_after_auth with exec', text: `exit_after_auth = true\n${AA}exec {\n  command = ["env"]\n}\nenv_template "A" {\n  contents = "a"\n}\n`, expect: /^1: exit_after_auth = true cannot be used with exec \(.*:14\)/ },
  { name: 'the -exit-after-auth flag with exec', text: `${AA}exec {\n  command = ["env"]\n}\nenv_template "A" {\n  contents = "a"\n}\n`, args: ['-exit-after-auth'], expect: /exit_after_auth = true cannot be used with exec/ },
  { name: 'exec without env_template', text: `${AA}exec {\n  command = ["env"]\n}\n`, expect: /^13: exec needs at least one env_template/ },
  { name: 'env_template without exec', text: `${AA}env_template "DB_PASSWORD" {\n  contents = "x"\n}\n`, expect: /^13: env_template "DB_PASSWORD" has no exec/ },
  { name: 'an auth method Coffer lacks', text: `auto_auth {\n  method "aws" {\n    config = { role = "x" }\n  }\n}\n`, expect: /^2: auto_auth\.method "aws" is not supported by Coffer's agent \(supported: kubernetes, approle, token_file\)/ },
  { name: 'a missing required method key', text: `auto_auth {\n  method "kubernetes" {\n    config = {\n      token_path = "/t"\n    }\n  }\n}\n`, expect: /^4: auto_auth\.method "kubernetes"\.config\.role is required/ },
  { name: 'a bad duration', text: AA.replace('method "approle" {', 'method "approle" {\n    min_backoff = "5 minutes"'), expect: /^3: auto_auth\.method "approle"\.min_backoff: invalid duration "5 minutes"/ },
  { name: 'mount_path without auth/', text: AA.replace('method "approle" {', 'method "approle" {\n    mount_path = "kube-policy"'), expect: /^3: auto_auth\.method "approle"\.mount_path must be the full path of the auth mount, such as "auth\/kube-policy"/ },
  { name: 'an HCL syntax error', text: `${AA}template {\n  destination = \n}\n`, expect: /^16:1: unterminated block: '\{' at line 13 is never closed/ },
  { name: 'api_proxy with no listener', text: `${AA}api_proxy {\n  use_auto_auth_token = true\n}\n`, expect: /^13: api_proxy needs a listener "tcp"/ },
  { name: 'use_auto_auth_token without auto_auth', text: `api_proxy {\n  use_auto_auth_token = true\n}\nlistener "tcp" {\n  address = "127.0.0.1:0"\n  tls_disable = true\n}\n`, expect: /^1: api_proxy\.use_auto_auth_token is set, but there is no auto_auth block/ },
  { name: 'readiness with exit_after_auth', text: `exit_after_auth = true\n${AA}readiness {\n  file = "/tmp/ready"\n}\n`, expect: /^14: readiness is for the long-running native sidecar/ },
  { name: 'method-level wrap_ttl with a template', text: `${AA.replace('method "approle" {', 'method "approle" {\n    wrap_ttl = "5m"')}template {\n  destination = "/x"\n  contents = "x"\n}\n`, expect: /^2: auto_auth\.method\.wrap_ttl leaves the agent with only a wrapped token/ },
  { name: 'an auto_auth whose token goes nowhere', text: AA.replace(/ {2}sink "file" \{[^]*?\n {2}\}\n/, ''), expect: /^1: auto_auth has nowhere to put its token/ },
  { name: 'a Vault key Coffer does not implement', text: `vault {\n  client_cert = "/c.pem"\n}\n${AA}`, expect: /^2: vault\.client_cert is not supported by Coffer's agent/ },
  {
    name: 'JSON: an unknown key, with its line',
    file: 'agent.json',
    text: `{\n  "auto_auth": {\n    "method": [{\n      "type": "approle",\n      "config": {"role_id_file_path": "/r", "secret_id_file": "/s"}\n    }],\n    "sink": [{"type": "file", "config": {"path": "/t"}}]\n  }\n}\n`,
    expect: /^5: unknown key "secret_id_file" in auto_auth\.method "approle"\.config \(did you mean "secret_id_file_path"\?\)/,
  },
];

describe('agent: configuration errors stop the agent with file, line and key', { concurrency: 4 }, () => {
  for (const [i, c] of CASES.entries()) {
    it(c.name, async () => {
      const file = join(dir, `${i}-${c.file ?? 'agent.hcl'}`);
      writeFileSync(file, c.text);
      const run = await runAgentToExit([`-config=${file}`, ...(c.args ?? [])], agentEnv('http://127.0.0.1:1'));
      assert.equal(run.code, 1, run.stderr);
      const prefix = `Error loading configuration: ${c.args ? '' : `${file}:`}`;
      assert.ok(run.stderr.startsWith(prefix), `stderr starts with ${JSON.stringify(prefix)}: ${run.stderr}`);
      assert.match(run.stderr.slice(prefix.length), c.expect);
    });
  }

  it('a missing file, a path that is not readable, an empty directory', async () => {
    for (const [path, msg] of [
      [join(dir, 'nope.hcl'), 'no such file or directory'],
      ['/etc/passwd/agent.hcl', 'ENOTDIR'],
    ] as const) {
      const run = await runAgentToExit([`-config=${path}`], agentEnv(undefined));
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `Error loading configuration: cannot read configuration file ${path}: ${msg}\n`);
    }
    const empty = join(dir, 'empty.d');
    mkdirSync(empty);
    const run = await runAgentToExit([`-config=${empty}`], agentEnv(undefined));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /configuration directory .*empty\.d has no \.hcl or \.json files/);
  });

  it('no -config at all', async () => {
    const run = await runAgentToExit([], agentEnv(undefined));
    assert.equal(run.code, 1);
    assert.match(run.stderr, /no configuration: give at least one -config=FILE/);
  });
});
