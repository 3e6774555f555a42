// Checks for the postgresql storage stanza: the table name becomes a quoted SQL identifier
// (never raw text from the config), and connection_url is described without its password.

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** `table` or `schema.table` -> a safely quoted identifier, plus the bare table name. */
export interface TableName {
  quoted: string;
  bare: string;
}

export function parseTableName(table: string): TableName {
  const parts = table.split('.');
  if (parts.length > 2 || !parts.every((part) => IDENTIFIER.test(part))) {
    throw new Error(
      `postgresql storage: invalid table ${JSON.stringify(table)}: use letters, digits and '_' ` +
        "(not starting with a digit, at most 63 characters), optionally as 'schema.table'",
    );
  }
  return {
    quoted: parts.map((part) => `"${part}"`).join('.'),
    bare: parts[parts.length - 1] as string,
  };
}

/** Where connection_url points: 'host:port/database' (user and password left out). */
export function describeConnectionUrl(connectionUrl: string): string {
  let url: URL;
  try {
    url = new URL(connectionUrl);
  } catch {
    throw new Error(
      'postgresql storage: connection_url is not a valid URL; expected postgres://user:password@host:5432/database',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(
      `postgresql storage: connection_url must start with postgres:// or postgresql://, not ${url.protocol}//`,
    );
  }
  const host = url.searchParams.get('host') ?? (url.hostname || 'localhost');
  const port = url.port || url.searchParams.get('port') || '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return `${host}:${port}${database ? `/${database}` : ''}`;
}

/** Removes the URL's password (raw and decoded) and the URL itself from a driver message. */
export function redactPassword(message: string, connectionUrl: string): string {
  let out = message.split(connectionUrl).join('<connection_url>');
  let password = '';
  try {
    password = new URL(connectionUrl).password;
  } catch {
    return out;
  }
  if (!password) return out;
  for (const secret of new Set([password, safeDecode(password)])) {
    if (secret) out = out.split(secret).join('<redacted>');
  }
  return out;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
