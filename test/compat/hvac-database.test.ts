// hvac (Debian's python3-hvac), a client none of us wrote, against the database secrets engine:
// client.secrets.database.configure / create_role / generate_credentials / read_connection /
// list_connections / read_role / list_roles / reset_connection and sys.renew_lease, through
// test/compat/hvac_database.py, on the local MariaDB. The credentials hvac got are then used to log in.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { api } from '../support/http.js';
import { startDevServer, type DevServer } from '../support/server.js';
import { tempDir } from '../support/tmp.js';
import { createMysqlAdmin, mysqlCanLogin, mysqlUserExists, tag, MYSQL_PORT, type MysqlAdmin } from '../support/databases.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = resolve(import.meta.dirname, '../../../test/compat/hvac_database.py');
const ROOT = 'hvac-db-root';
const ROLE = `h${tag(5)}`;

const probe = spawnSync(PYTHON, ['-c', 'import hvac'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `hvac is not importable by ${PYTHON}; install it with: apt-get install python3-hvac`;

let srv: DevServer | undefined;
let admin: MysqlAdmin | undefined;

before(async () => {
  if (skip) return;
  admin = await createMysqlAdmin();
  srv = await startDevServer(ROOT);
});

after(async () => {
  await srv?.stop();
  await admin?.cleanup([`-${ROLE}`]);
});

test('hvac: secrets.database.generate_credentials returns a user that logs in', { skip }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: tempDir('coffer-hvac-db-home-'), PYTHONDONTWRITEBYTECODE: '1' };
  for (const k of Object.keys(env)) if (k.startsWith('VAULT_')) delete env[k];
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((res) => {
    execFile(PYTHON, [SCRIPT, srv!.addr, ROOT, admin!.user, admin!.password, String(MYSQL_PORT), ROLE], { env, timeout: 120_000 }, (err, stdout, stderr) =>
      res({ code: err ? 1 : 0, stdout, stderr }),
    );
  });
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout);
  const { username, password } = out.creds.data;
  assert.match(out.creds.lease_id, new RegExp(`^database/creds/${ROLE}/`));
  assert.equal(out.creds.lease_duration, 600);
  assert.equal(out.creds.renewable, true);
  assert.equal(out.renewed, 1800);
  assert.equal(await mysqlCanLogin(username, password), true);
  assert.equal(out.connection.plugin_name, 'mysql-database-plugin');
  assert.deepEqual(out.connection.allowed_roles, [ROLE]);
  assert.equal(out.connection.connection_details.password, undefined);
  assert.ok(!JSON.stringify(out.connection).includes(admin!.password));
  assert.deepEqual(out.connections, ['maria']);
  assert.equal(out.role.db_name, 'maria');
  assert.equal(out.role.default_ttl, 600);
  assert.equal(out.role.max_ttl, 3600);
  assert.deepEqual(out.roles, [ROLE]);
  const revoke = await api(srv!.addr, 'PUT', 'sys/leases/revoke', { token: ROOT, body: { lease_id: out.creds.lease_id } });
  assert.equal(revoke.status, 204);
  assert.equal(await mysqlUserExists(username), false);
});
