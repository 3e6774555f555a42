// The responses of one connection's dispatched requests that are not closed yet, oldest first:
// how many are in flight (for a graceful close or a hand-over) and which one node is writing.
import type { ServerResponse } from 'node:http';

export class ResponseQueue {
  private readonly open: ServerResponse[] = [];

  get size(): number {
    return this.open.length;
  }

  /** The response of the oldest request not yet answered (what node is writing now). */
  get oldest(): ServerResponse | undefined {
    return this.open[0];
  }

  /** The response of the request dispatched last. */
  get newest(): ServerResponse | undefined {
    return this.open[this.open.length - 1];
  }

  /** Adds a response; `onClosed` runs after it is closed and removed. */
  add(res: ServerResponse, onClosed: () => void): void {
    this.open.push(res);
    res.once('close', () => {
      const i = this.open.indexOf(res);
      if (i >= 0) this.open.splice(i, 1);
      onClosed();
    });
  }
}
