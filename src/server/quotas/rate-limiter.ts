// One rate-limit quota's per-client state, with the semantics of Vault's limiter (sethvargo/go-limiter's
// memory store): each client IP gets `tokens` requests per `interval`, in windows that start at its
// first request; past that it is refused until its window ends or, with a block interval, until
// block_interval has passed since the refusal. Plain data and an injected clock, so tests don't sleep.
//
// Memory bound: client IPs are chosen by whoever connects, so each map holds at most `maxClients`
// entries (16,384 by default: about 2 MB). When full, entries that no longer matter (window over,
// block expired) are swept first; if every entry is live, the least recently seen is dropped, which
// at worst hands that one client a fresh window.

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** ms until the client's window resets (or its block ends, when refused while blocked) */
  resetMs: number;
}

interface Bucket {
  start: number;
  tick: number;
  left: number;
}

export const DEFAULT_MAX_CLIENTS = 16_384;

export interface RateLimiter {
  take(client: string, now: number): RateLimitDecision;
  /** Live entries (for tests of the memory bound). */
  readonly size: { clients: number; blocked: number };
}

export function createRateLimiter(opts: { tokens: number; intervalMs: number; blockMs: number; maxClients?: number }): RateLimiter {
  const { tokens, intervalMs, blockMs } = opts;
  const cap = opts.maxClients ?? DEFAULT_MAX_CLIENTS;
  const buckets = new Map<string, Bucket>();
  const blocked = new Map<string, number>();

  /** Map iteration order is insertion order: re-inserting on use keeps the least recent first. */
  function touch<V>(m: Map<string, V>, k: string, v: V): void {
    m.delete(k);
    m.set(k, v);
  }

  function makeRoom<V>(m: Map<string, V>, stale: (v: V) => boolean): void {
    if (m.size < cap) return;
    for (const [k, v] of m) if (stale(v)) m.delete(k);
    while (m.size >= cap) {
      const oldest = m.keys().next();
      if (oldest.done) break;
      m.delete(oldest.value);
    }
  }

  return {
    take(client, now) {
      const blockedAt = blocked.get(client);
      if (blockedAt !== undefined) {
        if (now - blockedAt < blockMs) return { allowed: false, limit: tokens, remaining: 0, resetMs: blockedAt + blockMs - now };
        blocked.delete(client);
      }
      let b = buckets.get(client);
      if (!b) {
        makeRoom(buckets, (x) => now >= x.start + (x.tick + 1) * intervalMs);
        b = { start: now, tick: 0, left: tokens };
      }
      const tick = Math.floor((now - b.start) / intervalMs);
      if (tick > b.tick) {
        b.tick = tick;
        b.left = tokens;
      }
      touch(buckets, client, b);
      const resetMs = b.start + (b.tick + 1) * intervalMs - now;
      if (b.left > 0) {
        b.left--;
        return { allowed: true, limit: tokens, remaining: b.left, resetMs };
      }
      if (blockMs > 0) {
        makeRoom(blocked, (at) => now - at >= blockMs);
        blocked.set(client, now);
        return { allowed: false, limit: tokens, remaining: 0, resetMs: blockMs };
      }
      return { allowed: false, limit: tokens, remaining: 0, resetMs };
    },
    get size() {
      return { clients: buckets.size, blocked: blocked.size };
    },
  };
}
