// The tutorial's MySQL pod's app, for `npm run demo`: where the tutorial ran
// `mysql -u $DB_USER -p$DB_PASSWORD -h $DB_HOST`, this logs in with the same three variables (sourced
// from the file the injected agent rendered from database/creds/app) using mysql2, and prints who
// the database says it is. It never prints the password.

import mysql from 'mysql2/promise';

const { DB_USER, DB_PASSWORD, DB_HOST, DB_PORT } = process.env;
if (!DB_USER || !DB_PASSWORD || !DB_HOST) {
  process.stderr.write('mysql-app: DB_USER, DB_PASSWORD and DB_HOST must be set\n');
  process.exit(2);
}
try {
  const c = await mysql.createConnection({ host: DB_HOST, port: Number(DB_PORT || 3306), user: DB_USER, password: DB_PASSWORD, connectTimeout: 30_000 });
  try {
    const [rows] = await c.query('SELECT CURRENT_USER() AS u');
    process.stdout.write(`logged in to MariaDB as ${DB_USER}; SELECT CURRENT_USER(): ${String((rows as { u: string }[])[0]?.u)}\n`);
  } finally {
    await c.end();
  }
} catch (e) {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  process.stderr.write(`mysql-app: cannot log in as ${DB_USER}: ${code || (e as Error).message}\n`);
  process.exit(1);
}
