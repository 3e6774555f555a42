// The physical-limit reference for KV benchmarks: a bare node:http server that does, per request,
// exactly the irreducible work of a secret read (one SQLite point select + one AES-256-GCM decrypt +
// a JSON reply) or write (one AES-256-GCM encrypt + one durable SQLite insert + a JSON reply), with
// the same SQLite settings as Coffer's storage (WAL, synchronous = FULL). Usage:
//   node dist/bench/support/reference-server.js <port> <db-file>

import http from 'node:http';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const port = Number(process.argv[2]);
const db = new Database(process.argv[3]!);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)');
const key = randomBytes(32);

function seal(plain: Buffer, aad: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return Buffer.concat([nonce, ct, c.getAuthTag()]);
}

function open(sealed: Buffer, aad: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12));
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
}

const put = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
const get = db.prepare<[string], { value: Buffer }>('SELECT value FROM kv WHERE key = ?');
put.run('secret/myapp/config', seal(Buffer.from(JSON.stringify({ username: 'app', password: 'correct horse battery staple' })), 'secret/myapp/config'));

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: string;
      if (req.method === 'GET') {
        const row = get.get('secret/myapp/config');
        body = JSON.stringify({ data: { data: JSON.parse(open(row!.value, 'secret/myapp/config').toString()) } });
      } else {
        const input = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { data?: unknown };
        const key = `secret${req.url ?? '/'}`;
        put.run(key, seal(Buffer.from(JSON.stringify(input.data ?? {})), key));
        body = JSON.stringify({ data: { version: 1 } });
      }
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  })
  .listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
