// The audit broker end to end with real files: entry shape, hashing, options, failure rules,
// persistence across teardown/setup, disable and reopen.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { AuditBroker } from '../../../src/server/audit/broker.js';
import { CofferError } from '../../../src/server/framework/errors.js';
import {
  ACCESSOR,
  NEW_ACCESSOR,
  NEW_TOKEN,
  SECRET,
  TOKEN,
  WRAP_TOKEN,
  dig,
  parseEntry,
  fixedClock,
  memoryView,
  readLines,
  recordingLogger,
  sampleRequest,
  sampleResponse,
  sampleToken,
  tempDir,
} from './support.js';

const hasDevFull = existsSync('/dev/full');

function hasMkfifo(): boolean {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const brokers: AuditBroker[] = [];
after(() => Promise.all(brokers.map((b) => b.teardown())));

function newBroker(storage = memoryView()) {
  const logger = recordingLogger();
  const broker = new AuditBroker(storage, logger, fixedClock);
  brokers.push(broker);
  return { broker, storage, logger };
}

async function logBoth(broker: AuditBroker): Promise<void> {
  const req = sampleRequest();
  await broker.logRequest(req, sampleToken(), null);
  await broker.logResponse(req, sampleToken(), sampleResponse(), null);
}

test('with no device enabled, logging does nothing and resolves', async () => {
  const { broker } = newBroker();
  assert.equal(broker.enabledCount, 0);
  await broker.logRequest(sampleRequest(), null, null);
  await broker.logResponse(sampleRequest(), null, null, 'boom');
});

test('request and response lines are JSON objects in Vault shape', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'audit.log');
  await broker.enable('file', { type: 'file', options: { file_path: file } });
  assert.equal(broker.enabledCount, 1);
  await logBoth(broker);
  await broker.teardown();

  const lines = readLines(file);
  assert.equal(lines.length, 2);
  const [rq, rs] = lines.map((l) => parseEntry(l));
  assert.equal(rq!.type, 'request');
  assert.equal(rq!.time, '2024-01-15T10:30:45.123Z');
  assert.deepEqual(Object.keys(rq!.auth).sort(), [
    'accessor', 'client_token', 'display_name', 'entity_id', 'metadata', 'policies', 'token_issue_time', 'token_policies', 'token_ttl', 'token_type',
  ]);
  assert.equal(rq!.auth.display_name, 'kubernetes-app');
  assert.deepEqual(rq!.auth.policies, ['default', 'myapp']);
  assert.equal(rq!.auth.token_type, 'service');
  assert.equal(rq!.auth.token_ttl, 3600);
  assert.equal(rq!.auth.token_issue_time, '2024-01-15T10:30:45Z');
  assert.deepEqual(rq!.auth.metadata, { role: 'my-role', service_account_name: 'app' });
  assert.equal(rq!.request.id, 'req-0001');
  assert.equal(rq!.request.operation, 'update');
  assert.equal(rq!.request.path, 'secret/data/myapp/config');
  assert.deepEqual(rq!.request.namespace, { id: 'root' });
  assert.equal(rq!.request.remote_address, '10.0.0.7');
  assert.match(String(rq!.request.client_token), /^hmac-sha256:[0-9a-f]{64}$/);
  assert.match(String(rq!.request.client_token_accessor), /^hmac-sha256:[0-9a-f]{64}$/);
  assert.equal(rq!.response, undefined);
  assert.equal(rq!.error, undefined);

  assert.equal(rs!.type, 'response');
  assert.equal(rs!.request.mount_type, 'kv');
  assert.equal(rs!.response?.mount_type, 'kv');
  assert.match(String(dig(rs!.response?.data, 'data', 'password')), /^hmac-sha256:/);
  assert.equal(dig(rs!.response?.data, 'data', 'port'), 5432, 'numbers are not hashed');
  assert.equal(dig(rs!.response?.data, 'metadata', 'version'), 3);
  assert.match(String(rs!.response?.auth?.client_token), /^hmac-sha256:/);
  assert.match(String(rs!.response?.auth?.accessor), /^hmac-sha256:/);
  assert.match(String(rs!.response?.wrap_info?.token), /^hmac-sha256:/);
  assert.match(String(rs!.response?.wrap_info?.accessor), /^hmac-sha256:/);
  assert.equal(rs!.response?.wrap_info?.ttl, 60);
  assert.deepEqual(rs!.response?.warnings, ['a warning']);
});

