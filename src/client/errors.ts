// VaultError: what a failed Vault API call throws. It carries the HTTP status, the server's own
// messages, the method and the API path, and never the token or the request body.

/** Why a call failed without an HTTP answer (status 0), or 'http' when the server answered. */
export type VaultErrorKind = 'http' | 'timeout' | 'connection' | 'tls' | 'aborted' | 'invalid-response';

export interface VaultErrorInit {
  status: number;
  errors: string[];
  method: string;
  path: string;
  kind?: VaultErrorKind;
  /** The system error code (ECONNREFUSED, ERR_TLS_CERT_ALTNAME_INVALID, ...) for transport failures. */
  code?: string;
  /** How many HTTP attempts were made (1 + retries). */
  attempts?: number;
  message?: string;
  cause?: unknown;
}

export class VaultError extends Error {
  /** HTTP status; 0 when no answer was received (timeout, connection or TLS failure). */
  readonly status: number;
  /** The server's error messages (`{"errors": [...]}`), or a description of the transport failure. */
  readonly errors: string[];
  readonly method: string;
  /** The API path, without `/v1/` and without the query string. */
  readonly path: string;
  readonly kind: VaultErrorKind;
  readonly code: string | undefined;
  readonly attempts: number;

  constructor(init: VaultErrorInit) {
    super(init.message ?? VaultError.describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'VaultError';
    this.status = init.status;
    this.errors = init.errors;
    this.method = init.method;
    this.path = init.path;
    this.kind = init.kind ?? 'http';
    this.code = init.code;
    this.attempts = init.attempts ?? 1;
  }

  private static describe(init: VaultErrorInit): string {
    const where = `${init.method} /v1/${init.path}`;
    const what = init.errors.length > 0 ? init.errors.join('; ') : 'no error message from the server';
    if (init.status > 0) return `${where}: ${init.status} ${what}`;
    return `${where}: ${what}`;
  }
}

export function isVaultError(e: unknown): e is VaultError {
  return e instanceof VaultError;
}
