// When each token is next due to be checked for expiry: a min-heap of (time, token hash) with one
// live slot per token, so the once-a-second sweep reads only the tokens whose time has come instead
// of every stored token. It is a schedule, not the truth: the sweep re-reads each due record (a
// renewed token is rescheduled, a revoked one dropped).

interface Slot {
  at: number;
  idHash: string;
}

export class ExpiryQueue {
  private heap: Slot[] = [];
  /** idHash -> the time of its live slot; heap slots that disagree are stale and skipped. */
  private live = new Map<string, number>();

  get size(): number {
    return this.live.size;
  }

  /** Schedules a check at `at` (ms), unless one is already due no later than that. */
  schedule(idHash: string, at: number): void {
    const current = this.live.get(idHash);
    if (current !== undefined && current <= at) return;
    this.live.set(idHash, at);
    this.heap.push({ at, idHash });
    this.up(this.heap.length - 1);
    // Rescheduling earlier leaves stale slots behind; rebuild when they outnumber the live ones.
    if (this.heap.length > 2 * this.live.size + 1024) this.rebuild();
  }

  /** Removes and returns every token due at or before `now`. */
  popDue(now: number): string[] {
    const out: string[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) {
      const top = this.pop();
      if (this.live.get(top.idHash) !== top.at) continue;
      this.live.delete(top.idHash);
      out.push(top.idHash);
    }
    return out;
  }

  clear(): void {
    this.heap = [];
    this.live.clear();
  }

  private rebuild(): void {
    this.heap = [...this.live].map(([idHash, at]) => ({ idHash, at }));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private pop(): Slot {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  private up(i: number): void {
    const h = this.heap;
    const slot = h[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= slot.at) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = slot;
  }

  private down(i: number): void {
    const h = this.heap;
    const slot = h[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= h.length) break;
      if (child + 1 < h.length && h[child + 1]!.at < h[child]!.at) child++;
      if (h[child]!.at >= slot.at) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = slot;
  }
}
