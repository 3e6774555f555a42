// The PostgreSQL server the tests use, and a connect() that fails with what is missing instead of
// a bare ECONNREFUSED: these tests need PostgreSQL and fail (not skip) without it.

import pg from 'pg';

export const PG_URL = process.env.COFFER_TEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** The URL without its password, for messages. */
export function redactedPgUrl(url = PG_URL): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(COFFER_TEST_PG_URL is not a URL)';
  }
}

export function pgMissingMessage(cause: unknown, url = PG_URL): string {
  const why = cause instanceof Error ? cause.message : String(cause);
  return (
    `This test needs PostgreSQL: could not connect to ${redactedPgUrl(url)} (${why}). ` +
    'Run PostgreSQL on 127.0.0.1:5432 with user postgres, trust authentication and a database named test ' +
    '(`.ci/run` starts one), or point COFFER_TEST_PG_URL at another server, e.g. COFFER_TEST_PG_URL=postgres://user:password@host:5432/db.'
  );
}

/** Connects a client, or throws an error that says what the tests need. */
export async function connectTestPostgres(client: pg.Client, url = PG_URL): Promise<pg.Client> {
  try {
    await client.connect();
  } catch (e) {
    throw new Error(pgMissingMessage(e, url));
  }
  return client;
}

/** A new connected client to the test database. */
export function testPgClient(url = PG_URL): Promise<pg.Client> {
  return connectTestPostgres(new pg.Client({ connectionString: url }), url);
}
