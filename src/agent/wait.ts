// A wait that shutdown can cut short: resolves after `ms`, or at once when the signal aborts (its
// timer cleared, so a stopping agent is not kept alive by a backoff it no longer needs).

export function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
