// Go's json/parser/flatten.go: objects whose members are all objects, and lists made only of objects, are
// rewritten into HCL's multi-key block items, so `{"path": {"a/*": {...}}}` decodes like `path "a/*" { ... }`.

import type { ListType, Node, ObjectItem, ObjectList, ObjectType } from './ast.js';

/** Flattens list and, top-down, every object list below it (in place). */
export function flattenObjects(list: ObjectList): void {
  walkList(list);
}

function walkList(list: ObjectList): void {
  flattenList(list);
  for (const item of list.items) walk(item.val);
}

function walk(node: Node): void {
  switch (node.kind) {
    case 'object':
      walkList(node.list);
      break;
    case 'list':
      for (const elem of node.elems) walk(elem);
      break;
    case 'item':
      walk(node.val);
      break;
    case 'items':
      walkList(node);
      break;
    case 'literal':
      break;
  }
}

function flattenList(list: ObjectList): void {
  const items: ObjectItem[] = [];
  const frontier = list.items.slice();
  while (frontier.length > 0) {
    const item = frontier.pop() as ObjectItem;
    if (item.val.kind === 'object') flattenObjectType(item.val, item, items, frontier);
    else if (item.val.kind === 'list') flattenListType(item.val, item, items, frontier);
    else items.push(item);
  }
  items.reverse();
  list.items = items;
}

function flattenListType(list: ListType, item: ObjectItem, items: ObjectItem[], frontier: ObjectItem[]): void {
  if (list.elems.length === 0 || !list.elems.every((e) => e.kind === 'object')) {
    items.push(item);
    return;
  }
  for (const elem of list.elems) frontier.push({ kind: 'item', keys: item.keys, val: elem });
}

function flattenObjectType(obj: ObjectType, item: ObjectItem, items: ObjectItem[], frontier: ObjectItem[]): void {
  const subs = obj.list.items;
  if (subs.length === 0 || !subs.every((s) => s.val.kind === 'object')) {
    items.push(item);
    return;
  }
  for (const sub of subs) frontier.push({ kind: 'item', keys: [...item.keys, ...sub.keys], val: sub.val });
}
