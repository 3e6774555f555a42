// When a failed attempt is tried again, and how long to wait first.
//
// Policy (Vault's Go client retries every method on 412, 429, 5xx but 501, and any connection
// error; we are stricter where a retry could do a write twice):
// - 429 and 503, and connection errors where the request never reached the server (refused,
//   unreachable, DNS, or a reset of a kept-alive connection the server had closed): every method,
//   since the server did not act on the request (Vault answers 503 when sealed or standby, 429
//   when rate limited, before any backend runs).
// - 502, 504, and resets/timeouts after the request was sent: only GET, HEAD, LIST, OPTIONS and
//   DELETE. A PUT/POST/PATCH to Vault is not idempotent (a new KV version, a second token), so it
//   is not repeated unless `retryNonIdempotent` is set.
// - Never: other statuses (4xx, 500, 501), TLS verification failures, the call's own timeout.
// Backoff: exponential with equal jitter, minDelayMs * 2^n capped at maxDelayMs, a random half
// of it added; a Retry-After header on 429/503 is honoured up to maxDelayMs.

export interface RetryPolicy {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  retryNonIdempotent: boolean;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 2, minDelayMs: 500, maxDelayMs: 3000, retryNonIdempotent: false };

export type Outcome = { kind: 'status'; status: number } | { kind: 'transport'; code: string; reusedSocket: boolean };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'LIST', 'OPTIONS', 'DELETE']);
const NOT_SENT = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND', 'EADDRNOTAVAIL']);
const MAYBE_SENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

export function isTlsCode(code: string): boolean {
  return /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|HOSTNAME_MISMATCH)/.test(code);
}

export function isRetryable(method: string, outcome: Outcome, policy: RetryPolicy): boolean {
  const idempotent = IDEMPOTENT.has(method.toUpperCase()) || policy.retryNonIdempotent;
  if (outcome.kind === 'status') {
    if (outcome.status === 429 || outcome.status === 503) return true;
    if (outcome.status === 502 || outcome.status === 504) return idempotent;
    return false;
  }
  if (isTlsCode(outcome.code)) return false;
  if (NOT_SENT.has(outcome.code)) return true;
  if (outcome.code === 'ECONNRESET' && outcome.reusedSocket) return true;
  return MAYBE_SENT.has(outcome.code) && idempotent;
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(header) ? header[0] : header;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random, retryAfter?: number): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, policy.maxDelayMs);
  const cap = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}
