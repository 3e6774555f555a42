// What the database engine needs from a database plugin (Vault's dbplugin v5, reduced to what the
// built-in MySQL and PostgreSQL plugins do): open a pooled connection, create a user, extend its
// expiration, change its password, delete it.

export interface ConnectionSettings {
  /** The connection URL with {{username}} and {{password}} still in it. */
  connectionUrl: string;
  username: string;
  password: string;
  maxOpenConnections: number;
  /** 0: same as maxOpenConnections; negative: keep none idle. */
  maxIdleConnections: number;
  /** seconds; 0: unlimited */
  maxConnectionLifetime: number;
}

/** A pool of connections to one configured database. */
export interface DbConnection {
  /** Checks the server answers with the configured credentials. */
  verify(): Promise<void>;
  /** Runs the statements in one transaction; the first failure rolls it back and throws. */
  transaction(statements: readonly string[]): Promise<void>;
  /** Runs one statement with positional parameters; returns rows as objects. */
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface NewUser {
  username: string;
  password: string;
  /** ms since the epoch */
  expiration: number;
  creation: readonly string[];
  rollback: readonly string[];
}

export interface DatabasePlugin {
  readonly name: string;
  readonly defaultUsernameTemplate: string;
  open(settings: ConnectionSettings): DbConnection;
  /** Replaces a literal password in a connection URL by "*****" (reads never show it). */
  redactUrl(url: string): string;
  newUser(conn: DbConnection, u: NewUser): Promise<void>;
  renewUser(conn: DbConnection, u: { username: string; expiration: number; statements: readonly string[] }): Promise<void>;
  revokeUser(conn: DbConnection, u: { username: string; statements: readonly string[] }): Promise<void>;
  setPassword(conn: DbConnection, u: { username: string; password: string; statements: readonly string[] }): Promise<void>;
}
