// A small radix tree for glob rules ("secret/*" is stored as "secret/"): longestPrefix(path) finds
// the longest stored key that begins the path, in steps proportional to the tree depth, as Vault's
// go-radix LongestPrefix does. Built once at compile time, read on every request.

import { hasPrefixAt } from './strings.js';

interface Node<V> {
  /** The edge label leading into this node. */
  label: string;
  value: V | undefined;
  hasValue: boolean;
  /** Children by the first character code of their label. */
  children: Map<number, Node<V>>;
}

export interface PrefixTree<V> {
  readonly size: number;
  insert(key: string, value: V): void;
  get(key: string): V | undefined;
  longestPrefix(path: string): { key: string; value: V } | null;
  /** The values of every stored key that begins the path, shortest key first. */
  prefixValues(path: string): V[];
}

function newNode<V>(label: string): Node<V> {
  return { label, value: undefined, hasValue: false, children: new Map() };
}

function commonPrefixLength(a: string, aFrom: number, b: string): number {
  const max = Math.min(a.length - aFrom, b.length);
  let i = 0;
  while (i < max && a.charCodeAt(aFrom + i) === b.charCodeAt(i)) i++;
  return i;
}

export function createPrefixTree<V>(): PrefixTree<V> {
  const root = newNode<V>('');
  let size = 0;

  function insert(key: string, value: V): void {
    let node = root;
    let i = 0;
    for (;;) {
      if (i === key.length) {
        if (!node.hasValue) size++;
        node.value = value;
        node.hasValue = true;
        return;
      }
      const child = node.children.get(key.charCodeAt(i));
      if (child === undefined) {
        const leaf = newNode<V>(key.slice(i));
        leaf.value = value;
        leaf.hasValue = true;
        node.children.set(key.charCodeAt(i), leaf);
        size++;
        return;
      }
      const common = commonPrefixLength(key, i, child.label);
      if (common === child.label.length) {
        node = child;
        i += common;
        continue;
      }
      // Split the child's edge at the common part.
      const middle = newNode<V>(child.label.slice(0, common));
      child.label = child.label.slice(common);
      middle.children.set(child.label.charCodeAt(0), child);
      node.children.set(middle.label.charCodeAt(0), middle);
      node = middle;
      i += common;
    }
  }

  function find(key: string): Node<V> | undefined {
    let node = root;
    let i = 0;
    while (i < key.length) {
      const child = node.children.get(key.charCodeAt(i));
      if (child === undefined || !hasPrefixAt(key, child.label, i)) return undefined;
      node = child;
      i += child.label.length;
    }
    return node;
  }

  function longestPrefix(path: string): { key: string; value: V } | null {
    let node = root;
    let i = 0;
    let best: Node<V> | undefined = root.hasValue ? root : undefined;
    let bestLength = 0;
    while (i < path.length) {
      const child = node.children.get(path.charCodeAt(i));
      if (child === undefined || !hasPrefixAt(path, child.label, i)) break;
      node = child;
      i += child.label.length;
      if (node.hasValue) {
        best = node;
        bestLength = i;
      }
    }
    return best === undefined ? null : { key: path.slice(0, bestLength), value: best.value as V };
  }

  function prefixValues(path: string): V[] {
    const out: V[] = [];
    let node = root;
    let i = 0;
    if (root.hasValue) out.push(root.value as V);
    while (i < path.length) {
      const child = node.children.get(path.charCodeAt(i));
      if (child === undefined || !hasPrefixAt(path, child.label, i)) break;
      node = child;
      i += child.label.length;
      if (node.hasValue) out.push(node.value as V);
    }
    return out;
  }

  return {
    get size() {
      return size;
    },
    insert,
    get(key: string): V | undefined {
      const node = find(key);
      return node?.hasValue ? node.value : undefined;
    },
    longestPrefix,
    prefixValues,
  };
}
