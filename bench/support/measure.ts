// Runs autocannon against one URL on loopback for a bounded time and returns req/s and latency.

import autocannon from 'autocannon';

export interface Measurement {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
  /** requests completed in the run */
  total: number;
}

export async function measure(opts: {
  url: string;
  method: 'GET' | 'PUT' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
  seconds: number;
  /** Picks each request's path (relative to the URL's origin), e.g. to spread writes over many keys. */
  pathFor?: () => string;
}): Promise<Measurement> {
  const u = new URL(opts.url);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) throw new Error('benchmarks only target loopback');
  const r = await autocannon({
    url: opts.url,
    method: opts.method,
    headers: opts.headers,
    body: opts.body,
    connections: opts.connections ?? 50,
    duration: opts.seconds,
    ...(opts.pathFor
      ? {
          requests: [
            {
              setupRequest: (req: { path?: string }) => ({ ...req, path: opts.pathFor!() }),
            },
          ],
        }
      : {}),
  });
  return { requestsPerSec: r.requests.average, p50Ms: r.latency.p50, p99Ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx, total: r.requests.total };
}
