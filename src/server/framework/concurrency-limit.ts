// A concurrency limiter with a bounded wait queue: at most `concurrency` tasks run at once, at most
// `maxQueued` wait (first come, first served), and a task arriving when the queue is full is refused
// at once (the caller answers 429) instead of piling up in memory. Written by hand because it is a
// dozen lines and the libraries for it (p-limit and friends) have no queue bound.

export interface ConcurrencyLimit {
  /** Runs `task` when a slot is free; rejects with `QueueFullError` if too many are already waiting. */
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly queued: number;
}

export class QueueFullError extends Error {
  constructor() {
    super('concurrency limit reached and the wait queue is full');
    this.name = 'QueueFullError';
  }
}

export function createConcurrencyLimit(concurrency: number, maxQueued: number): ConcurrencyLimit {
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new Error(`maxQueued must be a non-negative integer, got ${maxQueued}`);
  let running = 0;
  const waiting: Array<() => void> = [];

  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  return {
    async run<T>(task: () => Promise<T>): Promise<T> {
      if (running < concurrency) running++;
      else if (waiting.length >= maxQueued) throw new QueueFullError();
      // The slot is handed over by release() without decrementing `running`, so no one can jump the queue.
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
  };
}