test('no secret appears in clear; each appears as its HMAC, equal to hash(path, value)', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'audit.log');
  await broker.enable('file/', { type: 'file', options: { file_path: file } });
  await logBoth(broker);
  await broker.logResponse(sampleRequest({ requestId: 'req-0002' }), sampleToken(), null, 'permission denied');
  const text = readFileSync(file, 'utf8');
  for (const s of [SECRET, TOKEN, ACCESSOR, NEW_TOKEN, NEW_ACCESSOR, WRAP_TOKEN]) {
    assert.ok(!text.includes(s), `${s} must not appear in clear`);
    assert.ok(text.includes(broker.hash('file', s)), `the HMAC of ${s} must appear`);
  }
  const req = parseEntry(readLines(file)[0]!);
  assert.equal(req.request.client_token, broker.hash('file/', TOKEN));
  assert.equal(dig(req.request.data, 'data', 'password'), broker.hash('file', SECRET));
  assert.deepEqual(dig(req.request.data, 'data', 'tags'), [broker.hash('file', SECRET), broker.hash('file', 'x')]);
  assert.equal(dig(req.request.data, 'data', 'enabled'), true, 'booleans are not hashed');
  assert.equal(dig(req.request.data, 'options', 'cas'), 1);
  const failed = parseEntry(readLines(file)[2]!);
  assert.equal(failed.error, 'permission denied');
});

test('each device has its own salt; sys/audit-hash on an unknown device is a 400', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  await broker.enable('a', { type: 'file', options: { file_path: join(tmp.dir, 'a.log') } });
  await broker.enable('b', { type: 'file', options: { file_path: 'discard' } });
  assert.notEqual(broker.hash('a', SECRET), broker.hash('b', SECRET));
  assert.throws(() => broker.hash('nope', 'x'), (e: unknown) => e instanceof CofferError && e.status === 400 && /nope/.test(e.message));
});

test('log_raw=true writes secrets in clear', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'raw.log');
  await broker.enable('raw', { type: 'file', options: { file_path: file, log_raw: 'true' } });
  await logBoth(broker);
  const text = readFileSync(file, 'utf8');
  for (const s of [SECRET, TOKEN, ACCESSOR, NEW_TOKEN, WRAP_TOKEN]) assert.ok(text.includes(s), `${s} in clear with log_raw`);
  assert.ok(!text.includes('hmac-sha256:'));
  // sys/audit-hash still hashes with the device's salt.
  assert.match(broker.hash('raw', SECRET), /^hmac-sha256:/);
});

test('hmac_accessor=false shows accessors but still hashes tokens', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'acc.log');
  await broker.enable('acc', { type: 'file', options: { file_path: file, hmac_accessor: 'false' } });
  await logBoth(broker);
  const [rq, rs] = readLines(file).map((l) => parseEntry(l));
  assert.equal(rq!.auth.accessor, ACCESSOR);
  assert.equal(rq!.request.client_token_accessor, ACCESSOR);
  assert.equal(rs!.response?.auth?.accessor, NEW_ACCESSOR);
  assert.equal(rs!.response?.wrap_info?.accessor, 'wrap-accessor-55');
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes(TOKEN) && !text.includes(NEW_TOKEN) && !text.includes(SECRET));
});

test('prefix is written before each JSON object', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'p.log');
  await broker.enable('p', { type: 'file', options: { file_path: file, prefix: 'AUDIT:' } });
  await logBoth(broker);
  for (const line of readLines(file)) {
    assert.ok(line.startsWith('AUDIT:{'));
    JSON.parse(line.slice('AUDIT:'.length));
  }
});

