// A min-heap of (time, id) pairs: what expires next is always at the top, so a sweep costs
// O(k log n) for the k entries that are due, not O(n) for everything alive. Entries are never
// updated in place: a renewal pushes a new pair and the sweep skips pairs that no longer match the
// record they name (lazy deletion).

export interface Due {
  at: number;
  id: string;
}

export class ExpiryQueue {
  private heap: Due[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(at: number, id: string): void {
    const h = this.heap;
    h.push({ at, id });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent]!.at <= h[i]!.at) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  /** Removes and returns every pair due at or before `now`, earliest first. */
  popDue(now: number): Due[] {
    const out: Due[] = [];
    while (this.heap.length > 0 && this.heap[0]!.at <= now) out.push(this.pop());
    return out;
  }

  clear(): void {
    this.heap = [];
  }

  private pop(): Due {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.at < h[m]!.at) m = l;
        if (r < h.length && h[r]!.at < h[m]!.at) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}
