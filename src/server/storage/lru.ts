// A bounded least-recently-used map: a Map from key to a node of a doubly linked list kept in use
// order (front = least recently used). A hit only relinks its node. (Re-inserting into the Map on
// every hit, and evicting with `keys().next()`, is slow in V8 on large maps: deleted slots pile up
// at the front of the table and each eviction walks over them; at 131072 entries that cost
// 10-70 us per operation.)

export interface Lru<V> {
  /** The value and whether it was present (a cached value may itself be null). */
  get(key: string): { hit: true; value: V } | { hit: false };
  set(key: string, value: V): void;
  delete(key: string): void;
  clear(): void;
  readonly size: number;
}

interface Node<V> {
  key: string;
  value: V;
  prev: Node<V>;
  next: Node<V>;
}

export function createLru<V>(capacity: number): Lru<V> {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`cache size must be a positive integer, got ${capacity}`);
  }
  const nodes = new Map<string, Node<V>>();
  // Sentinel of the circular list: head.next is the least recently used, head.prev the most.
  const head = { key: '' } as Node<V>;
  head.prev = head.next = head;
  const unlink = (n: Node<V>): void => {
    n.prev.next = n.next;
    n.next.prev = n.prev;
  };
  const append = (n: Node<V>): void => {
    n.prev = head.prev;
    n.next = head;
    head.prev.next = n;
    head.prev = n;
  };
  return {
    get(key) {
      const n = nodes.get(key);
      if (n === undefined) return { hit: false };
      unlink(n);
      append(n);
      return { hit: true, value: n.value };
    },
    set(key, value) {
      const known = nodes.get(key);
      if (known !== undefined) {
        known.value = value;
        unlink(known);
        append(known);
        return;
      }
      const n = { key, value } as Node<V>;
      nodes.set(key, n);
      append(n);
      if (nodes.size > capacity) {
        const oldest = head.next;
        unlink(oldest);
        nodes.delete(oldest.key);
      }
    },
    delete(key) {
      const n = nodes.get(key);
      if (n === undefined) return;
      unlink(n);
      nodes.delete(key);
    },
    clear() {
      nodes.clear();
      head.prev = head.next = head;
    },
    get size() {
      return nodes.size;
    },
  };
}