test('the file is created with mode 0600 by default, or the given mode', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  await broker.enable('a', { type: 'file', options: { file_path: join(tmp.dir, 'sub', 'a.log') } });
  await broker.enable('b', { type: 'file', options: { file_path: join(tmp.dir, 'b.log'), mode: '0640' } });
  assert.equal(statSync(join(tmp.dir, 'sub', 'a.log')).mode & 0o777, 0o600);
  assert.equal(statSync(join(tmp.dir, 'b.log')).mode & 0o777, 0o640);
});

test('two devices, one failing (a full disk): the call resolves and the good file has the line', { skip: !hasDevFull }, async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker, logger } = newBroker();
  const file = join(tmp.dir, 'good.log');
  await broker.enable('good', { type: 'file', options: { file_path: file } });
  await broker.enable('full', { type: 'file', options: { file_path: '/dev/full' } });
  await logBoth(broker);
  assert.equal(readLines(file).length, 2);
  const errors = logger.lines.filter((l) => l.level === 'error');
  assert.equal(errors.length, 2, 'each failed line is logged');
  assert.match(JSON.stringify(errors[0]!.obj), /full\//);
  assert.ok(!JSON.stringify(logger.lines).includes(SECRET));
});

test('all devices failing: the call rejects with a 500', { skip: !hasDevFull }, async () => {
  const { broker } = newBroker();
  await broker.enable('full1', { type: 'file', options: { file_path: '/dev/full' } });
  await broker.enable('full2', { type: 'file', options: { file_path: '/dev/full' } });
  await assert.rejects(broker.logRequest(sampleRequest(), sampleToken(), null), (e: unknown) => e instanceof CofferError && e.status === 500);
  await assert.rejects(broker.logResponse(sampleRequest(), sampleToken(), sampleResponse(), null), (e: unknown) => e instanceof CofferError && e.status === 500);
});

test('enable fails with a 400 naming the file when it cannot be opened, and stores nothing', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker, storage } = newBroker();
  const blocker = join(tmp.dir, 'blocker');
  writeFileSync(blocker, '');
  const bad = join(blocker, 'audit.log');
  await assert.rejects(
    broker.enable('f', { type: 'file', options: { file_path: bad } }),
    (e: unknown) => e instanceof CofferError && e.status === 400 && e.message.includes(bad),
  );
  await assert.rejects(
    broker.enable('d', { type: 'file', options: { file_path: tmp.dir } }),
    (e: unknown) => e instanceof CofferError && e.status === 400 && e.message.includes(tmp.dir),
  );
  assert.equal(broker.enabledCount, 0);
  assert.deepEqual(broker.list(), {});
  assert.deepEqual([...storage.map.keys()].filter((k) => k.startsWith('salt/')), []);
});

test('a FIFO with no reader fails enable at once instead of hanging', { skip: !hasMkfifo() }, async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const fifo = join(tmp.dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const { broker } = newBroker();
  await assert.rejects(
    broker.enable('f', { type: 'file', options: { file_path: fifo } }),
    (e: unknown) => e instanceof CofferError && e.status === 400 && e.message.includes(fifo),
  );
});

