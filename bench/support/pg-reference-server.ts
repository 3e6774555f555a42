// The physical-limit reference for PostgreSQL-backed reads: a bare node:http server that does, per
// request, exactly the irreducible work of a secret read on PostgreSQL (one point select over a
// pooled connection + one AES-256-GCM decrypt + a JSON reply). Usage:
//   node dist/bench/support/pg-reference-server.js <port> <connection-url> <table>
// It creates the table, stores one sealed value, serves it on GET, and drops the table on SIGTERM.

import http from 'node:http';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import pg from 'pg';

const port = Number(process.argv[2]);
const url = process.argv[3]!;
const table = process.argv[4]!;
if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error('table: lowercase letters, digits and _');
const pool = new pg.Pool({ connectionString: url, max: 16 });
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

await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT COLLATE "C" PRIMARY KEY, value BYTEA NOT NULL)`);
const secret = Buffer.from(JSON.stringify({ username: 'app', password: 'correct horse battery staple' }));
await pool.query(`INSERT INTO ${table} (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, ['myapp/config', seal(secret, 'myapp/config')]);

const server = http.createServer((req, res) => {
  pool
    .query<{ value: Buffer }>({ name: 'get', text: `SELECT value FROM ${table} WHERE key = $1`, values: ['myapp/config'] })
    .then((r) => {
      const plain = open(r.rows[0]!.value, 'myapp/config');
      const body = JSON.stringify({ data: { data: JSON.parse(plain.toString('utf8')) as unknown } });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    })
    .catch(() => {
      res.writeHead(500);
      res.end();
    });
  req.resume();
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  void pool
    .query(`DROP TABLE IF EXISTS ${table}`)
    .finally(() => pool.end())
    .finally(() => process.exit(0));
});
