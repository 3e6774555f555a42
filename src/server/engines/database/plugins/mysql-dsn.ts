// Parses a MySQL connection_url as Vault's mysql plugin takes it: Go's DSN format
// `[user[:password]@][tcp(host[:port])|unix(/socket)]/[dbname][?params]` (e.g.
// `{{username}}:{{password}}@tcp(127.0.0.1:3306)/`), or a `mysql://user:pass@host:port/db` URL.
// Written by hand: mysql2 takes options, not Go DSNs.

export interface MysqlTarget {
  user: string;
  password: string | null;
  host: string;
  port: number;
  socketPath?: string;
  database: string;
}

export function parseMysqlDsn(dsn: string): MysqlTarget {
  if (/^mysql:\/\//i.test(dsn)) {
    let u: URL;
    try {
      u = new URL(dsn);
    } catch {
      throw new Error('connection_url is not a valid mysql:// URL');
    }
    return {
      user: decodeURIComponent(u.username),
      password: u.password === '' ? null : decodeURIComponent(u.password),
      host: u.hostname || '127.0.0.1',
      port: u.port ? Number(u.port) : 3306,
      database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    };
  }
  const slash = dsn.lastIndexOf('/');
  if (slash < 0) throw new Error('connection_url must be a MySQL DSN such as "{{username}}:{{password}}@tcp(127.0.0.1:3306)/"');
  const head = dsn.slice(0, slash);
  const database = dsn.slice(slash + 1).split('?')[0] ?? '';
  const at = head.lastIndexOf('@');
  const cred = at >= 0 ? head.slice(0, at) : '';
  const addr = at >= 0 ? head.slice(at + 1) : head;
  const colon = cred.indexOf(':');
  const user = colon >= 0 ? cred.slice(0, colon) : cred;
  const password = colon >= 0 ? cred.slice(colon + 1) : null;
  const m = /^(\w*)(?:\((.*)\))?$/.exec(addr);
  if (!m) throw new Error('connection_url has an invalid address part: use tcp(host:port) or unix(/path/to/socket)');
  const net = m[1] || 'tcp';
  const where = m[2] ?? '';
  if (net === 'unix') return { user, password, host: 'localhost', port: 3306, socketPath: where || '/run/mysqld/mysqld.sock', database };
  if (net !== 'tcp') throw new Error(`connection_url uses network "${net}": use tcp or unix`);
  const hp = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(where);
  return { user, password, host: hp?.[1] || '127.0.0.1', port: hp?.[2] ? Number(hp[2]) : 3306, database };
}

/** The DSN with a literal password replaced by "*****" ({{password}} is kept). */
export function redactMysqlDsn(dsn: string): string {
  if (/^mysql:\/\//i.test(dsn)) {
    try {
      const u = new URL(dsn);
      if (u.password && decodeURIComponent(u.password) !== '{{password}}') u.password = '*****';
      return u.toString();
    } catch {
      return '*****';
    }
  }
  const slash = dsn.lastIndexOf('/');
  const head = slash >= 0 ? dsn.slice(0, slash) : dsn;
  const at = head.lastIndexOf('@');
  if (at < 0) return dsn;
  const cred = head.slice(0, at);
  const colon = cred.indexOf(':');
  if (colon < 0 || cred.slice(colon + 1) === '{{password}}') return dsn;
  return `${cred.slice(0, colon)}:*****${dsn.slice(at)}`;
}
