// The database engine's pure parts: statement splitting and substitution as Vault does them, the
// default password generator, username templates (Vault's defaults for MySQL, its -legacy variant and
// PostgreSQL, and their length limits), MySQL DSN parsing, and connection URLs with a literal password
// redacted on read.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expirationString, splitStatements, statementList, substitute } from '../../../../src/server/engines/database/statements.js';
import { generatePassword, passwordPolicyError } from '../../../../src/server/engines/database/password.js';
import { renderUsername, checkUsernameTemplate } from '../../../../src/server/engines/database/username.js';
import { findPlugin, pluginNames } from '../../../../src/server/engines/database/plugins/catalog.js';
import { parseMysqlDsn, redactMysqlDsn } from '../../../../src/server/engines/database/plugins/mysql-dsn.js';
import { roleAllowed, type DbConfig } from '../../../../src/server/engines/database/store.js';

test('statements: split on semicolons, trimmed, empties dropped; $$ bodies kept whole for PostgreSQL', () => {
  assert.deepEqual(splitStatements(["CREATE USER 'a'; GRANT SELECT, INSERT ON x.* TO 'a';", '  ', 'DROP USER b']), ["CREATE USER 'a'", "GRANT SELECT, INSERT ON x.* TO 'a'", 'DROP USER b']);
  const block = 'DO $$ BEGIN CREATE ROLE x; GRANT y TO x; END $$;';
  assert.deepEqual(splitStatements([block], true), [block]);
  assert.equal(splitStatements([block]).length, 3);
  assert.equal(substitute("CREATE USER '{{name}}' IDENTIFIED BY '{{password}}' -- {{name}} {{username}} {{expiration}}", { name: 'u', username: 'u', password: 'p', expiration: 'e' }), "CREATE USER 'u' IDENTIFIED BY 'p' -- u u e");
  assert.deepEqual(statementList('GRANT SELECT, INSERT ON *.* TO x', 's'), ['GRANT SELECT, INSERT ON *.* TO x'], 'a string is one element: commas are SQL');
  assert.deepEqual(statementList(['a', ' ', 'b'], 's'), ['a', 'b']);
  assert.throws(() => statementList(42, 'creation_statements'), /creation_statements must be a string or a list/);
  assert.equal(expirationString(Date.UTC(2026, 0, 2, 3, 4, 5)), '2026-01-02 03:04:05+0000');
});

test('passwords: 20 characters of letters, digits and dashes, at least one of each kind, all different', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const p = generatePassword();
    assert.match(p, /^[A-Za-z0-9-]{20}$/);
    assert.match(p, /[a-z]/);
    assert.match(p, /[A-Z]/);
    assert.match(p, /[0-9]/);
    assert.match(p, /-/);
    seen.add(p);
  }
  assert.equal(seen.size, 200);
  assert.equal(passwordPolicyError(''), null);
  assert.match(passwordPolicyError('strong') ?? '', /password_policy "strong" cannot be used: Coffer has no password policies/);
});

test("usernames: Vault's default templates and their length limits", () => {
  const now = () => Date.UTC(2026, 0, 1);
  const data = { displayName: 'kubernetes-app-namespace-my-sa', roleName: 'readonly-application' };
  const mysql = renderUsername(findPlugin('mysql-database-plugin')!.defaultUsernameTemplate, data, now);
  assert.match(mysql, /^v-kubernetes-readonly-a-[A-Za-z0-9]{8}$/);
  assert.equal(mysql.length, 32);
  for (const v of ['mysql-aurora-database-plugin', 'mysql-rds-database-plugin']) assert.equal(renderUsername(findPlugin(v)!.defaultUsernameTemplate, data, now).length, 32);
  const legacy = renderUsername(findPlugin('mysql-legacy-database-plugin')!.defaultUsernameTemplate, data, now);
  assert.match(legacy, /^v-read-[A-Za-z0-9]{9}$/);
  assert.equal(legacy.length, 16);
  const pg = renderUsername(findPlugin('postgresql-database-plugin')!.defaultUsernameTemplate, data, now);
  assert.match(pg, new RegExp(`^v-kubernet-readonly-[A-Za-z0-9]{20}-${now() / 1000}$`));
  assert.ok(pg.length <= 63);
  const custom = renderUsername('{{ .RoleName | uppercase | replace "-" "_" }}_{{ unix_time }}', { displayName: '', roleName: 'a-b' }, now);
  assert.equal(custom, `A_B_${now() / 1000}`);
  assert.throws(() => checkUsernameTemplate('{{ nosuchfunc .RoleName }}'), /unable to initialize username template/);
  assert.throws(() => renderUsername('{{ .Missing }}', data, now), /unable to generate username/);
  assert.deepEqual(pluginNames(), ['mysql-aurora-database-plugin', 'mysql-database-plugin', 'mysql-legacy-database-plugin', 'mysql-rds-database-plugin', 'postgresql-database-plugin']);
});

test('MySQL DSNs: Go format with tcp and unix addresses, mysql:// URLs; literal passwords redacted', () => {
  assert.deepEqual(parseMysqlDsn('{{username}}:{{password}}@tcp(127.0.0.1:3306)/'), { user: '{{username}}', password: '{{password}}', host: '127.0.0.1', port: 3306, database: '' });
  assert.deepEqual(parseMysqlDsn('root:p@ss:w@rd@tcp(db.example:3307)/app?tls=false'), { user: 'root', password: 'p@ss:w@rd', host: 'db.example', port: 3307, database: 'app' });
  assert.deepEqual(parseMysqlDsn('u@unix(/run/mysqld/mysqld.sock)/'), { user: 'u', password: null, host: 'localhost', port: 3306, socketPath: '/run/mysqld/mysqld.sock', database: '' });
  assert.equal(parseMysqlDsn('u:p@/x').host, '127.0.0.1');
  assert.deepEqual(parseMysqlDsn('mysql://a:b%40c@h:3310/d'), { user: 'a', password: 'b@c', host: 'h', port: 3310, database: 'd' });
  assert.throws(() => parseMysqlDsn('u:p@udp(h)/'), /network "udp"/);
  assert.equal(redactMysqlDsn('{{username}}:{{password}}@tcp(h:1)/'), '{{username}}:{{password}}@tcp(h:1)/');
  assert.equal(redactMysqlDsn('admin:s3cret@tcp(h:1)/'), 'admin:*****@tcp(h:1)/');
  const pg = findPlugin('postgresql-database-plugin')!;
  assert.equal(pg.redactUrl('postgresql://{{username}}:{{password}}@h:5432/db?sslmode=disable'), 'postgresql://{{username}}:{{password}}@h:5432/db?sslmode=disable');
  assert.equal(pg.redactUrl('postgresql://admin:s3cret@h:5432/db'), 'postgresql://admin:*****@h:5432/db');
  assert.equal(pg.redactUrl("host=h user=admin password='s3cret' dbname=db"), 'host=h user=admin password=***** dbname=db');
});

test('allowed_roles: names and globs; empty allows none', () => {
  const c = (allowed: string[]): DbConfig => ({ allowed_roles: allowed }) as DbConfig;
  assert.equal(roleAllowed(c([]), 'app'), false);
  assert.equal(roleAllowed(c(['*']), 'app'), true);
  assert.equal(roleAllowed(c(['app']), 'app'), true);
  assert.equal(roleAllowed(c(['app']), 'app2'), false);
  assert.equal(roleAllowed(c(['app-*']), 'app-ro'), true);
  assert.equal(roleAllowed(c(['app-*']), 'other'), false);
});
