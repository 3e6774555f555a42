// Errors a backend or the core can raise; each carries the HTTP status Vault would answer with.
// Messages are shown to clients, so they must never contain a secret value or a token.

export class CofferError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Extra response headers (e.g. Retry-After on a 429). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'CofferError';
  }
}

/**
 * A login refused for wrong credentials (Vault's ErrInvalidCredentials): a 400 like any other, but
 * the core counts it towards user lockout, which other 400s (a missing field, say) must not.
 */
export class InvalidCredentialsError extends CofferError {
  constructor(message: string) {
    super(400, message);
    this.name = 'InvalidCredentialsError';
  }
}

export const badRequest = (message: string): CofferError => new CofferError(400, message);
export const permissionDenied = (detail?: string): CofferError =>
  new CofferError(403, detail ? `permission denied: ${detail}` : 'permission denied');
/** Vault answers a missing secret with 404 and no messages: the default here is an empty message. */
export const notFound = (message = ''): CofferError => new CofferError(404, message);
export const unsupportedOperation = (message = 'unsupported operation'): CofferError => new CofferError(405, message);
export const sealed = (): CofferError => new CofferError(503, 'Vault is sealed');
export const invalidCredentials = (message: string): CofferError => new InvalidCredentialsError(message);
/** 429 with a Retry-After (whole seconds, at least 1). */
export const tooManyRequests = (message: string, retryAfterSeconds: number): CofferError =>
  new CofferError(429, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
export const internalError = (message = 'internal error'): CofferError => new CofferError(500, message);

export function isCofferError(e: unknown): e is CofferError {
  return e instanceof CofferError;
}
