// Runs async tasks one at a time, in the order they were asked for (a tiny async mutex).
// Used for a file's writes/reopens and for the broker's enable/disable/setup/teardown.

export type Serial = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerial(): Serial {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