test('bad type, bad options and a path in use are 400s naming what was wrong', async () => {
  const { broker } = newBroker();
  const is400 = (re: RegExp) => (e: unknown) => e instanceof CofferError && e.status === 400 && re.test(e.message);
  await assert.rejects(broker.enable('x', { type: 'nope', options: { file_path: 'discard' } }), is400(/"nope"/));
  await assert.rejects(broker.enable('x', { type: 'socket', options: {} }), is400(/socket/));
  await assert.rejects(broker.enable('x', { type: 'file', options: {} }), is400(/file_path/));
  await assert.rejects(broker.enable('x', { type: 'file', options: { file_path: 'discard', format: 'jsonx' } }), is400(/"format".*jsonx/));
  await assert.rejects(broker.enable('x', { type: 'file', options: { file_path: 'discard', log_raw: 'yes' } }), is400(/"log_raw"/));
  await assert.rejects(broker.enable('x', { type: 'file', options: { file_path: 'discard', hmac_accessor: 'maybe' } }), is400(/"hmac_accessor"/));
  await assert.rejects(broker.enable('x', { type: 'file', options: { file_path: 'discard', mode: '0755' } }), is400(/"mode"/));
  await assert.rejects(broker.enable('x', { type: 'file', options: { file_path: 'discard', mode: 'rw' } }), is400(/"mode"/));
  await assert.rejects(broker.enable('x', { type: 'file', options: { file_path: 'discard', colour: 'blue' } }), is400(/"colour"/));
  await assert.rejects(broker.enable('', { type: 'file', options: { file_path: 'discard' } }), is400(/path/));
  await broker.enable('x', { type: 'file', options: { file_path: 'discard' } });
  await assert.rejects(broker.enable('x/', { type: 'file', options: { file_path: 'discard' } }), is400(/"x\/".*in use/));
  await assert.rejects(broker.enable('x/y', { type: 'file', options: { file_path: 'discard' } }), is400(/in use/));
  assert.equal(broker.enabledCount, 1);
});

test('list shows devices as sys/audit does', async () => {
  const { broker } = newBroker();
  await broker.enable('file', { type: 'file', description: 'to stdout', options: { file_path: 'stdout', log_raw: 'false' }, local: true });
  assert.deepEqual(broker.list(), {
    'file/': { type: 'file', description: 'to stdout', options: { file_path: 'stdout', log_raw: 'false' }, local: true, path: 'file/' },
  });
});

test('disable stops writing, forgets the salt, and is a no-op for an unknown path', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker, storage } = newBroker();
  const a = join(tmp.dir, 'a.log');
  const b = join(tmp.dir, 'b.log');
  await broker.enable('a', { type: 'file', options: { file_path: a } });
  await broker.enable('b', { type: 'file', options: { file_path: b } });
  await broker.logRequest(sampleRequest(), sampleToken(), null);
  await broker.disable('a');
  await broker.disable('never-enabled');
  await broker.logRequest(sampleRequest(), sampleToken(), null);
  assert.equal(readLines(a).length, 1);
  assert.equal(readLines(b).length, 2);
  assert.deepEqual(Object.keys(broker.list()), ['b/']);
  assert.equal([...storage.map.keys()].filter((k) => k.startsWith('salt/')).length, 1);
  await broker.disable('b');
  assert.equal(broker.enabledCount, 0);
  await broker.logRequest(sampleRequest(), sampleToken(), null); // nothing enabled: no-op
  assert.equal(readLines(b).length, 2);
});

test('setup() after teardown() restores devices and their salts from storage', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const storage = memoryView();
  const { broker } = newBroker(storage);
  const file = join(tmp.dir, 'audit.log');
  await broker.enable('file', { type: 'file', description: 'main', options: { file_path: file } });
  const before = broker.hash('file', SECRET);
  const listed = broker.list();
  await broker.teardown();
  assert.equal(broker.enabledCount, 0);
  assert.deepEqual(broker.list(), {});
  await broker.logRequest(sampleRequest(), null, null); // torn down: no-op
  assert.equal(readLines(file).length, 0);

  await broker.setup();
  assert.equal(broker.enabledCount, 1);
  assert.deepEqual(broker.list(), listed);
  assert.equal(broker.hash('file', SECRET), before);
  // A fresh broker on the same storage (a restart) sees the same.
  const other = newBroker(storage).broker;
  await other.setup();
  assert.equal(other.hash('file', SECRET), before);
  await other.teardown();
  await broker.logRequest(sampleRequest(), sampleToken(), null);
  assert.equal(readLines(file).length, 1);
  await broker.teardown();
});

test('setup() keeps a device whose file is gone, fails closed, and recovers when the path works', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const storage = memoryView();
  const { broker, logger } = newBroker(storage);
  const dir = join(tmp.dir, 'logs');
  const file = join(dir, 'audit.log');
  await broker.enable('f', { type: 'file', options: { file_path: file } });
  await broker.teardown();
  rmSync(dir, { recursive: true });
  writeFileSync(dir, 'blocks the directory');
  await broker.setup();
  assert.equal(broker.enabledCount, 1);
  assert.ok(logger.lines.some((l) => l.level === 'error'));
  await assert.rejects(broker.logRequest(sampleRequest(), null, null));
  rmSync(dir);
  await broker.logRequest(sampleRequest(), null, null);
  assert.equal(readLines(file).length, 1);
  await broker.teardown();
});

test('reopen() moves writing to a new file after rotation', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'audit.log');
  await broker.enable('f', { type: 'file', options: { file_path: file } });
  await broker.logRequest(sampleRequest(), null, null);
  renameSync(file, `${file}.1`);
  await broker.logRequest(sampleRequest(), null, null); // before SIGHUP: still the old file, as in Vault
  await broker.reopen();
  await broker.logRequest(sampleRequest(), null, null);
  assert.equal(readLines(`${file}.1`).length, 2);
  assert.equal(readLines(file).length, 1);
});

test('concurrent lines are whole and in call order', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'audit.log');
  await broker.enable('f', { type: 'file', options: { file_path: file } });
  const n = 500;
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      broker.logRequest(sampleRequest({ requestId: `r-${i}`, data: { big: 'y'.repeat(i * 37) } }), sampleToken(), null),
    ),
  );
  const ids = readLines(file).map((l) => (JSON.parse(l) as { request: { id: string } }).request.id);
  assert.deepEqual(ids, Array.from({ length: n }, (_, i) => `r-${i}`));
});

test('unauthenticated requests and raw responses are logged too', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'audit.log');
  mkdirSync(tmp.dir, { recursive: true });
  await broker.enable('f', { type: 'file', options: { file_path: file } });
  const login = sampleRequest({ path: 'auth/kubernetes/login', clientToken: undefined, data: { role: 'r', jwt: 'eyJ.secret.jwt' } });
  await broker.logRequest(login, null, null);
  await broker.logResponse(
    sampleRequest({ operation: 'read', path: 'sys/metrics', data: {} }),
    sampleToken(),
    sampleResponse({ data: null, auth: null, wrapInfo: null, raw: { status: 200, contentType: 'text/plain', body: Buffer.from(SECRET) }, mountType: 'system' }),
    null,
  );
  const text = readFileSync(file, 'utf8');
  assert.ok(!text.includes('eyJ.secret.jwt') && !text.includes(SECRET));
  const [rq, rs] = readLines(file).map((l) => parseEntry(l));
  assert.deepEqual(rq!.auth, { token_type: 'default' });
  // The login's response line shows the issued token (hashed) as its auth, as Vault does.
  await broker.logResponse(login, null, sampleResponse(), null);
  const loginResp = parseEntry(readLines(file)[2]!);
  assert.equal(loginResp.auth.client_token, broker.hash('f', NEW_TOKEN));
  assert.equal(loginResp.auth.accessor, broker.hash('f', NEW_ACCESSOR));
  assert.equal(rq!.request.client_token, undefined);
  assert.equal(dig(rs!.response?.data, 'http_status_code'), 200);
  assert.equal(dig(rs!.response?.data, 'http_raw_body'), broker.hash('f', SECRET));
});

test('audit meta from the core: mount facts and non-HMAC keys', async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const { broker } = newBroker();
  const file = join(tmp.dir, 'audit.log');
  await broker.enable('f', { type: 'file', options: { file_path: file } });
  await broker.logRequest(sampleRequest({ data: { role: 'reader', password: SECRET } }), sampleToken(), null, {
    mountType: 'kubernetes',
    mountPoint: 'auth/kubernetes/',
    nonHmacRequestKeys: ['role'],
  });
  const rq = parseEntry(readLines(file)[0]!);
  assert.equal(rq.request.mount_type, 'kubernetes');
  assert.equal(rq.request.mount_point, 'auth/kubernetes/');
  assert.equal(dig(rq.request.data, 'role'), 'reader');
  assert.equal(dig(rq.request.data, 'password'), broker.hash('f', SECRET));
});
